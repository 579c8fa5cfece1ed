// Vector annotations drawn over the video at display resolution: 2D boxes from labels.json
// objects[].frames[t].bbox and keypoint skeletons from plugins.<key>.keypoints (or per-object
// objects[].frames[t].keypoints). Keypoint plugins are free to choose their record's shape, so
// keypointTracks() accepts the common ones: a list of frames, a track {id, frames, edges}, or a
// list / id-keyed map of such tracks; points as [x, y], [x, y, visible] or {x, y, visible}.

import { cssColor, instanceColor } from "./colors.js";

function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toPoint(p) {
  if (Array.isArray(p) && p.length >= 2) {
    return [Number(p[0]), Number(p[1]), p.length > 2 ? Number(p[2]) : 1];
  }
  if (isRecord(p) && "x" in p && "y" in p) {
    const v = p.visible ?? p.visibility ?? p.v ?? 1;
    return [Number(p.x), Number(p.y), Number(v)];
  }
  return null;
}

function toFramePoints(frame, names) {
  if (frame === null || frame === undefined) return null;
  if (isRecord(frame) && Array.isArray(frame.points)) frame = frame.points;
  if (isRecord(frame) && names) frame = names.map((n) => frame[n] ?? null);
  if (!Array.isArray(frame)) return null;
  return frame.map(toPoint);
}

function toEdges(edges, names) {
  if (!Array.isArray(edges)) return [];
  return edges.flatMap((e) => {
    if (!Array.isArray(e) || e.length < 2) return [];
    const [a, b] = e.map((v) => typeof v === "string" && names ? names.indexOf(v) : Number(v));
    return a >= 0 && b >= 0 ? [[a, b]] : [];
  });
}

function looksLikeTrack(v) {
  return isRecord(v) && Array.isArray(v.frames);
}

function trackFrom(value, fallback) {
  const names = value.names ?? value.joints ?? fallback.names ?? null;
  const edges = value.edges ?? value.skeleton ?? value.bones ?? value.connections ?? fallback.edges;
  const id = value.id ?? value.instance ?? fallback.id ?? null;
  return {
    id: id === null ? null : Number(id),
    edges: toEdges(edges, names),
    frames: value.frames.map((f) => toFramePoints(f, names)),
  };
}

/** All keypoint tracks found in labels.json: [{id, edges: [[a, b]], frames: [[x, y, v]|null][]}]. */
export function keypointTracks(labels) {
  const tracks = [];
  for (const record of Object.values(labels?.plugins ?? {})) {
    if (!isRecord(record) || record.keypoints === undefined) continue;
    const kp = record.keypoints;
    const shared = {
      names: isRecord(kp) ? kp.names ?? kp.joints ?? record.names : record.names ?? record.joints,
      edges: (isRecord(kp) ? kp.edges ?? kp.skeleton : undefined) ?? record.skeleton ??
        record.edges,
    };
    if (Array.isArray(kp) && kp.every(looksLikeTrack)) {
      for (const track of kp) tracks.push(trackFrom(track, shared));
    } else if (Array.isArray(kp)) {
      tracks.push(trackFrom({ frames: kp }, shared));
    } else if (looksLikeTrack(kp)) {
      tracks.push(trackFrom(kp, shared));
    } else if (isRecord(kp)) {
      const list = kp.instances ?? kp.tracks ?? kp.people ?? kp.objects;
      if (Array.isArray(list)) {
        for (const track of list.filter(looksLikeTrack)) tracks.push(trackFrom(track, shared));
      } else {
        // { "<instance id>": track or frames }
        for (const [id, value] of Object.entries(kp)) {
          if (looksLikeTrack(value)) tracks.push(trackFrom(value, { ...shared, id }));
          else if (Array.isArray(value)) {
            tracks.push(trackFrom({ frames: value }, { ...shared, id }));
          }
        }
      }
    }
  }
  for (const object of labels?.objects ?? []) {
    const frames = object.frames ?? [];
    if (!frames.some((f) => f && f.keypoints)) continue;
    tracks.push(trackFrom({ frames: frames.map((f) => f?.keypoints ?? null) }, {
      id: object.id,
      edges: object.skeleton ?? object.attributes?.skeleton,
      names: object.attributes?.joints,
    }));
  }
  return tracks;
}

/** Object's bbox at frame t as [x0, y0, x1, y1] pixel edges, or null when not visible. */
export function bboxAt(object, t) {
  const box = object.frames?.[t]?.bbox;
  if (!Array.isArray(box) || box.length !== 4) return null;
  if (!(box[2] > box[0] && box[3] > box[1])) return null;
  return box;
}

/** The object whose box contains (x, y) at frame t; the smallest box wins (usually the front one). */
export function objectUnderBox(labels, t, x, y) {
  let best = null, bestArea = Infinity;
  for (const object of labels?.objects ?? []) {
    const box = bboxAt(object, t);
    if (!box || x < box[0] || x >= box[2] || y < box[1] || y >= box[3]) continue;
    const area = (box[2] - box[0]) * (box[3] - box[1]);
    if (area < bestArea) best = object, bestArea = area;
  }
  return best;
}

function label(ctx, text, x, y, color) {
  ctx.font = "11px system-ui, sans-serif";
  const w = ctx.measureText(text).width + 6;
  const top = Math.max(0, y - 15);
  ctx.fillStyle = color;
  ctx.fillRect(x, top, w, 15);
  ctx.fillStyle = "#000";
  ctx.fillText(text, x + 3, top + 11);
}

/** Draws boxes (all, or only highlighted ones) at display scale. */
export function drawBoxes(ctx, labels, t, scale, { all, highlighted }) {
  for (const object of labels?.objects ?? []) {
    const lit = highlighted.has(object.id);
    if (!all && !lit) continue;
    const box = bboxAt(object, t);
    if (!box) continue;
    const color = cssColor(instanceColor(object.id));
    ctx.lineWidth = lit ? 4 : 2;
    ctx.strokeStyle = lit ? "#fff" : color;
    if (lit) {
      ctx.strokeRect(
        box[0] * scale - 2,
        box[1] * scale - 2,
        (box[2] - box[0]) * scale + 4,
        (box[3] - box[1]) * scale + 4,
      );
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.strokeRect(
      box[0] * scale,
      box[1] * scale,
      (box[2] - box[0]) * scale,
      (box[3] - box[1]) * scale,
    );
    label(ctx, `${object.class ?? "?"} #${object.id}`, box[0] * scale, box[1] * scale, color);
  }
}

export function drawKeypoints(ctx, tracks, t, scale) {
  for (const track of tracks) {
    const points = track.frames[Math.min(t, track.frames.length - 1)];
    if (!points) continue;
    const color = cssColor(track.id ? instanceColor(track.id) : [255, 255, 255]);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    for (const [a, b] of track.edges) {
      const p = points[a], q = points[b];
      if (!p || !q || !(p[2] > 0) || !(q[2] > 0)) continue;
      ctx.beginPath();
      ctx.moveTo(p[0] * scale, p[1] * scale);
      ctx.lineTo(q[0] * scale, q[1] * scale);
      ctx.stroke();
    }
    for (const p of points) {
      if (!p || !(p[2] > 0)) continue;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(p[0] * scale, p[1] * scale, 3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
}
