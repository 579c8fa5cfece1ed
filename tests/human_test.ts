/** Human actors: skeleton, motions, BVH, and labels checked against the rendered targets. */
import { kMatrix, toOpenCvPose } from "../engine/scene/camera.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";
import { Rng } from "../engine/scene/rng.ts";
import { Camera } from "../engine/scene/camera.ts";
import { sampleAppearance } from "../engine/human/appearance.ts";
import { bake, type BakedFrame, contactHeight, fromLocalPoses } from "../engine/human/bake.ts";
import { Body, bodyParts } from "../engine/human/body.ts";
import { parseBvh, retarget } from "../engine/human/bvh.ts";
import { MOTION_NAMES, MOTIONS } from "../engine/human/library.ts";
import { project, toCamera } from "../engine/human/labels.ts";
import { dot, normalize, sub } from "../engine/human/math.ts";
import type { MotionParams } from "../engine/human/motion.ts";
import {
  type Angles,
  ARTICULATED,
  BONES,
  clampAngles,
  footRadius,
  JOINT_INDEX,
  jointAngles,
  jointRotation,
  LIMITS,
  restOffsets,
} from "../engine/human/skeleton.ts";
import { footSlides } from "../engine/human/foot_slide.ts";
import { bakeMotions } from "./baked_motion.ts";
import { Actor } from "../engine/human/actor.ts";
import { objectBounds } from "../plugins/randomizer/bounds.ts";
import { Scene, type Vec3 } from "../engine/scene/scene.ts";
import { cube } from "../engine/scene/mesh.ts";
import { CarriedProp, carryPose } from "../engine/human/props.ts";
import { humanActions } from "../plugins/action/humans.ts";
import { schedule } from "../plugins/action/human_action.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, readLabels, renderTestScene } from "./helpers.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";

const FPS = 24;

function perform(name: string, seed: number, frames = 72, heading = 0.7) {
  const rng = new Rng(`human-test-${name}-${seed}`);
  const look = sampleAppearance(rng);
  const offsets = restOffsets(look.proportions);
  const motion = MOTIONS[name];
  const params: MotionParams = {
    speed: rng.uniform(0.85, 1.2),
    amplitude: rng.uniform(0.8, 1.2),
    side: rng.choice(["left", "right"] as const),
    height: look.proportions.height,
  };
  const { poses } = schedule([motion], [params], 0.2, 0.3, frames, FPS);
  const baked = bake(poses, {
    offsets,
    parts: bodyParts(look.proportions),
    footRadius: footRadius(look.proportions),
    start: [0.5, -0.3],
    heading,
    fps: FPS,
  });
  return { look, offsets, baked, params };
}

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function assertRigidBones(baked: BakedFrame[], offsets: Vec3[], what: string) {
  for (const [parent, child] of BONES) {
    const rest = Math.hypot(...offsets[JOINT_INDEX[child]]);
    for (const b of baked) {
      const d = dist(b.world.positions[JOINT_INDEX[parent]], b.world.positions[JOINT_INDEX[child]]);
      assertAlmostEquals(d, rest, 1e-3, `${what}: bone ${parent}-${child}`);
    }
  }
}

Deno.test("every motion keeps bone lengths constant (1 mm) and the body above the floor", () => {
  assert(MOTION_NAMES.length >= 12, "at least 12 motions");
  for (const name of MOTION_NAMES) {
    for (const seed of [1, 2]) {
      const { offsets, baked } = perform(name, seed);
      assertRigidBones(baked, offsets, name);
      for (const b of baked) {
        const soles = ["left_heel", "left_toe", "right_heel", "right_toe"].map((j) =>
          b.world.positions[JOINT_INDEX[j as "left_heel"]][1]
        );
        assert(Math.min(...soles) > -0.001, `${name}: a foot is under the floor`);
      }
    }
  }
});

Deno.test("motions are authored within the joint limits", () => {
  for (const name of MOTION_NAMES) {
    for (const amplitude of [0.8, 1.2]) {
      for (const side of ["left", "right"] as const) {
        const p: MotionParams = { speed: 1, amplitude, side, height: 1.75 };
        const d = MOTIONS[name].duration(p);
        for (let t = 0; t <= d + 0.5; t += 0.02) {
          const f = MOTIONS[name].sample(t, p);
          for (const joint of ARTICULATED) {
            const a = f.angles[joint];
            if (!a) continue;
            a.forEach((v, i) => {
              const [lo, hi] = LIMITS[joint][i];
              assert(
                v >= lo - 1e-9 && v <= hi + 1e-9,
                `${name} t=${t.toFixed(2)} ${joint}[${i}] = ${v} outside [${lo}, ${hi}]`,
              );
            });
          }
        }
      }
    }
  }
});

Deno.test("jointAngles inverts jointRotation, knee bends past 90° included", () => {
  for (const joint of ARTICULATED) {
    for (const angles of [[23, -11, 7], [128, 0, 4], [-20, 15, -9], [0, 0, 0]] as Angles[]) {
      const limited = clampAngles(joint, angles);
      const back = jointAngles(joint, jointRotation(joint, limited));
      back.forEach((v, i) => assertAlmostEquals(v, limited[i], 1e-6, `${joint}[${i}]`));
    }
  }
});

let bakedVariations: ReturnType<typeof bakeVariations> | undefined;
/** Every motion baked over the speed, amplitude and side variations a clip can sample. */
const variations = () => bakedVariations ??= bakeVariations();

function bakeVariations() {
  const out = [];
  for (const name of MOTION_NAMES) {
    for (const speed of [0.7, 1, 1.4]) {
      for (const amplitude of [0.8, 1.2]) {
        for (const side of ["left", "right"] as const) {
          const rng = new Rng(`variation-${name}-${speed}-${amplitude}-${side}`);
          const look = sampleAppearance(rng);
          const offsets = restOffsets(look.proportions);
          const params: MotionParams = { speed, amplitude, side, height: look.proportions.height };
          const { poses } = schedule([MOTIONS[name]], [params], 0.2, 0.3, 96, FPS);
          const radius = footRadius(look.proportions);
          const baked = bake(poses, {
            offsets,
            parts: bodyParts(look.proportions),
            footRadius: radius,
            start: [0, 0],
            heading: rng.uniform(-Math.PI, Math.PI),
            fps: FPS,
          });
          out.push({
            name,
            what: `${name} speed ${speed} amplitude ${amplitude} ${side}`,
            baked,
            radius,
          });
        }
      }
    }
  }
  return out;
}

Deno.test("no motion slides a foot on the floor by more than 3 cm per step", () => {
  let episodes = 0;
  for (const { what, baked, radius } of variations()) {
    for (const s of footSlides(baked, radius)) {
      assert(
        s.slide < 0.03,
        `${what}: ${s.point} slides ${(s.slide * 100).toFixed(1)} cm in frames ${s.from}-${s.to}`,
      );
      episodes++;
    }
  }
  assert(episodes > 500, `contact episodes checked: ${episodes}`);
});

Deno.test("foot sliding is measured: a foot dragged over the floor counts", () => {
  const { baked, look } = perform("wave", 1);
  const r = footRadius(look.proportions);
  assertEquals(Math.max(...footSlides(baked, r).map((s) => s.slide)) < 0.001, true);
  // Drag the left foot 1 cm per frame along x for the second half of the clip.
  const toe = JOINT_INDEX.left_toe;
  const dragged = baked.map((b, f) => {
    const positions = b.world.positions.map((p) => [...p] as Vec3);
    positions[toe][0] += 0.01 * Math.max(0, f - 36);
    return { ...b, world: { ...b.world, positions } };
  });
  const worst = footSlides(dragged, r).filter((s) => s.point === "left_toe")
    .reduce((m, s) => Math.max(m, s.slide), 0);
  assertAlmostEquals(worst, 0.01 * (dragged.length - 1 - 36), 1e-6);
});

Deno.test("baked poses, foot locking included, stay within the joint limits", () => {
  for (const { what, baked } of variations()) {
    baked.forEach((b, f) => {
      for (const joint of ARTICULATED) {
        jointAngles(joint, b.local.local[JOINT_INDEX[joint]]).forEach((v, i) => {
          const [lo, hi] = LIMITS[joint][i];
          assert(v > lo - 0.01 && v < hi + 0.01, `${what} frame ${f}: ${joint}[${i}] = ${v}`);
        });
      }
    });
  }
});

Deno.test("standing motions keep both feet on the floor, walking at least one", () => {
  for (const { name, what, baked } of variations()) {
    if (!["wave", "clap", "squat", "sit_down", "stand_up"].includes(name)) continue;
    baked.forEach((b, f) => assert(b.contact.left && b.contact.right, `${what} frame ${f}`));
  }
  // Walking has no flight: a foot is always down.
  for (const { name, what, baked } of variations()) {
    if (name !== "walk") continue;
    baked.forEach((b, f) => assert(b.contact.left || b.contact.right, `${what} frame ${f}`));
  }
});

Deno.test("motions are smooth: no joint jumps relative to the body between frames", () => {
  for (const name of MOTION_NAMES) {
    const { baked } = perform(name, 3);
    for (let f = 1; f < baked.length; f++) {
      const root = sub(baked[f].local.root, baked[f - 1].local.root);
      for (let j = 0; j < baked[f].world.positions.length; j++) {
        const move = sub(baked[f].world.positions[j], baked[f - 1].world.positions[j]);
        const step = Math.hypot(...sub(move, root));
        // 24 fps: 0.45 m per frame is 11 m/s relative to the pelvis: faster than a sprinting foot.
        assert(step < 0.45, `${name}: joint ${j} jumps ${step.toFixed(2)} m at frame ${f}`);
      }
    }
  }
});

Deno.test("walk: feet stay on or above the floor, planted feet do not slide, the root moves forward", () => {
  for (const seed of [1, 2, 3]) {
    const heading = 0.3 * seed;
    const { baked, look } = perform("walk", seed, 72, heading);
    const r = footRadius(look.proportions);
    const forward: Vec3 = [Math.sin(heading), 0, Math.cos(heading)];
    const travel = dot(sub(baked[71].local.root, baked[0].local.root), forward);
    assert(travel > 1.5, `walk travels ${travel.toFixed(2)} m in 3 s`);
    for (const j of ["left_heel", "left_toe", "right_heel", "right_toe"] as const) {
      let touch: Vec3 | null = null;
      for (const b of baked) {
        const p = b.world.positions[JOINT_INDEX[j]];
        assert(p[1] - r > -0.02, `${j} below the floor by ${(r - p[1]).toFixed(3)} m`);
        if (p[1] - r < contactHeight(r) / 2) {
          touch ??= p;
          const slide = Math.hypot(p[0] - touch[0], p[2] - touch[2]);
          assert(slide < 0.03, `${j} slides ${slide.toFixed(3)} m while on the floor`);
        } else {
          touch = null;
        }
      }
    }
    // Both feet take turns on the floor.
    assert(baked.some((b) => b.contact.left && !b.contact.right));
    assert(baked.some((b) => b.contact.right && !b.contact.left));
  }
});

Deno.test("blending two motions is continuous and ends in the second", () => {
  const params: MotionParams = { speed: 1, amplitude: 1, side: "right", height: 1.75 };
  const { plan, poses } = schedule(
    [MOTIONS.walk, MOTIONS.fall_over],
    [params, params],
    0.1,
    0.4,
    96,
    FPS,
  );
  assertEquals(plan.map((p) => p.motion.name), ["walk", "fall_over"]);
  for (let f = 1; f < poses.length; f++) {
    for (const joint of ARTICULATED) {
      const a = poses[f].angles[joint] ?? [0, 0, 0];
      const b = poses[f - 1].angles[joint] ?? [0, 0, 0];
      assert(Math.abs(a[0] - b[0]) < 25, `${joint} flex jumps at frame ${f}`);
    }
  }
  assert(poses[95].pitch > 1.4, "the walk ends lying on the floor");
});

Deno.test("a carried box stays between the hands while walking", () => {
  const rng = new Rng("carry");
  const look = sampleAppearance(rng);
  const offsets = restOffsets(look.proportions);
  const params: MotionParams = {
    speed: 1,
    amplitude: 1,
    side: "left",
    height: look.proportions.height,
  };
  const { poses } = schedule([MOTIONS.walk], [params], 0.2, 0.3, 48, FPS);
  const baked = bake(carryPose(poses), {
    offsets,
    parts: bodyParts(look.proportions),
    footRadius: footRadius(look.proportions),
    start: [0, 0],
    heading: 1,
    fps: FPS,
  });
  const scene = new Scene();
  scene.meshes.set("cube", [{ mesh: cube() }]);
  const prop = new CarriedProp(scene, "box", "box", baked, 0.022 * look.proportions.height, rng);
  assertEquals(scene.objects.length, 1);
  assert(prop.description.endsWith(" box"));
  for (let f = 0; f < baked.length; f++) {
    prop.place(f);
    const l = baked[f].world.positions[JOINT_INDEX.left_hand];
    const r = baked[f].world.positions[JOINT_INDEX.right_hand];
    const c = prop.object.position;
    assertAlmostEquals(dist(c, l), dist(c, r), 1e-6, "centred between the hands");
    assertAlmostEquals(
      dist(l, r),
      prop.object.scale[0] + 0.044 * look.proportions.height,
      0.01,
      "hands touch its sides",
    );
  }
  assertRigidBones(baked, offsets, "carry");
});

Deno.test("keypoint projection matches K and the OpenCV pose", () => {
  const camera = new Camera();
  camera.position = [1.2, 1.4, 3.5];
  camera.lookAt([0.1, 0.9, -0.2]);
  const k = camera.intrinsics(64, 48);
  const K = kMatrix(k);
  const pose = toOpenCvPose(camera.worldFromCamera(new Float32Array(16)));
  for (const p of [[0, 1, 0], [0.3, 0.2, -0.5], [-0.4, 1.7, 0.3]] as Vec3[]) {
    const c = toCamera(camera, p);
    const uv = project(k, c)!;
    // Independent path: camera point = Rᵀ (p − t) from world_from_camera rows, then K.
    const d = [0, 1, 2].map((i) => p[i] - pose[i][3]);
    const x = [0, 1, 2].map((col) =>
      d[0] * pose[0][col] + d[1] * pose[1][col] + d[2] * pose[2][col]
    );
    const u = (K[0][0] * x[0]) / x[2] + K[0][2];
    const v = (K[1][1] * x[1]) / x[2] + K[1][2];
    assertAlmostEquals(uv[0], u, 1e-3);
    assertAlmostEquals(uv[1], v, 1e-3);
  }
});

/** A small capture written here: T-pose rest (arms out), the left knee bending 0→90°, walking +Z. */
function testBvh(frames: number): string {
  const joint = (name: string, offset: string, channels: string, body: string) =>
    `JOINT ${name}\n{\nOFFSET ${offset}\nCHANNELS 3 ${channels}\n${body}}\n`;
  const end = (offset: string) => `End Site\n{\nOFFSET ${offset}\n}\n`;
  const rot = "Zrotation Xrotation Yrotation";
  const leg = (s: string, x: number) =>
    joint(
      `${s}UpLeg`,
      `${x} -5 0`,
      rot,
      joint(
        `${s}Leg`,
        "0 -45 0",
        rot,
        joint(`${s}Foot`, "0 -42 0", rot, joint(`${s}ToeBase`, "0 -6 14", rot, end("0 0 4"))),
      ),
    );
  const arm = (s: string, x: number) =>
    joint(
      `${s}Arm`,
      `${x} 20 0`,
      rot,
      joint(
        `${s}ForeArm`,
        `${x > 0 ? 28 : -28} 0 0`,
        rot,
        joint(`${s}Hand`, `${x > 0 ? 25 : -25} 0 0`, rot, end(`${x > 0 ? 8 : -8} 0 0`)),
      ),
    );
  const hierarchy =
    `HIERARCHY\nROOT Hips\n{\nOFFSET 0 0 0\nCHANNELS 6 Xposition Yposition Zposition ${rot}\n` +
    joint(
      "Spine",
      "0 10 0",
      rot,
      joint(
        "Spine1",
        "0 18 0",
        rot,
        joint("Neck", "0 20 0", rot, joint("Head", "0 10 0", rot, end("0 15 0"))) +
          arm("Left", 18) + arm("Right", -18),
      ),
    ) +
    leg("Left", 9) + leg("Right", -9) + "}\n";
  const channelsPerFrame = 6 + 3 * 18;
  const lines: string[] = [];
  for (let f = 0; f < frames; f++) {
    const row = new Array(channelsPerFrame).fill(0);
    row[1] = 98; // hips height (cm)
    row[2] = 4 * f; // walks +Z, 4 cm per frame
    // Channel layout: Hips(6) Spine Spine1 Neck Head LeftArm LeftForeArm LeftHand RightArm … LeftUpLeg LeftLeg
    const leftLeg = 6 + 3 * 11; // joints before LeftLeg: Spine, Spine1, Neck, Head, 3 left arm, 3 right arm, LeftUpLeg
    row[leftLeg + 1] = (90 * f) / (frames - 1); // X rotation bends the knee backward
    lines.push(row.join(" "));
  }
  return `${hierarchy}MOTION\nFrames: ${frames}\nFrame Time: ${1 / 30}\n${lines.join("\n")}\n`;
}

Deno.test("a BVH written here loads, retargets and drives the skeleton", () => {
  const bvh = parseBvh(testBvh(31));
  assertEquals(bvh.joints.length, 19);
  assertEquals(bvh.frames.length, 31);
  const look = sampleAppearance(new Rng("bvh"));
  const offsets = restOffsets(look.proportions);
  const poses = retarget(bvh, offsets);
  const baked = fromLocalPoses(poses, {
    offsets,
    parts: bodyParts(look.proportions),
    footRadius: footRadius(look.proportions),
    start: [0, 0],
    heading: 0,
  });
  assertRigidBones(baked, offsets, "bvh");
  const at = (f: number, j: string) => baked[f].world.positions[JOINT_INDEX[j as "pelvis"]];
  // The root follows the capture forward (scaled from cm to this body's size).
  assert(at(30, "pelvis")[2] - at(0, "pelvis")[2] > 0.8, "root moves forward");
  // Knee angle: the shin turns 90° away from the thigh by the last frame, 0° at the first.
  const knee = (f: number) => {
    const thigh = normalize(sub(at(f, "left_knee"), at(f, "left_hip")));
    const shin = normalize(sub(at(f, "left_ankle"), at(f, "left_knee")));
    return (Math.acos(Math.min(1, dot(thigh, shin))) * 180) / Math.PI;
  };
  assertAlmostEquals(knee(0), 0, 1);
  assertAlmostEquals(knee(30), 90, 1);
  // T-pose arms: the capture's arms point sideways, and so do ours.
  const arm = normalize(sub(at(0, "left_elbow"), at(0, "left_shoulder")));
  assert(arm[0] > 0.99, `left upper arm points along +X, got ${arm.map((v) => v.toFixed(2))}`);
  const rightLeg = normalize(sub(at(30, "right_knee"), at(30, "right_hip")));
  assert(rightLeg[1] < -0.99, "right thigh stays vertical");
});

Deno.test("every human plugin has a distinct id and at least 12 motion plugins exist", () => {
  const ids = humanActions.map((p) => p.id);
  assertEquals(new Set(ids).size, ids.length);
  assert(
    ids.filter((id) => id.startsWith("action/human_") && id !== "action/human_bvh").length >= 12,
  );
});

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

gpuTest(
  "rendered: keypoints project from 3D joints, visible ones lie on the person, box matches",
  async () => {
    const yaml = `
name: human_labels
seed: 3
frames: 12
size: [64, 48]
camera: { position: [0, 1.5, 5], look_at: [0, 0.9, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20], color: [0.5, 0.5, 0.5] }
  - { name: crate, mesh: cube, position: [0.3, 0.4, 1.2], scale: [0.5, 0.8, 0.5] }
plugins:
  - { use: action/human, name: person, with: { motion: { choice: [walk, wave, squat] }, camera: follow, distance: 2.2 } }
`;
    const { out } = await renderTestScene(yaml, { clips: 2, frames: 12, size: [64, 48] });
    let visible = 0;
    let checked = 0;
    for (const clip of [0, 1]) {
      const labels = await readLabels(out, clip);
      const record = labels.plugins.person.keypoints;
      const id = record.person;
      const person = labels.objects.find((o: { id: number }) => o.id === id);
      assertEquals(person.class, "person");
      assertEquals(labels.events.length, 1);
      assertEquals(labels.events[0].subjects, [id]);
      for (const [garment, colour] of Object.entries(person.attributes.clothing)) {
        assert(
          labels.events[0].label.includes(`${colour} ${garment}`),
          `label names the ${garment}`,
        );
      }
      const dir = `${out}/clip_${String(clip).padStart(5, "0")}`;
      const inst = decodeNpy(await Deno.readFile(`${dir}/instance.npy`));
      const [, H, W] = inst.shape;
      for (const f of record.frames) {
        const cam = labels.camera.frames[f.frame];
        const K = cam.K;
        const pose = cam.world_from_camera;
        record.coco17.forEach((name: string, i: number) => {
          const p = f.joints_world[record.joint_names.indexOf(name)];
          const d = [0, 1, 2].map((r) => p[r] - pose[r][3]);
          const x = [0, 1, 2].map((c) => d[0] * pose[0][c] + d[1] * pose[1][c] + d[2] * pose[2][c]);
          const [u, v, vis] = f.keypoints[i];
          assertAlmostEquals(u, (K[0][0] * x[0]) / x[2] + K[0][2], 0.01, `${name} u`);
          assertAlmostEquals(v, (K[1][1] * x[1]) / x[2] + K[1][2], 0.01, `${name} v`);
          const inside = u >= 0 && v >= 0 && u < W && v < H;
          assertEquals(vis === 0, !inside, `${name} visibility 0 exactly when outside`);
          if (vis === 2) {
            visible++;
            assertEquals(
              inst.data[f.frame * W * H + Math.floor(v) * W + Math.floor(u)],
              id,
              `${name} on the person`,
            );
          }
          checked++;
        });
        assertEquals(f.bbox, person.frames[f.frame].bbox);
        // The labelled skeleton is rigid: every bone keeps its first frame's length (1 mm).
        for (const [parent, child] of BONES) {
          const length = (g: { joints_world: Vec3[] }) =>
            dist(
              g.joints_world[record.joint_names.indexOf(parent)],
              g.joints_world[record.joint_names.indexOf(child)],
            );
          assertAlmostEquals(length(f), length(record.frames[0]), 1e-3, `${parent}-${child}`);
        }
      }
    }
    assert(visible > checked / 4, `some keypoints visible (${visible}/${checked})`);
  },
);

gpuTest(
  "rendered: three people in one clip have their own ids, keypoints and events, never touch, all in view",
  async () => {
    const yaml = `
name: people
seed: 4
size: [96, 64]
camera: { position: [0, 1.5, 5], look_at: [0, 0.9, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20], color: [0.5, 0.5, 0.5] }
plugins:
  - { use: action/human, name: crowd, with: { motion: any, people: 3, camera: follow } }
`;
    const { out } = await renderTestScene(yaml, { clips: 1, frames: 12, size: [96, 64] });
    const labels = await readLabels(out, 0);
    const records = labels.plugins.crowd.keypoints;
    assertEquals(records.length, 3);
    const ids: number[] = records.map((r: { person: number }) => r.person);
    assertEquals(new Set(ids).size, 3);
    assertEquals(labels.plugins.crowd.person.map((p: { id: number }) => p.id), ids);
    for (const id of ids) {
      assertEquals(labels.objects.find((o: { id: number }) => o.id === id).class, "person");
      assert(
        labels.events.some((e: { subjects: number[] }) => e.subjects[0] === id),
        `event for ${id}`,
      );
    }
    const inst = decodeNpy(await Deno.readFile(`${out}/clip_00000/instance.npy`));
    const [T, H, W] = inst.shape;
    for (let t = 0; t < T; t++) {
      // No two people within 40 cm of each other (joint to joint, on the floor).
      for (let a = 0; a < 3; a++) {
        for (let b = a + 1; b < 3; b++) {
          let nearest = Infinity;
          for (const p of records[a].frames[t].joints_world) {
            for (const q of records[b].frames[t].joints_world) {
              nearest = Math.min(nearest, Math.hypot(p[0] - q[0], p[2] - q[2]));
            }
          }
          assert(
            nearest > 0.4,
            `frame ${t}: people ${ids[a]} and ${ids[b]} ${nearest.toFixed(2)} m apart`,
          );
        }
      }
      // The group camera keeps everyone in the picture.
      const seen = new Set(inst.data.subarray(t * W * H, (t + 1) * W * H));
      for (const id of ids) assert(seen.has(id), `frame ${t}: person ${id} in view`);
    }
  },
); // deno-fmt-ignore

gpuTest(
  "rendered: action/human_bvh drives a person from a BVH file next to the scene",
  async () => {
    const yaml = `
name: human_bvh
seed: 1
frames: 8
size: [48, 48]
camera: { position: [0, 1.5, 5], look_at: [0, 0.9, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20] }
plugins:
  - { use: action/human_bvh, name: mocap, with: { file: walk.bvh, action: step, label: "bending a knee" } }
`;
    const { out } = await renderTestScene(yaml, {
      clips: 1,
      frames: 8,
      size: [48, 48],
      files: { "walk.bvh": testBvh(9) },
    });
    const labels = await readLabels(out, 0);
    const record = labels.plugins.mocap.keypoints;
    assertEquals(record.frames.length, 8);
    assertEquals(labels.events[0].verb, "step");
    const z = (f: number) => record.frames[f].joints_world[0][2];
    assert(z(7) > z(0) + 0.15, "the capture's root motion drives the person");
    const i = (name: string) => record.joint_names.indexOf(name);
    const shin = (f: number) =>
      dist(
        record.frames[f].joints_world[i("left_knee")],
        record.frames[f].joints_world[i("left_ankle")],
      );
    assertAlmostEquals(shin(0), shin(7), 1e-3);
  },
);

/** Pixels whose centre is within `radius` px of (u, v), on instance `id` and within `dz` m of depth `z`. */
function pixelsNear(
  u: number,
  v: number,
  z: number,
  at: { W: number; H: number; base: number; inst: Uint32Array; depth: Float32Array },
  id: number,
  radius = 1,
  dz = 0.08,
): number[] {
  const out: number[] = [];
  for (let y = Math.floor(v - radius); y <= Math.ceil(v + radius); y++) {
    for (let x = Math.floor(u - radius); x <= Math.ceil(u + radius); x++) {
      if (x < 0 || y < 0 || x >= at.W || y >= at.H) continue;
      if (Math.hypot(x + 0.5 - u, y + 0.5 - v) > radius) continue;
      const i = at.base + y * at.W + x;
      if (at.inst[i] === id && Math.abs(at.depth[i] - z) < dz) out.push(y * at.W + x);
    }
  }
  return out;
}

gpuTest(
  "rendered: flow of a waving hand is the wrist keypoint's motion, planted feet have none",
  async () => {
    const yaml = `
name: human_flow
seed: 5
frames: 24
size: [96, 96]
camera: { position: [0, 1.1, 3.4], look_at: [0, 1.0, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20] }
plugins:
  - { use: action/human_wave, name: person, with: { camera: fixed, random_heading: false, heading: 0, delay: 0, vary: 0, side: right, height: 1.75 } }
`;
    const { out } = await renderTestScene(yaml, { clips: 1, frames: 24, size: [96, 96] });
    const labels = await readLabels(out, 0);
    const record = labels.plugins.person.keypoints;
    const id = record.person;
    const dir = `${out}/clip_00000`;
    const inst = decodeNpy(await Deno.readFile(`${dir}/instance.npy`)).data as Uint32Array;
    const depth = decodeNpy(await Deno.readFile(`${dir}/depth.npy`)).data as Float32Array;
    const flow = decodeNpy(await Deno.readFile(`${dir}/flow.npy`)).data as Float32Array;
    const [W, H] = [96, 96];
    const kp = (f: number, name: string) => record.frames[f].keypoints[record.coco17.indexOf(name)];
    const z = (f: number, name: string) =>
      record.frames[f].joints_camera[record.joint_names.indexOf(name)][2];
    let hand = 0;
    let fast = 0;
    let worst = 0;
    let feet = 0;
    for (let f = 0; f + 1 < record.frames.length; f++) {
      const at = { W, H, base: f * W * H, inst, depth };
      // Only while the hand is raised above the shoulder: no other body part is near it there.
      const world = (name: string) =>
        record.frames[f].joints_world[record.joint_names.indexOf(name)];
      const raised = world("right_wrist")[1] > world("right_shoulder")[1];
      const [u0, v0] = kp(f, "right_wrist");
      const [u1, v1] = kp(f + 1, "right_wrist");
      const expected = [u1 - u0, v1 - v0];
      for (const p of raised ? pixelsNear(u0, v0, z(f, "right_wrist"), at, id) : []) {
        const i = (at.base + p) * 2;
        const error = Math.hypot(flow[i] - expected[0], flow[i + 1] - expected[1]);
        worst = Math.max(worst, error);
        assert(error < 0.5, `frame ${f}: wrist flow off by ${error.toFixed(2)} px`);
        hand++;
        if (Math.hypot(expected[0], expected[1]) > 2) fast++;
      }
      for (const ankle of ["left_ankle", "right_ankle"]) {
        const [u, v] = kp(f, ankle);
        const [un, vn] = kp(f + 1, ankle);
        assert(Math.hypot(un - u, vn - v) < 1e-3, `${ankle} stays put in frame ${f}`);
        for (const p of pixelsNear(u, v, z(f, ankle), at, id)) {
          const i = (at.base + p) * 2;
          assert(Math.hypot(flow[i], flow[i + 1]) < 0.05, `frame ${f}: ${ankle} flow`);
          feet++;
        }
      }
    }
    // The check must bite: many wrist pixels move by more than 2 px per frame.
    assert(fast >= 10, `wrist pixels with fast motion: ${fast} of ${hand} (worst ${worst})`);
    assert(feet >= 20, `ankle pixels checked: ${feet}`);
  },
);

/** Pixel of world point `p` with a clip frame's K and OpenCV world_from_camera. */
function projectWorld(K: number[][], pose: number[][], p: number[]): [number, number] {
  const d = [0, 1, 2].map((r) => p[r] - pose[r][3]);
  const x = [0, 1, 2].map((c) => d[0] * pose[0][c] + d[1] * pose[1][c] + d[2] * pose[2][c]);
  return [(K[0][0] * x[0]) / x[2] + K[0][2], (K[1][1] * x[1]) / x[2] + K[1][2]];
}

gpuTest("rendered: the shadow of a walking person moves with the person on the floor", async () => {
  const yaml = `
name: human_shadow
seed: 2
frames: 24
size: [96, 72]
camera: { position: [0, 5, 4.5], look_at: [0, 0, 0], fov: 55 }
ambient: { intensity: 0.15 }
lights:
  - { type: directional, direction: [0.35, -1, 0.5], intensity: 2.5, cast_shadow: true }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20], color: [0.7, 0.7, 0.7], roughness: 1 }
plugins:
  - { use: action/human_walk, name: person, with: { camera: fixed, random_heading: false, heading: 90, delay: 0, vary: 0, height: 1.75 } }
  - { use: randomizer/test_probe }
`;
  probedFrames.length = 0;
  const { out } = await renderTestScene(yaml, {
    clips: 1,
    frames: 24,
    size: [96, 72],
    registry: [...humanActions, frameProbe],
  });
  const labels = await readLabels(out, 0);
  const record = labels.plugins.person.keypoints;
  const floor = labels.objects.find((o: { name: string }) => o.name === "floor").id;
  const frames = [...probedFrames].sort((a, b) => a.meta.frame - b.meta.frame);
  assertEquals(frames.length, 24);
  /** Centroid of floor pixels much darker than the lit floor (its median red). */
  const shadow = (f: RenderedFrame) => {
    const reds: number[] = [];
    for (let i = 0; i < f.width * f.height; i++) {
      if (f.instance[i] === floor) reds.push(f.rgb[i * 4]);
    }
    const lit = reds.sort((a, b) => a - b)[Math.floor(reds.length / 2)];
    let [n, sx, sy] = [0, 0, 0];
    for (let i = 0; i < f.width * f.height; i++) {
      if (f.instance[i] !== floor || f.rgb[i * 4] > 0.6 * lit) continue;
      n++;
      sx += (i % f.width) + 0.5;
      sy += Math.floor(i / f.width) + 0.5;
    }
    return { n, at: [sx / n, sy / n] };
  };
  /** Where the pelvis is over the floor, in pixels. */
  const ground = (t: number) => {
    const p = record.frames[t].joints_world[record.joint_names.indexOf("pelvis")];
    const cam = labels.camera.frames[t];
    return projectWorld(cam.K, cam.world_from_camera, [p[0], 0, p[2]]);
  };
  const first = shadow(frames[0]);
  const last = shadow(frames[23]);
  for (const f of frames) assert(shadow(f).n >= 15, `frame ${f.meta.frame}: a shadow on the floor`);
  const moved = [last.at[0] - first.at[0], last.at[1] - first.at[1]];
  const g0 = ground(0);
  const g1 = ground(23);
  const walked = [g1[0] - g0[0], g1[1] - g0[1]];
  const length = Math.hypot(...walked);
  assert(length > 8, `the person crosses ${length.toFixed(1)} px of floor`);
  const cos = (moved[0] * walked[0] + moved[1] * walked[1]) / (Math.hypot(...moved) * length);
  const ratio = Math.hypot(...moved) / length;
  assert(cos > 0.95, `shadow moves along the walk (cos ${cos.toFixed(3)})`);
  assert(ratio > 0.75 && ratio < 1.25, `shadow moves ${ratio.toFixed(2)}× the walk`);
  // And it keeps up on every frame, not only over the whole clip.
  for (const f of frames) {
    const t = f.meta.frame;
    const s = shadow(f).at;
    const g = ground(t);
    const lag = Math.hypot(
      s[0] - first.at[0] - (g[0] - g0[0]),
      s[1] - first.at[1] - (g[1] - g0[1]),
    );
    assert(lag < 2, `frame ${t}: shadow ${lag.toFixed(2)} px off the person's ground motion`);
  }
});

Deno.test("a posed person's bounds hold every joint of the current frame, not the first", () => {
  const { look, offsets, baked } = perform("wave", 4);
  const scene = new Scene();
  const actor = new Actor(scene, "person", "human:test", new Body(look, offsets), baked, 0.7);
  for (const f of [0, 30, 50]) {
    actor.pose(f);
    const box = objectBounds(scene, actor.object);
    for (const p of baked[f].world.positions) {
      for (let k = 0; k < 3; k++) {
        assert(p[k] > box.min[k] && p[k] < box.max[k], `frame ${f}: a joint outside the bounds`);
      }
    }
  }
  // The check bites: the waving hand is outside the first frame's bounds.
  actor.pose(0);
  const first = objectBounds(scene, actor.object);
  const hand = baked[50].world.positions[JOINT_INDEX.right_hand];
  const left = baked[50].world.positions[JOINT_INDEX.left_hand];
  const outside = (p: Vec3) => p.some((v, k) => v < first.min[k] || v > first.max[k]);
  assert(outside(hand) || outside(left), "a hand leaves the resting bounds");
});

Deno.test("no two motions in a row slide a foot by more than 3 cm (kick → kick was 10.7, then 5.4)", () => {
  let worst = 0;
  let pair = "";
  for (const a of MOTION_NAMES) {
    for (const b of MOTION_NAMES) {
      const { baked, radius } = bakeMotions([a, b], `pair-${a}-${b}`, 120);
      for (const s of footSlides(baked, radius)) {
        if (s.slide > worst) [worst, pair] = [s.slide, `${a} → ${b} (${s.point})`];
      }
    }
  }
  assert(worst < 0.03, `${pair} slides ${(worst * 100).toFixed(1)} cm`);
});
