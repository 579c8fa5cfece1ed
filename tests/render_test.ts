/**
 * Ground truth of the one-pass renderer against analytic values: depth of a
 * plane, normals of a sphere, area of a square, boxes vs a CPU recount, flow
 * of a translating cube and of an articulated part, unoccluded area, and frame order under pipelining.
 */
import { mat4 } from "wgpu-matrix";
import { snapshot } from "../engine/scene/frame_state.ts";
import { halfToFloat } from "../engine/dataset/half.ts";
import { cube, plane, sphere, torus } from "../engine/scene/mesh.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import { Renderer } from "../engine/gpu/renderer.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import { Scene } from "../engine/scene/scene.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { testGpu } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

const FACE_CAMERA: [number, number, number, number] = [Math.SQRT1_2, 0, 0, Math.SQRT1_2]; // plane +Y → +Z

function emptyScene(): Scene {
  const scene = new Scene();
  scene.meshes.set("plane", [{ mesh: plane() }]);
  scene.meshes.set("cube", [{ mesh: cube() }]);
  scene.meshes.set("sphere", [{ mesh: sphere({ segments: 128, rings: 64 }) }]);
  scene.meshes.set("torus", [{ mesh: torus() }]);
  scene.camera.position = [0, 0, 0]; // looking down -z
  scene.addLight({});
  return scene;
}

/** Renders `frames` frames; `step(t)` moves the scene before frame t's snapshot. */
async function render(
  scene: Scene,
  size: [number, number],
  frames = 1,
  step: (t: number) => void = () => {},
  inFlight = 4,
): Promise<RenderedFrame[]> {
  const renderer = await Renderer.create(await testGpu(), {
    width: size[0],
    height: size[1],
    inFlight,
  });
  const out: RenderedFrame[] = [];
  const consume = (f: RenderedFrame) => {
    out.push(copyFrame(f)); // the renderer reuses a frame's arrays for the next one
  };
  step(0);
  let now = snapshot(scene, size[0], size[1]);
  for (let t = 0; t < frames; t++) {
    step(t + 1);
    const next = snapshot(scene, size[0], size[1]);
    await renderer.render(scene, now, next, { clip: 0, frame: t, maxId: scene.maxId }, consume);
    now = next;
  }
  await renderer.drain(consume);
  renderer.destroy();
  return out;
}

gpuTest("Renderer writes metric depth of a fronto-parallel plane", async () => {
  const scene = emptyScene();
  const d = 3.7;
  scene.add({ mesh: "plane", position: [0.3, -0.2, -d], rotation: FACE_CAMERA, scale: [2, 1, 2] });
  const [f] = await render(scene, [64, 48]);
  let covered = 0;
  for (let i = 0; i < f.depth.length; i++) {
    if (f.instance[i] !== 1) {
      assertEquals(f.depth[i], Infinity, "background depth");
      continue;
    }
    covered++;
    assertAlmostEquals(f.depth[i], d, 1e-4, `depth at pixel ${i}`);
  }
  assert(covered > 300, `plane covers ${covered} pixels`);
});

gpuTest("Renderer writes sphere normals within 1° of the analytic normal", async () => {
  const scene = emptyScene();
  const c = [0.2, 0.1, -3];
  const r = 0.8;
  scene.add({
    mesh: "sphere",
    position: c as [number, number, number],
    scale: [2 * r, 2 * r, 2 * r],
  });
  const [W, H] = [96, 80];
  const [f] = await render(scene, [W, H]);
  const k = scene.camera.intrinsics(W, H);
  // Sphere centre in the OpenCV camera frame (y and z flipped).
  const cc = [c[0], -c[1], -c[2]];
  let checked = 0;
  let worst = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (f.instance[i] !== 1) continue;
      const dir = [(x + 0.5 - k.cx) / k.fx, (y + 0.5 - k.cy) / k.fy, 1];
      const len = Math.hypot(...dir);
      const d = dir.map((v) => v / len);
      const b = d[0] * cc[0] + d[1] * cc[1] + d[2] * cc[2];
      const disc = b * b - (cc[0] ** 2 + cc[1] ** 2 + cc[2] ** 2 - r * r);
      if (disc < 0) continue; // silhouette pixel of the faceted mesh
      const t = b - Math.sqrt(disc);
      const n = [0, 1, 2].map((a) => (d[a] * t - cc[a]) / r);
      if (-(n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) < 0.15) continue; // grazing rim
      const g = [0, 1, 2].map((a) => halfToFloat(f.normals[i * 4 + a]));
      const dot = (g[0] * n[0] + g[1] * n[1] + g[2] * n[2]) / Math.hypot(...g);
      const angle = (Math.acos(Math.min(1, dot)) * 180) / Math.PI;
      worst = Math.max(worst, angle);
      checked++;
    }
  }
  assert(checked > 500, `checked ${checked} pixels`);
  assert(worst < 1, `worst normal error ${worst.toFixed(3)}°`);
});

gpuTest("Renderer instance count of a square matches its projected area", async () => {
  const scene = emptyScene();
  const side = 1.1;
  const d = 4;
  scene.add({ mesh: "plane", position: [0, 0, -d], rotation: FACE_CAMERA, scale: [side, 1, side] });
  const [W, H] = [80, 80];
  const [f] = await render(scene, [W, H]);
  const k = scene.camera.intrinsics(W, H);
  const px = (k.fx * side) / d;
  const count = f.labels[0].pixels;
  assert(Math.abs(count - px * px) <= 4 * px, `count ${count} vs area ${(px * px).toFixed(1)}`);
  assertEquals(f.labels[0].unoccluded, count, "an unoccluded square's amodal area is its count");
});

gpuTest("Renderer boxes, counts and depth ranges equal a CPU recount of the id image", async () => {
  const scene = emptyScene();
  scene.add({ mesh: "plane", position: [0, 0, -6], rotation: FACE_CAMERA, scale: [20, 1, 20] });
  scene.add({ mesh: "sphere", position: [-0.6, 0.2, -3] });
  scene.add({ mesh: "cube", position: [0.5, -0.1, -2.5], rotation: [0.2, 0.3, 0.1, 0.93] });
  scene.add({ mesh: "torus", position: [0.2, 0.4, -3.5], rotation: FACE_CAMERA });
  scene.add({ mesh: "cube", position: [0, 0, 5] }); // behind the camera: invisible
  const [W, H] = [72, 56];
  const [f] = await render(scene, [W, H]);
  for (let id = 1; id <= scene.maxId; id++) {
    let n = 0, x0 = W, y0 = H, x1 = 0, y1 = 0, dmin = Infinity, dmax = -Infinity;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (f.instance[i] !== id) continue;
        n++;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
        dmin = Math.min(dmin, f.depth[i]);
        dmax = Math.max(dmax, f.depth[i]);
      }
    }
    const label = f.labels[id - 1];
    assertEquals(label.pixels, n, `pixels of ${id}`);
    assertEquals(label.bbox, n ? [x0, y0, x1, y1] : null, `bbox of ${id}`);
    assertEquals(label.depth, n ? [dmin, dmax] : null, `depth of ${id}`);
  }
  assertEquals(f.labels[4].pixels, 0);
});

gpuTest("Renderer flow of a translating cube equals the analytic displacement", async () => {
  const scene = emptyScene();
  const cubeObject = scene.add({ mesh: "cube", position: [-0.4, 0.1, -3], scale: [0.8, 0.8, 0.8] });
  const speed = [0.05, -0.03]; // metres per frame in world x, y
  const [W, H] = [96, 96];
  const frames = await render(scene, [W, H], 3, (t) => {
    cubeObject.position = [-0.4 + speed[0] * t, 0.1 + speed[1] * t, -3];
  });
  const k = scene.camera.intrinsics(W, H);
  let checked = 0;
  for (const f of frames) {
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        const i = y * W + x;
        // interior pixels only: all 4 neighbours on the cube
        if ([i, i - 1, i + 1, i - W, i + W].some((j) => f.instance[j] !== 1)) continue;
        const z = f.depth[i];
        // translation parallel to the image plane: u moves by fx·dx/z, v by −fy·dy/z
        assertAlmostEquals(f.flow[i * 2], (k.fx * speed[0]) / z, 0.05, `flow x at ${x},${y}`);
        assertAlmostEquals(f.flow[i * 2 + 1], (-k.fy * speed[1]) / z, 0.05, `flow y at ${x},${y}`);
        checked++;
      }
    }
  }
  assert(checked > 1000, `checked ${checked} pixels`);
});

gpuTest("Renderer flow of an articulated part follows the part's own next placement", async () => {
  const scene = emptyScene();
  const at = (x: number, y: number) => mat4.translation([x, y, 0], new Float32Array(16));
  const pair = [{ mesh: cube(), matrix: at(-0.6, 0) }, { mesh: cube(), matrix: at(0.6, 0) }];
  scene.meshes.set("pair", pair);
  const o = scene.add({ mesh: "pair", position: [0, 0, -4], scale: [0.7, 0.7, 0.7] });
  const speed = [0.04, 0.03]; // the right part moves in the object frame per frame; the left stays
  const [W, H] = [96, 64];
  const frames = await render(scene, [W, H], 3, (t) => {
    o.partMatrices = [at(-0.6, 0), at(0.6 + speed[0] * t, speed[1] * t)];
  });
  const k = scene.camera.intrinsics(W, H);
  const s = 0.7; // object scale applies to the part's motion too
  let moving = 0;
  let still = 0;
  for (const f of frames) {
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        const i = y * W + x;
        if ([i, i - 1, i + 1, i - W, i + W].some((j) => f.instance[j] !== 1)) continue;
        const z = f.depth[i];
        const [dx, dy] = x < W / 2
          ? [0, 0]
          : [(k.fx * s * speed[0]) / z, (-k.fy * s * speed[1]) / z];
        assertAlmostEquals(f.flow[i * 2], dx, 0.05, `flow x at ${x},${y}`);
        assertAlmostEquals(f.flow[i * 2 + 1], dy, 0.05, `flow y at ${x},${y}`);
        if (x < W / 2) still++;
        else moving++;
      }
    }
  }
  assert(moving > 300 && still > 300, `checked ${moving} moving and ${still} still pixels`);
});

gpuTest("Renderer unoccluded area of an occluded object equals its area alone", async () => {
  for (const mesh of ["sphere", "torus"]) {
    const make = (withOccluder: boolean) => {
      const scene = emptyScene();
      scene.add({ mesh, position: [0, 0, -3], rotation: FACE_CAMERA });
      const blocker = scene.add({ mesh: "cube", position: [0.3, 0, -2], scale: [0.4, 2, 0.1] });
      blocker.visible = withOccluder;
      return scene;
    };
    const [alone] = await render(make(false), [64, 64]);
    const [occluded] = await render(make(true), [64, 64]);
    const a = alone.labels[0];
    const o = occluded.labels[0];
    assertEquals(a.unoccluded, a.pixels, `${mesh} alone`);
    assertEquals(o.unoccluded, a.pixels, `${mesh} behind the blocker`);
    assert(o.pixels < a.pixels, `${mesh} is partly hidden`);
  }
});

gpuTest(
  "Renderer counts 24 non-convex objects, each drawn alone (the per-object buffer grows)",
  async () => {
    const scene = emptyScene();
    const tori = [];
    for (let i = 0; i < 24; i++) {
      const x = 1.5 * ((i % 6) - 2.5); // 1.5 m apart: no torus hides another
      const y = 1.5 * (Math.floor(i / 6) - 1.5);
      tori.push(scene.add({ mesh: "torus", position: [x, y, -12], rotation: FACE_CAMERA }));
    }
    const [frame] = await render(scene, [160, 112]);
    for (const torus of tori) {
      const label = frame.labels[torus.id - 1];
      assert(label.pixels > 20, `torus ${torus.id} visible (${label.pixels} px)`);
      assertEquals(label.unoccluded, label.pixels, `torus ${torus.id}: nothing hides it`);
    }
  },
);

gpuTest("Renderer hands back frame k's data for frame k with many frames in flight", async () => {
  const scene = emptyScene();
  const wall = scene.add({
    mesh: "plane",
    position: [0, 0, -2],
    rotation: FACE_CAMERA,
    scale: [10, 1, 10],
  });
  const frames = await render(scene, [32, 32], 24, (t) => {
    wall.position = [0, 0, -(2 + 0.125 * t)];
  }, 8);
  assertEquals(frames.map((f) => f.meta.frame), [...Array(24).keys()]);
  for (const f of frames) {
    assertAlmostEquals(
      f.depth[16 * 32 + 16],
      2 + 0.125 * f.meta.frame,
      1e-5,
      `frame ${f.meta.frame}`,
    );
  }
});
