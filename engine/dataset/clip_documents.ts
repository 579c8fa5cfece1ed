/**
 * The text files of a clip folder, labels.json and captions.json, built from the
 * clip's frame states and per-frame labels, plus the foreground table alpha.npy
 * is made from. Built where the scene objects live (the render loop's thread).
 */
import type { GtFormat, GtRanges } from "../config/gt_format.ts";
import { kMatrix, toOpenCvPose } from "../scene/camera.ts";
import { isForeground } from "../scene/foreground.ts";
import type { FrameState } from "../scene/frame_state.ts";
import { jsonText } from "./json_text.ts";
import type { InstanceLabel } from "../gpu/label_pass.ts";
import type { ActionEvent, Caption } from "../plugin/contract.ts";
import type { LocalBox } from "../scene/bounds.ts";
import type { SceneObject } from "../scene/scene.ts";
import { type ClipFraming, FRAMED_SHARE } from "./clip_quality.ts";

export const CONVENTIONS = {
  world: "right-handed, +Y up, metres",
  camera: "OpenCV: x right, y down, z forward; world_from_camera maps camera to world",
  pixels: "pixel (i, j) covers [i, i+1) x [j, j+1); K maps camera points to these coordinates",
  depth: "metres along the camera's viewing axis (z in the camera frame); +inf where no surface",
  normals: "unit surface normals in the camera frame (OpenCV axes), float16; 0 on background",
  instance: "instance id per pixel, 0 = background; ids match labels.json objects[].id",
  flow: "forward optical flow in pixels (dx, dy) from frame t to frame t+1; 0 on background",
  bbox: "[x0, y0, x1, y1] in pixel-edge coordinates, x1 and y1 exclusive; null when not visible",
  visibility: "visible pixels / pixels the object would cover in frame if nothing occluded it",
  pose: "world_from_object 4x4, row-major",
  bounds: "[[x, y, z] min, [x, y, z] max] of the object's mesh in object space, before pose " +
    "(pose includes scale); an articulated object's parts at rest; null for an empty mesh",
  framing: `per acting object (events' subjects): framed = share of frames in which at least ` +
    `${FRAMED_SHARE} of it is seen (in-frame part of its projected 3D box x visibility); ` +
    "share = height of its in-frame box / image height (min, median, max)",
  time: "frame t is shown at t / fps seconds",
  alpha: "foreground matte, uint8: 255 where the pixel's instance is a foreground object " +
    "(class not floor/ground/wall/ceiling/room/table/background/clutter, or attributes.foreground), else 0",
  randomization:
    "labels.json randomization.<plugin key>: every value a randomizer drew for the clip",
  sampled: "labels.json sampled: what the scene file's samplers drew for the clip, before " +
    "plugins ran (colours as written: sRGB 0..1; rotations in degrees); plugins may change the " +
    "scene afterwards, so camera.frames and objects[].frames hold what was rendered, and " +
    "objects[].material.color is linear RGB",
  color: "material colours in objects[] are linear RGB 0..1; the scene file's are sRGB",
} as const;

export interface ClipSummary {
  clip: number;
  seed: number;
  scene: string;
  fps: number;
  maxId: number;
  /** Frame states 0..frames (the last is the flow look-ahead). */
  states: FrameState[];
  /** Every object seen during the clip, by id. */
  objects: Map<number, SceneObject>;
  /** Each seen object's local box (its mesh's bounds in object space), by id. */
  bounds: Map<number, LocalBox | undefined>;
  framing: ClipFraming;
  events: ActionEvent[];
  captions: Caption[];
  sampled: Record<string, unknown>;
  records: Record<string, Record<string, unknown>>;
  /** Library models the clip's objects are (`library:<library>/<id>`), for credits.json. */
  assets?: string[];
}

export interface ClipDocuments {
  /** labels.json text. */
  labels: string;
  /** captions.json text. */
  captions: string;
  /** 255 at each foreground instance id, else 0 (alpha.npy). */
  foreground: Uint8Array;
  /** png16's quantization ranges (also in labels.json ground_truth). */
  ranges?: GtRanges;
}

/** labels.json, captions.json and the foreground table of a clip whose frames gave `labels`. */
export function clipDocuments(
  summary: ClipSummary,
  labels: InstanceLabel[][],
  frames: number,
  width: number,
  height: number,
  groundTruth: GroundTruthLabels = { format: "npy" },
): ClipDocuments {
  const foreground = new Uint8Array(summary.maxId + 1);
  for (const [id, o] of summary.objects) if (isForeground(o)) foreground[id] = 255;
  const ground_truth = groundTruth.format === "png16"
    ? {
      format: "png16",
      depth_range: groundTruth.ranges?.depth ?? null,
      flow_range: groundTruth.ranges?.flow ?? null,
    }
    : { format: groundTruth.format };
  return {
    labels: jsonText({ ...labelsJson(summary, labels, frames, width, height), ground_truth }),
    captions: jsonText({ clip: summary.clip, captions: summary.captions }),
    foreground,
    ranges: groundTruth.ranges,
  };
}

/** How a clip's ground truth is stored, for labels.json (png16 with its ranges). */
export interface GroundTruthLabels {
  format: GtFormat;
  ranges?: GtRanges;
}

function boundsJson(b: LocalBox | undefined) {
  return b ? [b.min, b.max] : null;
}

function labelsJson(
  s: ClipSummary,
  labels: InstanceLabel[][],
  frames: number,
  width: number,
  height: number,
) {
  const rowMajor = (m: Float32Array) =>
    [0, 1, 2, 3].map((r) => [m[r], m[4 + r], m[8 + r], m[12 + r]]);
  const objectIds = [...s.objects.keys()].sort((a, b) => a - b);
  const byId = s.states.map((st) => new Map(st.objects.map((o) => [o.id, o])));
  return {
    clip: s.clip,
    seed: s.seed,
    scene: s.scene,
    frames: frames,
    fps: s.fps,
    size: [width, height],
    conventions: CONVENTIONS,
    camera: {
      K: kMatrix(s.states[0].intrinsics),
      frames: s.states.slice(0, frames).map((st) => ({
        K: kMatrix(st.intrinsics),
        world_from_camera: toOpenCvPose(st.worldFromCamera),
      })),
    },
    objects: objectIds.map((id) => {
      const o = s.objects.get(id)!;
      return {
        id,
        name: o.name,
        class: o.cls,
        mesh: o.mesh,
        bounds: boundsJson(s.bounds.get(id)),
        material: o.material,
        attributes: o.attributes,
        frames: s.states.slice(0, frames).map((_state, t) => {
          const state = byId[t].get(id);
          const label = labels[t]?.[id - 1];
          return {
            present: Boolean(state),
            pose: state ? rowMajor(state.model) : null,
            bbox: label?.bbox ?? null,
            pixels: label?.pixels ?? 0,
            unoccluded: label?.unoccluded ?? 0,
            visibility: label && label.unoccluded > 0
              ? Math.min(1, label.pixels / label.unoccluded)
              : 0,
            depth: label?.depth ?? null,
          };
        }),
      };
    }),
    events: s.events,
    ...(s.assets?.length ? { assets: s.assets } : {}),
    framing: s.framing,
    sampled: s.sampled,
    randomization: Object.fromEntries(
      Object.entries(s.records)
        .filter(([, r]) => r.randomization !== undefined)
        .map(([key, r]) => [key, r.randomization]),
    ),
    plugins: s.records,
  };
}
