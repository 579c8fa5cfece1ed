/** dataset.json: what a dataset folder holds, written once when a run claims the folder. */
import type { SceneConfig } from "../config/scene_file.ts";
import { CONVENTIONS } from "./clip_documents.ts";
import { PNG16_DECODE } from "./gt_png16.ts";
import { defaultBitrate } from "./video.ts";

export const VERSION = "0.1.0";

/** The files each clip folder holds for this scene's outputs and plugins. */
function clipFiles(config: SceneConfig): Record<string, string> {
  const arrays: Record<string, string> = {
    depth: "T x H x W float32",
    normals: "T x H x W x 3 float16",
    instance: "T x H x W uint16 (uint32 when ids exceed 65535)",
    flow: "T x H x W x 2 float32",
  };
  const byOutput: Record<string, [string, string]> = {
    rgb: ["rgb.mp4", "H.264 yuv420p video (odd sizes padded by one pixel to even)"],
    alpha: config.gtFormat === "npy"
      ? ["alpha.npy", "T x H x W uint8 foreground matte"]
      : config.gtFormat === "npz"
      ? ["alpha.npz", 'T x H x W uint8 foreground matte, deflated: numpy.load(path)["alpha"]']
      : ["alpha/", "alpha/TTTTT.png, 8-bit grey foreground matte (255 foreground, 0 else)"],
    rgb_frames: [
      "rgb/",
      "rgb/TTTTT.png: 8-bit RGB per frame, lossless (the sRGB bytes rgb.mp4 encodes)",
    ],
    coco_masks: [
      "labels.json masks",
      "COCO RLE per object and frame: masks.objects[id][t] is the counts string (null when the " +
      "object is not seen) of the mask {size: masks.size, counts}, as pycocotools.mask.decode reads",
    ],
    preview: ["preview.png", "contact sheet: rgb | depth | normals | instance"],
  };
  for (const [output, what] of Object.entries(arrays)) {
    byOutput[output] = config.gtFormat === "png16"
      ? [`${output}/`, PNG16_DECODE[output as keyof typeof PNG16_DECODE]]
      : config.gtFormat === "npz"
      ? [`${output}.npz`, `${what}, deflated: numpy.load(path)["${output}"]`]
      : [`${output}.npy`, what];
  }
  const files: Record<string, string> = {};
  for (const output of config.outputs) {
    const [name, what] = byOutput[output];
    files[name] = what;
  }
  files["labels.json"] = "camera, objects per frame, events, sampled parameters";
  files["captions.json"] = "captions from captioner plugins";
  if (config.plugins.some((p) => p.definition.kind === "audio")) {
    files["audio.json"] = "sound sources, which object makes each sound, and when";
    files["audio/"] = "WAV stems per source and the mix (the mix is also rgb.mp4's AAC track)";
  }
  return files;
}

/** How rgb.mp4 is encoded (what the quality of a dataset's video is). */
function videoSettings(config: SceneConfig) {
  return {
    codec: "h264 (libx264), yuv420p, BT.709 limited range",
    rate_control: "average bitrate",
    bitrate: config.videoBitrate ?? defaultBitrate(config.width, config.height, config.fps),
  };
}

export function datasetJson(config: SceneConfig, sceneSha256: string) {
  return {
    version: 1,
    generator: `synthvid ${VERSION}`,
    name: config.name,
    scene: config.file,
    scene_sha256: sceneSha256,
    seed: config.seed,
    clips: config.clips,
    frames: config.frames,
    fps: config.fps,
    size: [config.width, config.height],
    outputs: config.outputs,
    gt_format: config.gtFormat,
    // only when forced: runs of the scene as written keep the same identity
    ...(config.quality ? { quality: config.quality } : {}),
    // labels are those of the levels drawn: within this many pixels of the full meshes
    ...(config.lod !== undefined ? { lod: { max_error_pixels: config.lod } } : {}),
    video: config.outputs.includes("rgb") ? videoSettings(config) : null,
    plugins: config.plugins.map((p) => ({ key: p.key, use: p.definition.id })),
    files: clipFiles(config),
    conventions: CONVENTIONS,
  };
}
