/** A rendered dataset read back with real readers: ffprobe/ffmpeg for rgb.mp4, numpy for the arrays. */
import { assert, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene } from "./helpers.ts";
import { captureText, DEBIAN_PYTHON, probeVideo, readerAvailable, runs } from "./readers.ts";

const SCENE = `
name: readers
seed: 2
clips: 1
frames: 12
fps: 12
size: [48, 32]
objects:
  - { name: floor, mesh: plane, scale: [6, 1, 6] }
  - name: cube
    mesh: cube
    scale: 0.5
    motion: [{ frame: 0, position: [-0.6, 0.3, 0] }, { frame: 11, position: [0.6, 0.3, 0] }]
`;

Deno.test({
  name: "Dataset files load in ffprobe, ffmpeg and numpy with the right shapes and dtypes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { out } = await renderTestScene(SCENE);
    const clip = `${out}/clip_00000`;
    const labels = await readLabels(out);
    assertEquals(labels.frames, 12);
    const manifest = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n");
    assertEquals(manifest.length, 1);
    const dataset = JSON.parse(await Deno.readTextFile(`${out}/dataset.json`));
    assertEquals(dataset.size, [48, 32]);
    assert(dataset.conventions.depth.includes("metres"));

    if (readerAvailable(await runs("ffprobe", ["-version"]), "ffprobe", "ffmpeg")) {
      const s = await probeVideo(`${clip}/rgb.mp4`);
      assertEquals([s.codec_name, s.width, s.height, Number(s.nb_read_frames), s.pix_fmt], [
        "h264",
        48,
        32,
        12,
        "yuv420p",
      ]);
    }

    if (
      readerAvailable(await runs(DEBIAN_PYTHON, ["-c", "import numpy"]), "numpy", "python3-numpy")
    ) {
      const script = `
import numpy as np, json, sys
d = sys.argv[1]
out = {}
for name in ["depth", "normals", "instance", "flow"]:
    a = np.load(f"{d}/{name}.npy")
    out[name] = [list(a.shape), str(a.dtype)]
depth = np.load(f"{d}/depth.npy"); inst = np.load(f"{d}/instance.npy")
out["background_depth_is_inf"] = bool(np.all(np.isinf(depth[inst == 0])))
out["object_depth_finite"] = bool(np.all(np.isfinite(depth[inst > 0])))
n = np.load(f"{d}/normals.npy").astype(np.float32)
out["unit_normals"] = float(np.abs(np.linalg.norm(n[inst > 0], axis=-1) - 1).max())
print(json.dumps(out))`;
      const r = JSON.parse(await captureText(DEBIAN_PYTHON, ["-c", script, clip]));
      assertEquals(r.depth, [[12, 32, 48], "float32"]);
      assertEquals(r.normals, [[12, 32, 48, 3], "float16"]);
      assertEquals(r.instance, [[12, 32, 48], "uint16"]);
      assertEquals(r.flow, [[12, 32, 48, 2], "float32"]);
      assert(r.background_depth_is_inf && r.object_depth_finite);
      assert(r.unit_normals < 2e-3, `normals deviate from unit length by ${r.unit_normals}`);
    }
  },
});
