/**
 * Culling never drops a visible object and never changes a label but where the old path let a
 * back face win the depth test by rounding: objects just inside each frame edge draw the same
 * pixels with culling on and off, the sphere tests are conservative for 20 000 random spheres,
 * and the shipped scenes' ground truth is byte-identical with frustum culling and shared label
 * passes, and differs with back-face culling only at a few silhouette pixels whose depth moved
 * back by rounding.
 */
import { mat4 } from "wgpu-matrix";
import { Rng } from "../engine/scene/rng.ts";
import { snapshot } from "../engine/scene/frame_state.ts";
import { cube, sphere } from "../engine/scene/mesh.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import { type Culling, Renderer } from "../engine/gpu/renderer.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import {
  frustumPlanes,
  mayCullBackFaces,
  placedSphere,
  sphereInView,
} from "../engine/gpu/view_cull.ts";
import { projectionFromIntrinsics } from "../engine/scene/camera.ts";
import { Scene } from "../engine/scene/scene.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { assert, assertEquals } from "./assert.ts";
import { testGpu } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

const OFF: Culling = { frustum: false, backFaces: false, layers: false };
const ON: Culling = { frustum: true, backFaces: true, layers: true };

async function renderOnce(scene: Scene, size: [number, number], culling: Culling) {
  const renderer = await Renderer.create(await testGpu(), {
    width: size[0],
    height: size[1],
    culling,
  });
  const frames: RenderedFrame[] = [];
  const state = snapshot(scene, size[0], size[1]);
  await renderer.render(scene, state, state, { clip: 0, frame: 0, maxId: scene.maxId }, (f) => {
    frames.push(copyFrame(f));
  });
  await renderer.drain((f) => void frames.push(copyFrame(f)));
  renderer.destroy();
  return frames[0];
}

gpuTest(
  "an object just inside each frame edge is drawn, one just outside draws nothing",
  async () => {
    const [W, H] = [64, 48];
    const scene = new Scene();
    scene.meshes.set("cube", [{ mesh: cube() }]);
    scene.meshes.set("sphere", [{ mesh: sphere() }]);
    scene.camera.position = [0, 0, 0]; // looking down -z, fovY 45
    scene.addLight({});
    const z = -5;
    const pixel = -z / ((H / 2) / Math.tan((45 * Math.PI) / 360)); // metres per pixel at z
    const half = [(W / 2) * pixel, (H / 2) * pixel];
    const r = 0.1; // cubes of side 0.2, spheres of diameter 0.2
    const ids: Record<string, number> = {};
    // Each object's nearest face crosses the edge by `inside` pixels (negative: stays outside).
    for (
      const [edge, axis, sign] of [["left", 0, -1], ["right", 0, 1], ["bottom", 1, -1], [
        "top",
        1,
        1,
      ]] as const
    ) {
      const objects = [["cube", 0.75], ["sphere", 1.5], ["cube", -0.6]] as const;
      for (const [k, [mesh, inside]] of objects.entries()) {
        const position: [number, number, number] = [0, 0, z];
        position[axis] = sign * (half[axis] + r - inside * pixel);
        position[1 - axis] = (k - 1) * 0.5 * half[1 - axis]; // side by side along the edge
        const o = scene.add({ mesh, position, scale: [2 * r, 2 * r, 2 * r] });
        ids[`${edge} ${mesh} ${inside}`] = o.id;
      }
    }
    const off = await renderOnce(scene, [W, H], OFF);
    const on = await renderOnce(scene, [W, H], ON);
    assertEquals(on.instance, off.instance, "ids with culling on and off");
    assertEquals(new Uint8Array(on.depth.buffer), new Uint8Array(off.depth.buffer), "depth");
    assertEquals(new Uint8Array(on.normals.buffer), new Uint8Array(off.normals.buffer), "normals");
    assertEquals(on.labels, off.labels, "labels");
    const seen = new Set(on.instance);
    for (const [name, id] of Object.entries(ids)) {
      assertEquals(seen.has(id), !name.endsWith("-0.6"), `${name}: drawn`);
    }
  },
);

Deno.test("sphere tests: no sphere with a point in view is culled; culled back faces are never near", () => {
  const rng = new Rng(7);
  const k = { width: 64, height: 48, fx: 50, fy: 50, cx: 32, cy: 24 };
  const proj = projectionFromIntrinsics(k, 0.05, 40);
  const view = mat4.lookAt([0.3, 1.2, 2], [0, 0.5, -1], [0, 1, 0]) as Float32Array;
  const planes = frustumPlanes(proj, view);
  const clip = mat4.multiply(proj, view) as Float32Array;
  const inClip = (p: number[]) => {
    const c = [0, 1, 2, 3].map((r) =>
      clip[r] * p[0] + clip[4 + r] * p[1] + clip[8 + r] * p[2] + clip[12 + r]
    );
    return c[3] > 0 && Math.abs(c[0]) <= c[3] && Math.abs(c[1]) <= c[3] && c[2] >= 0 &&
      c[2] <= c[3];
  };
  let inView = 0;
  let backCulled = 0;
  for (let n = 0; n < 20000; n++) {
    const model = mat4.identity() as Float32Array;
    mat4.translate(model, [rng.uniform(-6, 6), rng.uniform(-5, 6), rng.uniform(-12, 3)], model);
    mat4.rotateY(model, rng.uniform(0, 6.3), model);
    const s = rng.uniform(0.02, 1.5);
    mat4.scale(model, [s, s * rng.uniform(0.5, 1), rng.next() < 0.1 ? -s : s], model);
    const sphere = placedSphere(model, 0.5 * Math.sqrt(3)); // a unit cube's corners
    // sample the placed cube's surface: any sample in view means the cube is visible
    let visible = false;
    for (let i = 0; i < 200 && !visible; i++) {
      const local = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)];
      local[i % 3] = i % 2 ? 0.5 : -0.5;
      const w = [0, 1, 2].map((r) =>
        model[r] * local[0] + model[4 + r] * local[1] + model[8 + r] * local[2] + model[12 + r]
      );
      visible = inClip(w);
    }
    if (visible) {
      inView++;
      assert(sphereInView(planes, sphere), `sphere ${sphere} has a point in view`);
    }
    if (mayCullBackFaces(planes, model, sphere)) {
      backCulled++;
      assert(mat4.determinant(model) > 0, "a mirrored placement keeps its back faces");
      // the camera is outside the sphere and beyond its near plane
      const eye = mat4.inverse(view) as Float32Array;
      const d = Math.hypot(eye[12] - sphere[0], eye[13] - sphere[1], eye[14] - sphere[2]);
      assert(d > sphere[3] + 0.05, `camera ${d} m from a sphere of radius ${sphere[3]}`);
    }
  }
  assert(inView > 1000 && backCulled > 1000, `${inView} in view, ${backCulled} back-face culled`);
});

/** A numpy .npy file's data bytes (after the header). */
async function npyData(path: string): Promise<Uint8Array> {
  const bytes = await Deno.readFile(path);
  const headerLength = bytes[8] | (bytes[9] << 8);
  return bytes.subarray(10 + headerLength);
}

const SHIPPED = [
  "scenes/default.yaml",
  "scenes/examples/kitchen_table.yaml",
  "scenes/something_something.yaml",
  "scenes/human_actions.yaml",
  "scenes/examples/people.yaml",
  "scenes/examples/audio_visual.yaml",
];

for (const scene of SHIPPED) {
  gpuTest(`${scene}: labels with culling equal the per-object path's`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "synthvid_cull_" });
    const runs: Record<string, string> = {};
    try {
      for (
        const [name, culling] of Object.entries({
          off: OFF,
          exact: { frustum: true, backFaces: false, layers: true },
          on: ON,
        })
      ) {
        runs[name] = `${dir}/${name}`;
        const summary = await renderDataset({
          scene,
          out: runs[name],
          overrides: { clips: 2, frames: 8, width: 96, height: 72, quality: "low" },
          culling,
          gpu: await testGpu(),
          log: () => {},
        });
        assertEquals(summary.failed, 0);
      }
      for (let c = 0; c < 2; c++) {
        const clip = (run: string) => `${runs[run]}/clip_${String(c).padStart(5, "0")}`;
        // frustum culling and shared label passes: every file the same, the video too
        for (
          const file of [
            "labels.json",
            "instance.npy",
            "depth.npy",
            "normals.npy",
            "flow.npy",
            "rgb.mp4",
          ]
        ) {
          assertEquals(
            await Deno.readFile(`${clip("exact")}/${file}`),
            await Deno.readFile(`${clip("off")}/${file}`),
            `${scene} clip ${c}: ${file} with frustum culling and shared label passes`,
          );
        }
        // back faces: ids and labels.json the same; depth only moved back, by rounding
        for (const file of ["labels.json", "instance.npy"]) {
          assertEquals(
            await Deno.readFile(`${clip("on")}/${file}`),
            await Deno.readFile(`${clip("off")}/${file}`),
            `${scene} clip ${c}: ${file} with back-face culling`,
          );
        }
        const on = new Float32Array((await npyData(`${clip("on")}/depth.npy`)).slice().buffer);
        const off = new Float32Array((await npyData(`${clip("off")}/depth.npy`)).slice().buffer);
        let moved = 0;
        for (let i = 0; i < on.length; i++) {
          if (on[i] === off[i]) continue;
          moved++;
          assert(
            on[i] > off[i] && (on[i] - off[i]) / off[i] < 1e-3,
            `${scene} clip ${c} pixel ${i}: depth ${off[i]} → ${on[i]}`,
          );
        }
        assert(moved <= on.length * 1e-3, `${scene} clip ${c}: ${moved} depth pixels moved`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
