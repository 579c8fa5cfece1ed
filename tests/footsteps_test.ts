/**
 * Footsteps: a person's feet strike the floor where and when the baked motion puts them down,
 * and the sound follows the person frame by frame (not the pose the clip began with).
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { readLabels, renderTestScene } from "./helpers.ts";
import { probeAudio, readerAvailable, runs } from "./readers.ts";
import { footfalls } from "../engine/human/footfalls.ts";
import { bakeMotions } from "./baked_motion.ts";
import { Body } from "../engine/human/body.ts";
import { Actor } from "../engine/human/actor.ts";
import { Scene } from "../engine/scene/scene.ts";
import { initPhysics, PhysicsWorld } from "../engine/physics/world.ts";
import { readWav } from "../engine/audio/wav.ts";

const FPS = 24;
const HAVE_FFPROBE = await runs("ffprobe", ["-version"]);

function baked(name: string, frames: number) {
  const { baked: poses, radius, look, offsets } = bakeMotions([name], `footsteps-${name}`, frames);
  return { frames: poses, radius, body: () => new Body(look, offsets) };
}

Deno.test("footfalls of a walk: each lands on its touchdown frame, feet alternate, none at frame 0", () => {
  const { frames, radius } = baked("walk", 72);
  const steps = footfalls(frames, radius, FPS);
  assert(steps.length >= 4, `${steps.length} footfalls in 3 s of walking`);
  for (const [i, s] of steps.entries()) {
    assert(s.frame >= 1, "no footfall on the first frame");
    assert(frames[s.frame].contact[s.side] && !frames[s.frame - 1].contact[s.side], "touchdown");
    assert(s.time > (s.frame - 1) / FPS - 1e-9 && s.time <= s.frame / FPS + 1e-9, "within frame");
    assert(s.speed > 0.02, `the foot comes down (${s.speed} m/s)`);
    assertEquals(s.position[1], 0);
    if (i > 0) assert(s.time >= steps[i - 1].time, "in time order");
  }
  // A walk alternates feet.
  const alternations = steps.slice(1).filter((s, i) => s.side !== steps[i].side).length;
  assert(alternations >= steps.length - 2, `sides ${steps.map((s) => s.side).join(" ")}`);
});

Deno.test("footfalls: a person waving in place makes none", () => {
  const { frames, radius } = baked("wave", 48);
  assertEquals(footfalls(frames, radius, FPS), []);
});

Deno.test("physics refuses a rigid body for an articulated person (its limbs move every frame)", async () => {
  await initPhysics();
  const scene = new Scene();
  const { frames, body } = baked("wave", 12);
  const actor = new Actor(scene, "person", "human:test", body(), frames, 0);
  actor.pose(6);
  const world = new PhysicsWorld({ fps: FPS });
  assertThrows(() => world.addBody(scene, actor.object), "articulated");
});

Deno.test({
  name: "a walking person's footsteps: onsets at the footfalls, sound follows the person per frame",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const frames = 36;
    const yaml = `
name: footsteps
seed: 5
clips: 1
frames: ${frames}
fps: ${FPS}
size: [64, 48]
outputs: [rgb, instance]
camera: { position: [0, 1.4, 6], look_at: [0, 0.9, 0], fov: 60 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20] }
plugins:
  - { use: action/human, name: person, with: { motion: walk, delay: 0, camera: fixed, random_heading: false, heading: 90 } }
  - { use: audio/impacts, name: sound }
`;
    const { dir, out } = await renderTestScene(yaml);
    try {
      const clip = `${out}/clip_00000`;
      const labels = await readLabels(out);
      const report = JSON.parse(await Deno.readTextFile(`${clip}/audio.json`));
      const person = labels.objects.find((o: { class: string }) => o.class === "person");
      const floor = labels.objects.find((o: { class: string }) => o.class === "floor");
      const hits = labels.plugins.sound.impacts as {
        time: number;
        bodies: number[];
        materials: string[];
      }[];
      assert(hits.length >= 2, `${hits.length} footsteps in 1.5 s`);
      for (const h of hits) {
        assertEquals(h.bodies, [person.id, floor.id]);
        assertEquals(h.materials[0], "rubber");
      }
      const stem = report.sources.find((s: { instance: number }) => s.instance === person.id);
      assert(stem, "the person has a stem");
      assertEquals(
        stem.events.map((e: { emitted: number }) => e.emitted),
        hits.map((h) => h.time),
      );
      // The stem is silent before the first footstep and sounds after it.
      const wav = await readWav(`${clip}/${stem.stem}`);
      const first = Math.floor(hits[0].time * wav.sampleRate);
      const energy = (a: number, b: number) =>
        wav.channels[0].subarray(a, b).reduce((s, v) => s + v * v, 0);
      assertEquals(energy(0, first), 0);
      assert(energy(first, first + 4800) > 0, "sounds at the first footstep");
      // Where the sound is: the person's root, frame by frame, projected by that frame's camera.
      let moved = 0;
      for (const [t, f] of stem.frames.entries()) {
        const pose = person.frames[t].pose as number[][];
        const cam = labels.camera.frames[t];
        const w = cam.world_from_camera as number[][];
        const d = [0, 1, 2].map((k) => pose[k][3] - w[k][3]);
        const c = [0, 1, 2].map((i) => w[0][i] * d[0] + w[1][i] * d[1] + w[2][i] * d[2]);
        const K = cam.K as number[][];
        const u = K[0][0] * c[0] / c[2] + K[0][2], v = K[1][1] * c[1] / c[2] + K[1][2];
        assert(
          Math.hypot(f.image[0] - u, f.image[1] - v) < 1e-3,
          `frame ${t}: ${f.image} vs ${u},${v}`,
        );
        if (t > 0) moved += Math.abs(f.pan - stem.frames[t - 1].pan);
      }
      assert(moved > 0.05, `the pan follows the walk (${moved})`);
      if (!readerAvailable(HAVE_FFPROBE, "ffprobe", "ffmpeg")) return;
      const audio = await probeAudio(`${clip}/rgb.mp4`);
      assertEquals(audio?.codec_name, "aac");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
