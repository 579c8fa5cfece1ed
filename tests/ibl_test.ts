/**
 * Image-based light: the split-sum table against a brute-force integral, the GGX-prefiltered
 * environment levels (smoother with roughness, same mean), and a white furnace: white metal
 * under a uniform environment reflects exactly the light it gets at every roughness.
 */
import { assert } from "./assert.ts";
import { frameProbe, probedFrames, renderTestScene, testGpu } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import { splitSum } from "../engine/scene/brdf_lut.ts";
import { EnvironmentPrefilter } from "../engine/gpu/environment_prefilter.ts";
import { loadShader } from "../engine/gpu/gpu.ts";
import { loadHdri } from "../engine/scene/hdri_library.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { type EnvironmentImage, setEnvironment } from "../engine/scene/render_settings.ts";
import { toneMap } from "../engine/scene/tone_mapping.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

/**
 * A + B = the directional albedo of GGX/Smith with F = 1, B alone with F0 = 0: both by plain
 * uniform hemisphere sampling, independent of the table's importance sampling.
 */
function bruteForce(nDotV: number, roughness: number): [number, number] {
  const a2 = roughness ** 4;
  const k = roughness ** 2 / 2;
  const v = [Math.sqrt(1 - nDotV * nDotV), 0, nDotV];
  let total = 0, bias = 0;
  const n = 800;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const cosT = (i + 0.5) / n; // uniform in solid angle: pdf 1 / 2π
      const phi = (2 * Math.PI * (j + 0.5)) / n;
      const sinT = Math.sqrt(1 - cosT * cosT);
      const l = [sinT * Math.cos(phi), sinT * Math.sin(phi), cosT];
      const h = [v[0] + l[0], v[1] + l[1], v[2] + l[2]];
      const len = Math.hypot(h[0], h[1], h[2]);
      const nDotH = h[2] / len;
      const vDotH = (v[0] * h[0] + v[1] * h[1] + v[2] * h[2]) / len;
      const d = a2 / (Math.PI * (nDotH * nDotH * (a2 - 1) + 1) ** 2);
      const g = (nDotV / (nDotV * (1 - k) + k)) * (cosT / (cosT * (1 - k) + k));
      const brdfCos = (d * g) / (4 * nDotV); // × n·l / n·l
      const weight = brdfCos * 2 * Math.PI / (n * n);
      total += weight;
      bias += weight * (1 - vDotH) ** 5;
    }
  }
  return [total - bias, bias];
}

Deno.test("split-sum table: A and B match a brute-force integral of the GGX lobe", () => {
  for (const [nDotV, roughness] of [[0.9, 0.3], [0.5, 0.5], [0.2, 0.8], [0.7, 1]]) {
    const [a, b] = splitSum(nDotV, roughness);
    const [wantA, wantB] = bruteForce(nDotV, roughness);
    assert(
      Math.abs(a - wantA) < 0.02 && Math.abs(b - wantB) < 0.01,
      `n·v ${nDotV}, roughness ${roughness}: [${a}, ${b}] vs [${wantA}, ${wantB}]`,
    );
  }
});

/** Reads every level of an rgba16float texture as float rgb. */
async function readLevels(device: GPUDevice, texture: GPUTexture) {
  const levels: { width: number; height: number; rgb: Float32Array }[] = [];
  for (let level = 0; level < texture.mipLevelCount; level++) {
    const width = Math.max(1, texture.width >> level);
    const height = Math.max(1, texture.height >> level);
    const bytesPerRow = Math.ceil((width * 8) / 256) * 256;
    const buffer = device.createBuffer({
      size: bytesPerRow * height,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    const encoder = device.createCommandEncoder();
    encoder.copyTextureToBuffer({ texture, mipLevel: level }, { buffer, bytesPerRow }, [
      width,
      height,
    ]);
    device.queue.submit([encoder.finish()]);
    await buffer.mapAsync(GPUMapMode.READ);
    const half = new Uint16Array(buffer.getMappedRange().slice(0));
    buffer.destroy();
    const rgb = new Float32Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          rgb[(y * width + x) * 3 + c] = halfToFloat(half[(y * bytesPerRow) / 2 + x * 4 + c]);
        }
      }
    }
    levels.push({ width, height, rgb });
  }
  return levels;
}

function halfToFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

/** Solid-angle-weighted mean luminance and the mean step between neighbours relative to it. */
function describe({ width, height, rgb }: { width: number; height: number; rgb: Float32Array }) {
  const lum = (i: number) =>
    0.2126 * rgb[i * 3] + 0.7152 * rgb[i * 3 + 1] + 0.0722 * rgb[i * 3 + 2];
  let sum = 0, weights = 0, steps = 0, count = 0;
  for (let y = 0; y < height; y++) {
    const w = Math.sin(((y + 0.5) / height) * Math.PI);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      sum += w * lum(i);
      weights += w;
      if (x + 1 < width && y > height / 8 && y < (height * 7) / 8) {
        steps += Math.abs(lum(i + 1) - lum(i));
        count++;
      }
    }
  }
  const mean = sum / weights;
  // per source texel: a level k texel spans 2^k source texels
  return { mean, roughness: steps / count / mean };
}

Deno.test({
  name: "prefiltered environment: level 0 is the map, each rougher level is smoother, means kept",
  ...gpuTest,
  async fn() {
    const gpu = await testGpu();
    const module = gpu.device.createShaderModule({
      code: await loadShader("prefilter.wgsl", false),
    });
    const image = await loadHdri("city");
    const texture = new EnvironmentPrefilter(gpu.device, module).run(image);
    const levels = await readLevels(gpu.device, texture);
    texture.destroy();
    gpu.check();
    assert(levels.length === 6, `${levels.length} levels`);
    // level 0: the map itself, to half precision
    let worst = 0;
    for (let i = 0; i < image.data.length; i++) {
      worst = Math.max(worst, Math.abs(levels[0].rgb[i] - image.data[i]) / (image.data[i] + 1e-3));
    }
    assert(worst < 2e-3, `level 0 differs from the map by ${worst}`);
    // smoothness per source texel: a texel of level k spans 2^k of level 0
    const described = levels.map(describe);
    const perSourceTexel = described.map((d, k) => d.roughness / 2 ** k);
    for (let k = 1; k < levels.length; k++) {
      assert(
        perSourceTexel[k] < perSourceTexel[k - 1],
        `level ${k} is not smoother: ${perSourceTexel.map((v) => v.toFixed(5)).join(", ")}`,
      );
      const drift = Math.abs(described[k].mean - described[0].mean) / described[0].mean;
      assert(drift < 0.05, `level ${k} mean ${described[k].mean} vs ${described[0].mean}`);
    }
  },
});

/** Sets a uniform environment of radiance 0.6 that lights the scene and fills the background. */
const uniformSky = definePlugin({
  id: "randomizer/test_uniform_sky",
  kind: "randomizer",
  description: "a uniform environment for the furnace test",
  defaults: {},
  create: () => ({
    clipStart(ctx) {
      const image: EnvironmentImage = {
        width: 64,
        height: 32,
        data: new Float32Array(64 * 32 * 3).fill(0.6),
      };
      setEnvironment(ctx.scene, { image, intensity: 1, rotation: 0, background: true, name: "u" });
    },
  }),
});

Deno.test({
  name: "white furnace: white metal spheres of any roughness under a uniform sky vanish into it",
  ...gpuTest,
  async fn() {
    const spheres = [0.05, 0.3, 0.6, 1].map((r, i) =>
      `  - { name: s${i}, mesh: sphere, position: [${
        -1.5 + i
      }, 0, 0], scale: 0.9, color: [1, 1, 1], metalness: 1, roughness: ${r} }`
    ).join("\n");
    probedFrames.length = 0;
    const { dir } = await renderTestScene(
      `
name: furnace
seed: 1
clips: 1
frames: 2
size: [96, 32]
outputs: [rgb, instance]
camera: { position: [0, 0, 4.2], look_at: [0, 0, 0], fov: 30 }
ambient: { color: [1, 1, 1], intensity: 0 }
lights: [{ type: directional, direction: [0, -1, 0], intensity: 0 }]
objects:
${spheres}
plugins:
  - { use: randomizer/test_uniform_sky }
  - { use: randomizer/quality, with: { tone_mapping: none } }
  - { use: randomizer/test_probe }
`,
      { registry: [...builtins, uniformSky, frameProbe] },
    );
    await Deno.remove(dir, { recursive: true });
    const f = probedFrames[0];
    const want = Math.round(
      255 * (1.055 * toneMap([0.6, 0.6, 0.6], "none")[0] ** (1 / 2.4) - 0.055),
    );
    let spherePixels = 0;
    for (let i = 0; i < f.width * f.height; i++) {
      if (f.instance[i] === 0) continue;
      spherePixels++;
      for (let c = 0; c < 3; c++) {
        const got = f.rgb[i * 4 + c];
        assert(Math.abs(got - want) <= 3, `pixel ${i}: ${got} vs the sky's ${want}`);
      }
    }
    assert(spherePixels > 400, `${spherePixels} sphere pixels`);
  },
});
