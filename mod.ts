/**
 * synthvid's public API: what a plugin author or a program that renders datasets imports.
 *
 *   import { definePlugin, renderDataset } from "./mod.ts";
 *
 * The command line (`deno task render`) is engine/cli/render.ts on top of `renderDataset`.
 */

// Writing plugins: the contract (docs/plugins.md) and ready-made option checks.
export {
  type ActionEvent,
  type AudioSource,
  type Caption,
  type CheckContext,
  type ClipContext,
  definePlugin,
  type FrameContext,
  type OptionLimit,
  type OptionProblem,
  type Options,
  type OptionValue,
  PLUGIN_KINDS,
  type PluginDefinition,
  type PluginHooks,
  type PluginKind,
  RedrawClip,
  type SetupContext,
} from "./engine/plugin/contract.ts";
export { checkFile, checkName, checkNames } from "./engine/plugin/checks.ts";
export { Rng } from "./engine/scene/rng.ts";
export {
  type Light,
  type Material,
  type MeshPart,
  type Quat,
  Scene,
  SceneObject,
  type Vec3,
} from "./engine/scene/scene.ts";
export type { FrameMeta, RenderedFrame } from "./engine/gpu/frame.ts";

// Rendering and planning datasets from a scene file.
export {
  type ClipResult,
  planDataset,
  renderDataset,
  type RunOptions,
  type RunSummary,
  VERSION,
} from "./engine/run/dataset_run.ts";
export { loadScene, type SceneConfig, SceneError } from "./engine/config/scene_file.ts";
export { builtins } from "./plugins/mod.ts";

// Reading what was written, and the GPU underneath.
export { decodeNpy, encodeNpy } from "./engine/dataset/npy.ts";
export { acquireGpu, type Gpu, GpuError } from "./engine/gpu/gpu.ts";
export { Camera, type Intrinsics } from "./engine/scene/camera.ts";
export { type MeshData, primitives } from "./engine/scene/mesh.ts";
