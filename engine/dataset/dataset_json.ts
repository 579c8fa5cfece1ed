/** dataset.json: what a dataset folder holds, written once when a run claims the folder. */
import type { SceneConfig } from "../config/scene_file.ts";
import { CONVENTIONS } from "./clip_documents.ts";

export const VERSION = "0.1.0";

/** The files each clip folder holds for this scene's outputs and plugins. */
function clipFiles(config: SceneConfig): Record<string, string> {
  const byOutput: Record<string, [string, string]> = {
    rgb: ["rgb.mp4", "H.264 yuv420p video (odd sizes padded by one pixel to even)"],
    depth: ["depth.npy", "T x H x W float32"],
    normals: ["normals.npy", "T x H x W x 3 float16"],
    instance: ["instance.npy", "T x H x W uint16 (uint32 when ids exceed 65535)"],
    flow: ["flow.npy", "T x H x W x 2 float32"],
    alpha: ["alpha.npy", "T x H x W uint8 foreground matte"],
    preview: ["preview.png", "contact sheet: rgb | depth | normals | instance"],
  };
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
    plugins: config.plugins.map((p) => ({ key: p.key, use: p.definition.id })),
    files: clipFiles(config),
    conventions: CONVENTIONS,
  };
}
