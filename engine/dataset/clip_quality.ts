/**
 * How well a clip shows what it is about: for each acting object (the subjects of its events),
 * the share of frames in which it is framed — at least FRAMED_SHARE of it seen, counting both
 * what the frame edge cuts off and what other objects hide — and its screen share.
 *
 * - Cut by the frame: the object's 3D box (labels.json objects[].bounds, posed per frame) is
 *   projected through the frame's camera; the part of its pixel rectangle inside the image is
 *   the in-frame fraction (0 when part of the box is behind the camera).
 * - Hidden: labels' visibility (visible pixels / pixels it would cover in frame unoccluded), from
 *   the instance masks. Without rendered labels (plan mode) nothing counts as hidden.
 * - Framed when in-frame fraction × visibility ≥ FRAMED_SHARE.
 * - Screen share: the height of the in-frame part of the rectangle / the image height.
 */
import { vec3 } from "wgpu-matrix";
import { DEFAULT_MIN_FRAMED } from "../config/scene_file.ts";
import type { InstanceLabel } from "../gpu/label_pass.ts";
import type { LocalBox } from "../scene/bounds.ts";
import type { FrameState } from "../scene/frame_state.ts";
import type { Vec3 } from "../scene/vector.ts";

/** The part of an object that must be seen in a frame for the frame to count as framing it. */
export const FRAMED_SHARE = 0.5;

export interface SubjectFraming {
  id: number;
  /** Share of the clip's frames in which the object is framed. */
  framed: number;
  /** Its screen share (fraction of the image height) over the clip. */
  share: { min: number; median: number; max: number };
}

export interface ClipFraming {
  /** "masks": visibility from rendered instance masks; "geometry": frame edges only (plan). */
  measured: "masks" | "geometry";
  /** The worst subject's framed share (1 when the clip has no acting object). */
  framed: number;
  subjects: SubjectFraming[];
  /** Which draw of the clip this is: 0, or n after n redraws (scene `framing.redraws`). */
  draw?: number;
}

/** What one frame of one object looked like: its in-frame fraction, visibility and share. */
export interface ObjectView {
  inFrame: number;
  visibility: number;
  share: number;
}

/**
 * Framing of `subjects` over frames 0..frames-1 of `states`. `bounds` gives an object's local
 * box by id; `labels[t][id - 1]` its rendered label (absent in plan mode).
 */
export function measureFraming(
  states: readonly FrameState[],
  frames: number,
  subjects: readonly number[],
  bounds: (id: number) => LocalBox | undefined,
  labels?: readonly InstanceLabel[][],
): ClipFraming {
  const measured = labels ? "masks" : "geometry";
  const result: SubjectFraming[] = subjects.map((id) => {
    const views: ObjectView[] = [];
    for (let t = 0; t < frames; t++) {
      const state = states[t];
      const object = state?.objects.find((o) => o.id === id);
      const box = bounds(id);
      if (!object || !box) {
        views.push({ inFrame: 0, visibility: 0, share: 0 });
        continue;
      }
      const label = labels?.[t]?.[id - 1];
      const visibility = !labels
        ? 1
        : label && label.unoccluded > 0
        ? Math.min(1, label.pixels / label.unoccluded)
        : 0;
      views.push({ ...inFrame(state, object.model, box), visibility });
    }
    const framed = views.filter((v) => v.inFrame * v.visibility >= FRAMED_SHARE).length;
    const shares = views.map((v) => v.share).sort((a, b) => a - b);
    return {
      id,
      framed: frames > 0 ? framed / frames : 0,
      share: {
        min: shares[0] ?? 0,
        median: shares[shares.length >> 1] ?? 0,
        max: shares[shares.length - 1] ?? 0,
      },
    };
  });
  return {
    measured,
    framed: result.length > 0 ? Math.min(...result.map((s) => s.framed)) : 1,
    subjects: result,
  };
}

/** In-frame fraction and screen share of a posed local box in one frame. */
export function inFrame(
  state: FrameState,
  model: Float32Array,
  box: LocalBox,
): { inFrame: number; share: number } {
  const { fx, fy, cx, cy, width, height } = state.intrinsics;
  const view = state.view;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 8; i++) {
    const local: Vec3 = [
      i & 1 ? box.max[0] : box.min[0],
      i & 2 ? box.max[1] : box.min[1],
      i & 4 ? box.max[2] : box.min[2],
    ];
    const [x, y, z] = vec3.transformMat4(vec3.transformMat4(local, model), view);
    // the renderer's camera looks down −z; a corner behind it has no pixel
    if (z >= 0) return { inFrame: 0, share: 0 };
    const u = (fx * x) / -z + cx;
    const v = (fy * -y) / -z + cy;
    [x0, y0, x1, y1] = [Math.min(x0, u), Math.min(y0, v), Math.max(x1, u), Math.max(y1, v)];
  }
  const area = Math.max(1e-9, (x1 - x0) * (y1 - y0));
  const w = Math.max(0, Math.min(x1, width) - Math.max(x0, 0));
  const h = Math.max(0, Math.min(y1, height) - Math.max(y0, 0));
  return { inFrame: Math.min(1, (w * h) / area), share: h / height };
}

/** The acting objects of a clip: every event's subjects, in order of first mention. */
export function actingObjects(events: readonly { subjects: readonly number[] }[]): number[] {
  const ids: number[] = [];
  for (const e of events) for (const id of e.subjects) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** A run's framing over its clips (the render summary and `deno task plan` print it). */
export interface FramingSummary {
  measured: "masks" | "geometry";
  /** Clips with at least one acting object. */
  clips: number;
  /** Share of frames framed, over every acting object of every clip. */
  framed: number;
  /** Screen shares (per object per clip: its median) over the run. */
  share: { min: number; median: number; max: number };
  /** Clips whose worst acting object is framed in fewer than `threshold` of frames. */
  below: number[];
  threshold: number;
  /** Clips drawn again because their first draws framed too little. */
  redrawn: number;
}

/** Default share of frames every acting object of a clip should be framed in. */
export const FRAMED_CLIP = DEFAULT_MIN_FRAMED;

export function summarizeFraming(
  clips: readonly { clip: number; framing?: ClipFraming }[],
  threshold = FRAMED_CLIP,
): FramingSummary | undefined {
  const measured = clips.filter((c) => c.framing && c.framing.subjects.length > 0);
  if (measured.length === 0) return undefined;
  const framed = measured.flatMap((c) => c.framing!.subjects.map((s) => s.framed));
  const shares = measured.flatMap((c) => c.framing!.subjects.map((s) => s.share.median))
    .sort((a, b) => a - b);
  return {
    measured: measured[0].framing!.measured,
    clips: measured.length,
    framed: framed.reduce((a, b) => a + b, 0) / framed.length,
    share: {
      min: shares[0],
      median: shares[shares.length >> 1],
      max: shares[shares.length - 1],
    },
    below: measured.filter((c) => c.framing!.framed < threshold).map((c) => c.clip),
    threshold,
    redrawn: measured.filter((c) => (c.framing!.draw ?? 0) > 0).length,
  };
}

/** One line for a terminal: "framing: acting objects framed in 98.0 % of frames …". */
export function formatFraming(s: FramingSummary): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const list = s.below.length > 10 ? `${s.below.slice(0, 10).join(", ")} …` : s.below.join(", ");
  return `framing (${s.measured}): acting objects framed in ${pct(s.framed)} of frames` +
    ` over ${s.clips} clip(s); height share min ${s.share.min.toFixed(2)} · median ` +
    `${s.share.median.toFixed(2)} · max ${s.share.max.toFixed(2)}; ` +
    (s.below.length > 0
      ? `${s.below.length} clip(s) below ${pct(s.threshold)}: ${list}`
      : `every clip at ${pct(s.threshold)} or more`) +
    (s.redrawn > 0 ? `; ${s.redrawn} clip(s) redrawn` : "");
}
