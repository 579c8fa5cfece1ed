/**
 * Ground-truth storage formats (scene `gt_format`, `--gt-format`): npz holds the npy arrays
 * exactly, png16 within the error dataset.json states; resume finds damaged files of each; the
 * Python reader (python/synthvid) decodes all three to the same arrays and feeds a PyTorch
 * DataLoader with workers.
 */
import { decode as decodePngFile } from "fast-png";
import { assert, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, renderTestScene, testGpu } from "./helpers.ts";
import { countsFromString, countsToString, maskRuns } from "../engine/dataset/coco_rle.ts";
import { DEBIAN_PYTHON, readerAvailable, runs } from "./readers.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";
import { halfToFloat } from "../engine/dataset/half.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { packDataset } from "../engine/dataset/pack.ts";
import type { GtFormat } from "../engine/config/gt_format.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const T = 4;
const [W, H] = [48, 32];
const SCENE = `
name: gt_format_test
seed: 5
clips: 2
frames: ${T}
size: [${W}, ${H}]
outputs: [rgb, rgb_frames, depth, normals, instance, flow, alpha, coco_masks]
camera: { position: [0, 1.2, 3], look_at: [0, 0.3, 0], fov: 50 }
lights:
  - { type: directional, direction: [-0.5, -1, -0.4], intensity: 3 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [6, 1, 6] }
  - name: ball
    class: ball
    mesh: sphere
    scale: 0.6
    motion: [{ frame: 0, position: [-0.8, 0.3, 0] }, { frame: ${T - 1}, position: [0.8, 0.5, 0] }]
  - { name: box, class: box, mesh: cube, position: [0.6, 0.25, -0.6], scale: 0.5 }
plugins:
  - { use: audio/ambience }
`;

const outs = new Map<GtFormat, Promise<string>>();
function rendered(format: GtFormat): Promise<string> {
  let out = outs.get(format);
  if (!out) {
    out = renderTestScene(SCENE, { gtFormat: format }).then((r) => r.out);
    outs.set(format, out);
  }
  return out;
}

/** The one entry of a .npz, inflated (central directory → local header → deflate data). */
async function npzEntry(path: string): Promise<{ name: string; bytes: Uint8Array }> {
  const zip = await Deno.readFile(path);
  const view = new DataView(zip.buffer);
  const end = zip.length - 22;
  assertEquals(view.getUint32(end, true), 0x06054b50, `${path}: end record`);
  const central = view.getUint32(end + 16, true);
  assertEquals(view.getUint32(central, true), 0x02014b50);
  const compressed = view.getUint32(central + 20, true);
  const size = view.getUint32(central + 24, true);
  const nameLength = view.getUint16(26, true);
  const name = new TextDecoder().decode(zip.subarray(30, 30 + nameLength));
  const data = zip.subarray(30 + nameLength, 30 + nameLength + compressed);
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  assertEquals(bytes.length, size, `${path}: inflated size`);
  return { name, bytes };
}

function pngFrame(out: string, clip: number, output: string, t: number) {
  const file = `${out}/clip_0000${clip}/${output}/${String(t).padStart(5, "0")}.png`;
  return decodePngFile(Deno.readFileSync(file));
}

Deno.test("npz holds the npy arrays byte for byte; labels equal but for ground_truth", async () => {
  const [npy, npz] = await Promise.all([rendered("npy"), rendered("npz")]);
  for (const clip of [0, 1]) {
    for (const output of ["depth", "normals", "instance", "flow", "alpha"]) {
      const raw = await Deno.readFile(`${npy}/clip_0000${clip}/${output}.npy`);
      const entry = await npzEntry(`${npz}/clip_0000${clip}/${output}.npz`);
      assertEquals(entry.name, `${output}.npy`);
      assert(
        raw.length === entry.bytes.length && raw.every((b, i) => b === entry.bytes[i]),
        `clip ${clip} ${output}: npz differs from npy`,
      );
      const ratio = raw.length / (await Deno.stat(`${npz}/clip_0000${clip}/${output}.npz`)).size;
      assert(ratio > 1.5, `${output}.npz is only ${ratio.toFixed(2)}x smaller`);
    }
    const a = JSON.parse(await Deno.readTextFile(`${npy}/clip_0000${clip}/labels.json`));
    const b = JSON.parse(await Deno.readTextFile(`${npz}/clip_0000${clip}/labels.json`));
    assertEquals(a.ground_truth, { format: "npy" });
    assertEquals(b.ground_truth, { format: "npz" });
    delete a.ground_truth, delete b.ground_truth;
    assertEquals(a, b);
  }
  const dataset = JSON.parse(await Deno.readTextFile(`${npz}/dataset.json`));
  assertEquals(dataset.gt_format, "npz");
  assert(dataset.files["depth.npz"].includes('numpy.load(path)["depth"]'));
});

Deno.test("png16 decodes to the npy arrays within the stated error; ids and matte exact", async () => {
  const [npy, png] = await Promise.all([rendered("npy"), rendered("png16")]);
  const n = W * H;
  for (const clip of [0, 1]) {
    const labels = JSON.parse(await Deno.readTextFile(`${png}/clip_0000${clip}/labels.json`));
    const { format, depth_range, flow_range } = labels.ground_truth;
    assertEquals(format, "png16");
    const load = async (o: string) =>
      decodeNpy(await Deno.readFile(`${npy}/clip_0000${clip}/${o}.npy`));
    const [depth, normals, instance, flow, alpha] = await Promise.all(
      ["depth", "normals", "instance", "flow", "alpha"].map(load),
    );
    const [dLo, dHi] = depth_range;
    const [fLo, fHi] = flow_range;
    assert(dHi > dLo && fHi >= fLo, JSON.stringify(labels.ground_truth));
    let depthErr = 0, flowErr = 0, normalErr = 0, background = 0;
    for (let t = 0; t < T; t++) {
      const qd = pngFrame(png, clip, "depth", t);
      assertEquals([qd.width, qd.height, qd.depth, qd.channels], [W, H, 16, 1]);
      const qf = pngFrame(png, clip, "flow", t);
      assertEquals([qf.depth, qf.channels], [16, 3]);
      const qn = pngFrame(png, clip, "normals", t);
      const qi = pngFrame(png, clip, "instance", t);
      assertEquals([qi.depth, qi.channels], [8, 1]); // ids below 256
      const qa = pngFrame(png, clip, "alpha", t);
      for (let i = 0; i < n; i++) {
        const d = depth.data[t * n + i] as number;
        const q = qd.data[i];
        if (d === Infinity) {
          assertEquals(q, 0, `depth: no surface is q = 0 (frame ${t}, pixel ${i})`);
          background++;
        } else {
          assert(q > 0, "a surface never decodes to no surface");
          depthErr = Math.max(depthErr, Math.abs(dLo + (q - 1) * (dHi - dLo) / 65534 - d));
        }
        for (let c = 0; c < 2; c++) {
          const f = flow.data[(t * n + i) * 2 + c] as number;
          flowErr = Math.max(flowErr, Math.abs(fLo + qf.data[i * 3 + c] * (fHi - fLo) / 65535 - f));
        }
        assertEquals(qf.data[i * 3 + 2], 0);
        const id = instance.data[t * n + i] as number;
        assertEquals(qi.data[i], id, "instance ids are exact");
        assertEquals(qa.data[i], alpha.data[t * n + i], "the matte is exact");
        const q3 = [0, 1, 2].map((c) => qn.data[i * 3 + c]);
        const n3 = [0, 1, 2].map((c) => halfToFloat(normals.data[(t * n + i) * 3 + c] as number));
        if (id === 0) assertEquals(q3, [0, 0, 0], "background normals are (0, 0, 0)");
        else {
          assert(q3.some((v) => v !== 0));
          for (let c = 0; c < 3; c++) {
            normalErr = Math.max(normalErr, Math.abs(q3[c] / 32767.5 - 1 - n3[c]));
          }
        }
      }
    }
    assert(background > 0, "the test frames show some background");
    // the stated bounds, plus float32's rounding of the decoded value
    assert(depthErr <= (dHi - dLo) / 131068 + dHi * 1e-7, `depth error ${depthErr}`);
    assert(flowErr <= (fHi - fLo) / 131070 + 1e-6, `flow error ${flowErr}`);
    assert(normalErr <= 1 / 65535 + 1e-7, `normal error ${normalErr}`);
  }
  const dataset = JSON.parse(await Deno.readTextFile(`${png}/dataset.json`));
  assertEquals(dataset.gt_format, "png16");
  assert(dataset.files["depth/"].includes("(max - min) / 131068"));
});

Deno.test("resume renders a clip again when a png16 frame or an npz is cut short", async () => {
  for (const [format, file] of [["png16", "flow/00002.png"], ["npz", "normals.npz"]] as const) {
    const out = await rendered(format);
    const path = `${out}/clip_00001/${file}`;
    const whole = await Deno.readFile(path);
    await Deno.writeFile(path, whole.subarray(0, whole.length - 30));
    const logs: string[] = [];
    const dir = out.replace(/\/out$/, "");
    const summary = await renderDataset({
      scene: `${dir}/scene.yaml`,
      out,
      overrides: { gtFormat: format },
      gpu: await testGpu(),
      log: (l) => logs.push(l),
    });
    assertEquals(summary.clips.map((c) => c.clip), [1], logs.join("\n"));
    assert(logs.join("\n").includes(`${file}: truncated`), logs.join("\n"));
    const again = await Deno.readFile(path);
    assert(
      again.length === whole.length && again.every((b, i) => b === whole[i]),
      `${file} redone`,
    );
  }
});

Deno.test("python/synthvid reads every format, packed shards too, into a torch DataLoader", async () => {
  const python = await runs(DEBIAN_PYTHON, ["-c", "import numpy, PIL"]);
  if (!readerAvailable(python, "python3 with numpy and Pillow", "python3-numpy python3-pil")) {
    return;
  }
  const torch = await runs(DEBIAN_PYTHON, ["-c", "import torch"]);
  if (!readerAvailable(torch, "python3 with PyTorch", "python3-torch")) return;
  const dirs = await Promise.all((["npy", "npz", "png16"] as const).map(rendered));
  const packed = `${dirs[2]}_packed`;
  await packDataset(dirs[2], { out: packed, targetSize: 1 << 20 });
  const result = await new Deno.Command(DEBIAN_PYTHON, {
    args: [`${ROOT}tests/python/check_reader.py`, ...dirs, packed],
    env: { PYTHONPATH: `${ROOT}python` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assertEquals(result.code, 0, text);
  assert(text.includes("reader ok"), text);
});

Deno.test("COCO RLE: strings round-trip, and labels.json masks decode to each object's pixels", async () => {
  // negative differences and counts above 31 take several characters
  for (const counts of [[0, 5, 3], [7, 1, 40, 2, 1000, 3, 1], [100000, 65536, 1, 70000, 2]]) {
    assertEquals(countsFromString(countsToString(counts)), counts);
  }
  // a 3x2 image, column-major [1, 0, 2 | 1, 1, 0]: id 1 = runs 0,1,2,2,1; id 2 = 2,1,3
  const runs = maskRuns([1, 1, 0, 1, 2, 0], 2, 3);
  assertEquals(runs.get(1), [0, 1, 2, 2, 1]);
  assertEquals(runs.get(2), [2, 1, 3]);

  const out = await rendered("npy");
  for (const clip of [0, 1]) {
    const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_0000${clip}/labels.json`));
    const ids = decodeNpy(await Deno.readFile(`${out}/clip_0000${clip}/instance.npy`));
    assertEquals(labels.masks.size, [H, W]);
    const n = W * H;
    const seen = new Set<number>();
    for (let i = 0; i < ids.data.length; i++) seen.add(ids.data[i] as number);
    seen.delete(0);
    assertEquals(Object.keys(labels.masks.objects).map(Number).sort(), [...seen].sort());
    for (
      const [id, frames] of Object.entries(labels.masks.objects) as [string, (string | null)[]][]
    ) {
      assertEquals(frames.length, T);
      for (let t = 0; t < T; t++) {
        const mask = new Uint8Array(n);
        if (frames[t] !== null) {
          let at = 0, value = 0;
          for (const run of countsFromString(frames[t]!)) {
            if (value) { for (let k = at; k < at + run; k++) mask[k] = 1; }
            at += run;
            value ^= 1;
          }
          assertEquals(at, n, "runs cover the image");
        }
        for (let x = 0; x < W; x++) {
          for (let y = 0; y < H; y++) {
            const inside = ids.data[t * n + y * W + x] === Number(id) ? 1 : 0;
            assertEquals(
              mask[x * H + y],
              inside,
              `clip ${clip} object ${id} frame ${t} (${x}, ${y})`,
            );
          }
        }
      }
    }
  }
});

Deno.test("rgb_frames are the rendered sRGB bytes; video: sets rgb.mp4's bitrate", async () => {
  const scene = SCENE.replace(
    "outputs: [rgb, rgb_frames, depth, normals, instance, flow, alpha, coco_masks]",
    "outputs: [rgb, rgb_frames]",
  )
    .replace("  - { use: audio/ambience }", "  - { use: randomizer/test_probe }");
  probedFrames.length = 0;
  const plain = await renderTestScene(scene, { clips: 1, registry: [frameProbe] });
  assertEquals(probedFrames.length, T);
  for (let t = 0; t < T; t++) {
    const png = pngFrame(plain.out, 0, "rgb", t);
    assertEquals([png.width, png.height, png.depth, png.channels], [W, H, 8, 3]);
    const rgba = probedFrames[t].rgb;
    for (let i = 0; i < W * H; i++) {
      for (let c = 0; c < 3; c++) {
        if (png.data[i * 3 + c] !== rgba[i * 4 + c]) {
          throw new Error(`frame ${t} pixel ${i} differs`);
        }
      }
    }
  }
  const withVideo = (key: string) =>
    renderTestScene(scene.replace("outputs:", `video: ${key}\noutputs:`), {
      clips: 1,
      registry: [frameProbe],
    });
  const rich = await withVideo("{ bits_per_pixel: 12 }");
  const starved = await withVideo("{ bitrate: 10000 }");
  const video = (out: string) => JSON.parse(Deno.readTextFileSync(`${out}/dataset.json`)).video;
  assertEquals(video(rich.out).bitrate, 12 * W * H * 24); // fps 24
  assertEquals(video(plain.out).bitrate, 200_000); // the default's floor at this size
  assertEquals(video(starved.out).bitrate, 10_000);
  const size = (out: string) => Deno.statSync(`${out}/clip_00000/rgb.mp4`).size;
  assert(
    size(starved.out) < size(plain.out) * 0.8,
    `${size(starved.out)} vs ${size(plain.out)} bytes`,
  );
});
