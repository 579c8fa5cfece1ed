/**
 * Levels of detail (engine/scene/lod.ts): each level keeps a subset of the full mesh's vertices
 * with about half the triangles of the one before; a frame draws coarser levels farther away; a dense
 * sphere drawn with `lod` 0.5 px costs a fraction of the triangles and its mask moves only on
 * its outline, by less than a pixel; scenes without `lod` never draw a level.
 */
import { snapshot } from "../engine/scene/frame_state.ts";
import { sphere } from "../engine/scene/mesh.ts";
import { chooseLevel, lodLevels, MIN_TRIANGLES } from "../engine/scene/lod.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import { Renderer } from "../engine/gpu/renderer.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import { renderSettings } from "../engine/scene/render_settings.ts";
import { Scene } from "../engine/scene/scene.ts";
import { assert, assertEquals } from "./assert.ts";
import { testGpu } from "./helpers.ts";

const DENSE = sphere({ radius: 0.5, segments: 256, rings: 128 }); // 65 024 triangles

Deno.test("lod levels: about half the triangles each, vertices of the full mesh, growing error", () => {
  const levels = lodLevels(DENSE);
  assert(levels.length >= 6, `${levels.length} levels`);
  assertEquals(levels[0].mesh, DENSE);
  const full = new Set<string>();
  for (let v = 0; v < DENSE.positions.length; v += 3) {
    full.add(Array.from(DENSE.positions.subarray(v, v + 3)).join(","));
  }
  for (let k = 1; k < levels.length; k++) {
    const { mesh, error } = levels[k];
    const triangles = mesh.indices.length / 3;
    const before = levels[k - 1].mesh.indices.length / 3;
    // about half (the simplifier stops where a collapse would move the surface too far)
    assert(triangles <= before * 0.6, `level ${k}: ${triangles} of ${before} triangles`);
    assert(error >= levels[k - 1].error && Number.isFinite(error), `level ${k}: error ${error}`);
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const p = Array.from(mesh.positions.subarray(v, v + 3)).join(",");
      assert(full.has(p), `level ${k} vertex ${v / 3} is a vertex of the full mesh`);
    }
    for (const i of mesh.indices) assert(i < mesh.positions.length / 3);
  }
  // small meshes are drawn whole
  const small = sphere({ segments: 24, rings: 12 });
  assert(small.indices.length / 3 < MIN_TRIANGLES);
  assertEquals(lodLevels(small).length, 1, `a ${small.indices.length / 3}-triangle sphere`);
  // nearer, finer
  const at = (depth: number) => chooseLevel(levels, depth, 0.5, 1, 200, 0.5).indices.length;
  assert(
    at(1) >= at(10) && at(10) >= at(100) && at(1) > at(100),
    `${at(1)}, ${at(10)}, ${at(100)}`,
  );
  assertEquals(chooseLevel(levels, 0.3, 0.5, 1, 200, 0.5), DENSE, "camera inside its sphere");
});

async function renderSphere(lod: number | undefined): Promise<[RenderedFrame, number]> {
  const scene = new Scene();
  scene.meshes.set("dense", [{ mesh: DENSE }]);
  scene.camera.position = [0, 0, 0];
  scene.addLight({});
  scene.add({ mesh: "dense", position: [0.2, 0.1, -6] });
  renderSettings(scene).lod = lod;
  const renderer = await Renderer.create(await testGpu(), { width: 128, height: 96 });
  const frames: RenderedFrame[] = [];
  const state = snapshot(scene, 128, 96);
  await renderer.render(scene, state, state, { clip: 0, frame: 0, maxId: 1 }, (f) => {
    frames.push(copyFrame(f));
  });
  const drawn = renderer.drawnTriangles;
  await renderer.drain((f) => void frames.push(copyFrame(f)));
  renderer.destroy();
  return [frames[0], drawn];
}

Deno.test({
  name: "a dense sphere with lod 0.5 px: a fraction of the triangles, its outline within a pixel",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const [full, fullTriangles] = await renderSphere(undefined);
    const [lod, lodTriangles] = await renderSphere(0.5);
    assertEquals(fullTriangles, DENSE.indices.length / 3);
    assert(lodTriangles * 8 < fullTriangles, `${lodTriangles} of ${fullTriangles} triangles`);
    const [W, H] = [128, 96];
    const id = (f: RenderedFrame, x: number, y: number) =>
      x < 0 || y < 0 || x >= W || y >= H ? 0 : f.instance[y * W + x];
    let changed = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (id(full, x, y) === id(lod, x, y)) continue;
        changed++;
        // only on the outline: a neighbour of the pixel is on the other side in the full render
        const sides = [[1, 0], [-1, 0], [0, 1], [0, -1]].map(([dx, dy]) =>
          id(full, x + dx, y + dy)
        );
        assert(sides.some((s) => s !== id(full, x, y)), `pixel ${x},${y} changed inside`);
      }
    }
    // a surface moved by at most 0.5 px changes at most the outline's length × 0.5 pixels
    const pixels = full.labels[0].pixels;
    const outline = Math.PI * Math.sqrt((4 * pixels) / Math.PI);
    assert(changed <= outline, `${changed} pixels changed, outline ${outline.toFixed(0)}`);
    const area = lod.labels[0].pixels;
    assert(Math.abs(area - pixels) <= 0.5 * outline + 1, `area ${area} vs ${pixels}`);
  },
});
