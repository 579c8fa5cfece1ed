/**
 * PBR material maps in the renderer: normal maps (cotangent frame, glTF orientation),
 * metallic-roughness, occlusion and emissive maps. They change rgb only: every label of a
 * scene is byte-identical with and without them.
 */
import { snapshot } from "../engine/scene/frame_state.ts";
import { plane, sphere } from "../engine/scene/mesh.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import { Renderer } from "../engine/gpu/renderer.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import { type Material, Scene, type Texture } from "../engine/scene/scene.ts";
import { renderSettings } from "../engine/scene/render_settings.ts";
import { assert, assertEquals } from "./assert.ts";
import { testGpu } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

const FACE_CAMERA: [number, number, number, number] = [Math.SQRT1_2, 0, 0, Math.SQRT1_2]; // plane +Y → +Z
const SIZE = 40;

/** Renders each scene once with one renderer. */
async function renderAll(scenes: Scene[], size = SIZE): Promise<RenderedFrame[]> {
  const renderer = await Renderer.create(await testGpu(), { width: size, height: size });
  const out: RenderedFrame[] = [];
  const consume = (f: RenderedFrame) => {
    out.push(copyFrame(f));
  };
  for (const scene of scenes) {
    const now = snapshot(scene, size, size);
    await renderer.render(scene, now, now, { clip: 0, frame: 0, maxId: scene.maxId }, consume);
    await renderer.drain(consume);
  }
  renderer.destroy();
  return out;
}

/** A camera-facing unit plane at z = -1.2 (u along +x, v down the screen) lit from `from`. */
function planeScene(material: Partial<Material>, from: [number, number, number] | null): Scene {
  const scene = new Scene();
  scene.meshes.set("plane", [{ mesh: plane() }]);
  scene.meshes.set("sphere", [{ mesh: sphere({ segments: 32, rings: 16 }) }]);
  scene.camera.position = [0, 0, 0];
  scene.ambient = { color: [1, 1, 1], intensity: 0 };
  if (from) scene.addLight({ direction: from.map((c) => -c) as [number, number, number] });
  scene.add({
    mesh: "plane",
    position: [0, 0, -1.2],
    rotation: FACE_CAMERA,
    material: { color: [0.6, 0.6, 0.6], roughness: 0.8, metalness: 0, ...material },
  });
  return scene;
}

/** A linear RGBA8 texture from a per-texel function of (u, v) in 0..1. */
function texture(size: number, f: (u: number, v: number) => number[]): Texture {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = f((x + 0.5) / size, (y + 0.5) / size);
      data.set(
        [...c.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255)), 255],
        (y * size + x) * 4,
      );
    }
  }
  return { width: size, height: size, data };
}

/** A normal map of the constant tangent-space normal `n` (normalised). */
function tiltMap(n: [number, number, number]): Texture {
  const l = Math.hypot(...n);
  return texture(4, () => n.map((c) => (c / l) * 0.5 + 0.5));
}

/** Bumps: the normal map of h = sin(2π·4u)·sin(2π·4v)·0.05. */
function bumpMap(): Texture {
  return texture(64, (u, v) => {
    const k = 2 * Math.PI * 4;
    const dhdu = 0.05 * k * Math.cos(k * u) * Math.sin(k * v);
    const dhdv = 0.05 * k * Math.sin(k * u) * Math.cos(k * v);
    // +y is up the image, towards -v
    const n = [-dhdu, dhdv, 1];
    const l = Math.hypot(...n);
    return n.map((c) => (c / l) * 0.5 + 0.5);
  });
}

/** Mean rgb byte over the object pixels (instance 1) within `keep(x, y)`. */
function mean(f: RenderedFrame, keep: (x: number, y: number) => boolean = () => true): number {
  let sum = 0, count = 0;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const i = y * f.width + x;
      if (f.instance[i] !== 1 || !keep(x, y)) continue;
      sum += f.rgb[i * 4] + f.rgb[i * 4 + 1] + f.rgb[i * 4 + 2];
      count++;
    }
  }
  assert(count > 20, `only ${count} pixels`);
  return sum / count / 3;
}

function spread(f: RenderedFrame): number {
  const m = mean(f);
  let sum = 0, count = 0;
  for (let i = 0; i < f.width * f.height; i++) {
    if (f.instance[i] !== 1) continue;
    sum += (f.rgb[i * 4] - m) ** 2;
    count++;
  }
  return Math.sqrt(sum / count);
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function assertLabelsEqual(a: RenderedFrame, b: RenderedFrame) {
  for (const name of ["depth", "normals", "instance", "flow"] as const) {
    const x = bytes(a[name]), y = bytes(b[name]);
    assertEquals(x.length, y.length, name);
    assert(x.every((v, i) => v === y[i]), `${name} differs with the material maps`);
  }
  assertEquals(JSON.stringify(a.labels), JSON.stringify(b.labels), "labels");
}

gpuTest(
  "Material maps change rgb only: depth, normals, ids, flow and labels byte-identical",
  async () => {
    const make = (maps: boolean) => {
      const scene = planeScene({}, [1, 0.3, 0.4]);
      scene.textures.set("bumps", bumpMap());
      scene.textures.set("mr", texture(8, (u) => [1, u < 0.5 ? 1 : 0.3, u < 0.5 ? 0 : 1]));
      scene.textures.set("glow", texture(8, (u, v) => [u, v, 0.5]));
      const ball = scene.add({ mesh: "sphere", position: [0.25, 0.1, -1], scale: [0.4, 0.4, 0.4] });
      if (maps) {
        for (const o of scene.objects) {
          Object.assign(o.material, {
            normalTexture: "bumps",
            metalRoughTexture: "mr",
            occlusionTexture: "mr",
            emissive: [0.2, 0.1, 0],
            emissiveTexture: "glow",
          });
        }
        ball.material.normalScale = 2;
      }
      return scene;
    };
    const [plain, mapped] = await renderAll([make(false), make(true)]);
    assertLabelsEqual(plain, mapped);
    const rgbA = plain.rgb, rgbB = mapped.rgb;
    let differ = 0;
    for (let i = 0; i < rgbA.length; i++) if (rgbA[i] !== rgbB[i]) differ++;
    assert(differ > 500, `rgb differs at only ${differ} bytes`);
  },
);

gpuTest(
  "A normal-mapped plane under a grazing light varies where the flat one does not",
  async () => {
    const flat = planeScene({}, [1, 0.2, 0.25]);
    const bumpy = planeScene({ normalTexture: "bumps" }, [1, 0.2, 0.25]);
    bumpy.textures.set("bumps", bumpMap());
    const [a, b] = await renderAll([flat, bumpy]);
    assertLabelsEqual(a, b);
    const sa = spread(a), sb = spread(b);
    assert(sa < 2, `flat plane spread ${sa.toFixed(2)}`);
    assert(sb > 8 * Math.max(sa, 0.5), `bumpy spread ${sb.toFixed(2)} vs flat ${sa.toFixed(2)}`);
  },
);

gpuTest(
  "Normal maps follow glTF's frame: +x towards +u, +y up the image (towards -v)",
  async () => {
    const scenes: Scene[] = [];
    const tilts: [number, number, number][] = [[0.6, 0, 1], [-0.6, 0, 1], [0, 0.6, 1], [
      0,
      -0.6,
      1,
    ]];
    // grazing lights from +u (screen right) and from up the image (screen up)
    const lights: [number, number, number][] = [[1, 0, 0.3], [1, 0, 0.3], [0, 1, 0.3], [0, 1, 0.3]];
    tilts.forEach((tilt, i) => {
      const scene = planeScene({ normalTexture: "tilt" }, lights[i]);
      scene.textures.set("tilt", tiltMap(tilt));
      scenes.push(scene);
    });
    const [right, left, up, down] = (await renderAll(scenes)).map((f) => mean(f));
    assert(
      right > left + 20,
      `tilted towards the light ${right.toFixed(1)} vs away ${left.toFixed(1)}`,
    );
    assert(up > down + 20, `tilted up ${up.toFixed(1)} vs down ${down.toFixed(1)}`);
  },
);

gpuTest("An emissive texture lights pixels with no light in the scene", async () => {
  const dark = planeScene({}, null);
  const glowing = planeScene({ emissive: [1, 0.5, 0.25], emissiveTexture: "half" }, null);
  // white on the left half (u < 0.5), black on the right: sRGB colour bytes
  glowing.textures.set("half", texture(8, (u) => (u < 0.5 ? [1, 1, 1] : [0, 0, 0])));
  const [a, b] = await renderAll([dark, glowing]);
  assertLabelsEqual(a, b);
  assert(mean(a) < 1, `unlit plane ${mean(a)}`);
  const mid = SIZE / 2;
  const lit = mean(b, (x) => x < mid - 2), unlit = mean(b, (x) => x > mid + 1);
  assert(lit > 100, `emissive half ${lit.toFixed(1)}`);
  assert(unlit < 1, `black half of the emissive texture ${unlit.toFixed(1)}`);
});

gpuTest(
  "A half-metal half-rough metallic-roughness map shades each half as its material",
  async () => {
    const light: [number, number, number] = [0.3, 0.5, 1];
    const base = { color: [0.9, 0.6, 0.3] as [number, number, number], roughness: 1, metalness: 1 };
    const mapped = planeScene({ ...base, metalRoughTexture: "mr" }, light);
    // left: roughness 1, metalness 0; right: roughness 0.25, metalness 1
    mapped.textures.set("mr", texture(8, (u) => (u < 0.5 ? [1, 1, 0] : [1, 0.25, 1])));
    mapped.ambient = { color: [1, 1, 1], intensity: 0.3 };
    const rough = planeScene({ ...base, roughness: 1, metalness: 0 }, light);
    const metal = planeScene({ ...base, roughness: 0.25, metalness: 1 }, light);
    rough.ambient = metal.ambient = mapped.ambient;
    const [m, r, s] = await renderAll([mapped, rough, metal]);
    const mid = SIZE / 2;
    const leftHalf = (x: number) => x < mid - 2, rightHalf = (x: number) => x > mid + 1;
    const [ml, mr] = [mean(m, leftHalf), mean(m, rightHalf)];
    assert(Math.abs(ml - mr) > 15, `halves ${ml.toFixed(1)} and ${mr.toFixed(1)} look alike`);
    assert(Math.abs(ml - mean(r, leftHalf)) < 2, `left ${ml} vs rough ${mean(r, leftHalf)}`);
    assert(Math.abs(mr - mean(s, rightHalf)) < 2, `right ${mr} vs metal ${mean(s, rightHalf)}`);
  },
);

gpuTest("An occlusion map dims ambient light only", async () => {
  const black = texture(4, () => [0, 0, 0]);
  const ambientOnly = (map: boolean) => {
    const scene = planeScene(map ? { occlusionTexture: "occ", occlusionStrength: 0.75 } : {}, null);
    scene.ambient = { color: [1, 1, 1], intensity: 0.5 };
    renderSettings(scene).toneMapping = "none"; // linear in, sRGB out: ratios stay ratios
    scene.textures.set("occ", black);
    return scene;
  };
  const direct = (map: boolean) => {
    const scene = planeScene(map ? { occlusionTexture: "occ" } : {}, [0.2, 0.4, 1]);
    scene.textures.set("occ", black);
    return scene;
  };
  const [a, b, c, d] = await renderAll([
    ambientOnly(false),
    ambientOnly(true),
    direct(false),
    direct(true),
  ]);
  const linear = (byte: number) => {
    const s = byte / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const ratio = linear(mean(b)) / linear(mean(a));
  assert(Math.abs(ratio - 0.25) < 0.05, `ambient under 0.75 of a black occlusion map: ×${ratio}`);
  assert(c.rgb.every((v, i) => v === d.rgb[i]), "direct light changed by the occlusion map");
});
