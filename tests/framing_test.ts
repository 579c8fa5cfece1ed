/**
 * Every clip is usable data: over 44 clips of something_something and 42 of human_actions (three
 * of each of its 14 motions), the objects the
 * actions are about stay in frame and visible. Measured here from labels.json alone — the
 * objects' 3D boxes posed per frame and projected through the per-frame camera (what the frame
 * edge cuts off), and the masks' visibility (what other objects hide) — not from the camera
 * planner's numbers nor from the engine's own `framing` section.
 */
import { assert, assertEquals } from "./assert.ts";
import { testGpu } from "./helpers.ts";
import { planDataset, renderDataset } from "../engine/run/dataset_run.ts";
import { summarizeFraming } from "../engine/dataset/clip_quality.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { readWav } from "../engine/audio/wav.ts";
import { probeAudio, readerAvailable, runs } from "./readers.ts";

const HAVE_FFPROBE = await runs("ffprobe", ["-version"]);

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
/** Clips rendered per scene: human_actions' 72-frame people cost 4 s a clip on 2 cores. */
const CLIPS: Record<string, number> = { something_something: 44, human_actions: 42 };
const SIZE: [number, number] = [112, 84];

type M4 = number[][];
interface Labels {
  size: [number, number];
  camera: { frames: { K: number[][]; world_from_camera: M4 }[] };
  objects: {
    id: number;
    class: string;
    bounds: [number[], number[]] | null;
    frames: { present: boolean; pose: M4 | null; bbox: number[] | null; visibility: number }[];
  }[];
  events: { subjects: number[] }[];
  framing: { framed: number };
}

const apply = (m: M4, p: number[]) =>
  [0, 1, 2].map((r) => m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3]);

/** world_from_camera (rigid) inverted: camera_from_world. */
function invertRigid(m: M4): M4 {
  const r = [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[j][i]));
  const t = [0, 1, 2].map((i) => -(r[i][0] * m[0][3] + r[i][1] * m[1][3] + r[i][2] * m[2][3]));
  return [[...r[0], t[0]], [...r[1], t[1]], [...r[2], t[2]], [0, 0, 0, 1]];
}

/** Pixel rectangle of a posed box, or undefined when part of it is behind the camera. */
function projectedRect(labels: Labels, t: number, pose: M4, b: [number[], number[]]) {
  const cam = labels.camera.frames[t];
  const view = invertRigid(cam.world_from_camera);
  const K = cam.K;
  const rect = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 8; i++) {
    const local = [b[i & 1][0], b[(i >> 1) & 1][1], b[(i >> 2) & 1][2]];
    const [x, y, z] = apply(view, apply(pose, local));
    if (z <= 0) return undefined;
    const u = K[0][0] * x / z + K[0][2];
    const v = K[1][1] * y / z + K[1][2];
    rect[0] = Math.min(rect[0], u);
    rect[1] = Math.min(rect[1], v);
    rect[2] = Math.max(rect[2], u);
    rect[3] = Math.max(rect[3], v);
  }
  return rect;
}

/** Share of frames in which each acting object is ≥ 50 % seen, over every clip of `dir`. */
async function measure(dir: string, clips: number) {
  let framed = 0;
  let frames = 0;
  for (let c = 0; c < clips; c++) {
    const clip = `${dir}/clip_${String(c).padStart(5, "0")}`;
    const labels: Labels = JSON.parse(await Deno.readTextFile(`${clip}/labels.json`));
    const [W, H] = labels.size;
    const acting = new Set(labels.events.flatMap((e) => e.subjects));
    assert(acting.size > 0, `${clip}: no acting object`);
    for (const id of acting) {
      const object = labels.objects.find((o) => o.id === id)!;
      assert(object.bounds, `${clip}: object ${id} has no bounds`);
      for (const [t, f] of object.frames.entries()) {
        frames++;
        if (!f.present || !f.pose) continue;
        const rect = projectedRect(labels, t, f.pose, object.bounds);
        if (!rect) continue;
        // The mask's box lies inside the projected 3D box (rigid objects; a person's parts move).
        if (f.bbox && object.class !== "person") {
          assert(
            f.bbox[0] >= Math.floor(rect[0]) - 1 && f.bbox[1] >= Math.floor(rect[1]) - 1 &&
              f.bbox[2] <= Math.ceil(rect[2]) + 1 && f.bbox[3] <= Math.ceil(rect[3]) + 1,
            `${clip} object ${id} frame ${t}: mask box ${f.bbox} outside projected box ${rect}`,
          );
        }
        const area = Math.max(1e-9, (rect[2] - rect[0]) * (rect[3] - rect[1]));
        const w = Math.max(0, Math.min(rect[2], W) - Math.max(rect[0], 0));
        const h = Math.max(0, Math.min(rect[3], H) - Math.max(rect[1], 0));
        if ((w * h / area) * f.visibility >= 0.5) framed++;
      }
    }
  }
  return framed / frames;
}

/**
 * The shipped scenes have sound: every clip's stems sum to its mix and rgb.mp4 carries the mix
 * as AAC (every 10th clip probed). Returns how many clips have at least one sounding event.
 */
async function checkSound(dir: string, clips: number) {
  let sounding = 0;
  for (let c = 0; c < clips; c++) {
    const clip = `${dir}/clip_${String(c).padStart(5, "0")}`;
    const report = JSON.parse(await Deno.readTextFile(`${clip}/audio.json`));
    const mix = await readWav(`${clip}/${report.mix}`);
    const sum = mix.channels.map((channel) => new Float32Array(channel.length));
    for (const source of report.sources) {
      const stem = await readWav(`${clip}/${source.stem}`);
      stem.channels.forEach((channel, k) => channel.forEach((v, n) => sum[k][n] += v));
    }
    let worst = 0;
    sum.forEach((channel, k) =>
      channel.forEach((v, n) => worst = Math.max(worst, Math.abs(v - mix.channels[k][n])))
    );
    assert(worst <= 1e-5, `${clip}: stems differ from the mix by ${worst}`);
    if (report.sources.some((s: { events: unknown[] }) => s.events.length > 0)) sounding++;
    if (c % 10 === 0 && readerAvailable(HAVE_FFPROBE, "ffprobe", "ffmpeg")) {
      const audio = await probeAudio(`${clip}/rgb.mp4`);
      assertEquals(audio?.codec_name, "aac", `${clip}/rgb.mp4 has an AAC stream`);
    }
  }
  return sounding;
}

for (const [scene, clips] of Object.entries(CLIPS)) {
  Deno.test({
    name:
      `scenes/${scene}.yaml: acting objects framed and visible in ≥ 95 % of frames, sound in rgb.mp4 (${clips} clips)`,
    ...gpuTest,
    async fn() {
      const out = await Deno.makeTempDir({ prefix: "synthvid_framing_" });
      try {
        await renderDataset({
          scene: `scenes/${scene}.yaml`,
          out,
          // framing and sound do not depend on the look: the fast preset keeps this test short
          overrides: { clips, width: SIZE[0], height: SIZE[1], quality: "low" },
          gpu: await testGpu(),
          log: () => {},
        });
        const share = await measure(out, clips);
        assert(share >= 0.95, `${scene}: acting objects framed in ${(100 * share).toFixed(1)} %`);
        const sounding = await checkSound(out, clips);
        // Measured 85 % (contacts: drops, topples, rolls) and 51 % (motions that step).
        const least = scene === "human_actions" ? 0.4 : 0.7;
        assert(sounding >= least * clips, `${scene}: ${sounding} of ${clips} clips make a sound`);
      } finally {
        await Deno.remove(out, { recursive: true });
      }
    },
  });
}

/** An action about a cube placed anywhere along a 12 m line: often out of the camera's view. */
const offstage = definePlugin({
  id: "action/offstage",
  kind: "action",
  description: "a test action whose subject may be out of view",
  defaults: {},
  create: () => ({
    clipStart(ctx) {
      const x = ctx.rng.uniform(-6, 6);
      const cube = ctx.scene.add({
        name: "thing",
        class: "box",
        mesh: "cube",
        position: [x, 0.5, 0],
      });
      ctx.emit({ verb: "stand", subjects: [cube.id], start: 0, end: ctx.frames - 1 });
    },
  }),
});

const offstageScene = (redraws: number) => `
clips: 8
frames: 4
size: [64, 48]
camera: { position: [0, 1, 5], look_at: [0, 0.5, 0], fov: 45 }
framing: { min_framed: 0.95, redraws: ${redraws} }
plugins: [{ use: action/offstage }]
`;

Deno.test("framing.redraws draws badly framed clips again and keeps well framed first draws", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_redraw_" });
  try {
    const plan = async (redraws: number) => {
      await Deno.writeTextFile(`${dir}/scene.yaml`, offstageScene(redraws));
      return (await planDataset({ scene: `${dir}/scene.yaml`, registry: [offstage] })).clips;
    };
    const first = await plan(0);
    const redrawn = await plan(12);
    const bad = first.filter((c) => c.framing!.framed < 0.95).map((c) => c.clip);
    assert(bad.length > 0 && bad.length < 8, `first draws below 95 %: ${bad}`);
    for (const [i, c] of redrawn.entries()) {
      assert(c.framing!.framed >= 0.95, `clip ${i} still framed ${c.framing!.framed}`);
      if (bad.includes(i)) assert(c.framing!.draw! > 0, `clip ${i} was not redrawn`);
      else {
        assertEquals(c.framing!.draw, 0, `clip ${i} was redrawn`);
        assertEquals(c.sampled, first[i].sampled, `clip ${i}'s first draw changed`);
      }
    }
    const summary = summarizeFraming(redrawn)!;
    assertEquals(summary.redrawn, bad.length);
    assertEquals(summary.below, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
