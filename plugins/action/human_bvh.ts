/**
 * A person driven by a BVH motion capture file (path relative to the scene
 * file), retargeted onto the body by bone directions; labels as for every
 * human action. The clip plays the capture from its start, holding the last
 * frame if the clip is longer.
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkFile } from "../../engine/plugin/checks.ts";
import { Actor, type CameraFollow } from "../../engine/human/actor.ts";
import { describe, FIGURE_CHOICES, sampleAppearance } from "../../engine/human/appearance.ts";
import { fromLocalPoses } from "../../engine/human/bake.ts";
import { Body } from "../../engine/human/body.ts";
import { fingerRotations, HAND_SHAPES } from "../../engine/human/hands.ts";
import { type Bvh, parseBvh, retarget } from "../../engine/human/bvh.ts";
import { DEG, lerp3, slerp } from "../../engine/human/math.ts";
import { footRadius, type LocalPose, restOffsets } from "../../engine/human/skeleton.ts";
import { actorHooks, floorId, sampleFollow } from "./human_action.ts";

/** Capture poses resampled at the clip's frame rate (linear root, slerped joints). */
export function resample(
  poses: LocalPose[],
  frameTime: number,
  frames: number,
  fps: number,
): LocalPose[] {
  return Array.from({ length: frames + 1 }, (_, f) => {
    const x = Math.min(poses.length - 1, f / fps / frameTime);
    const i = Math.floor(x);
    const j = Math.min(poses.length - 1, i + 1);
    const w = x - i;
    return {
      root: lerp3(poses[i].root, poses[j].root, w),
      rootRotation: slerp(poses[i].rootRotation, poses[j].rootRotation, w),
      local: poses[i].local.map((q, k) => slerp(q, poses[j].local[k], w)),
    };
  });
}

type BvhOptions = {
  file: string;
  action: string;
  label: string;
  figure: string;
  shirt: string;
  trousers: string;
  height: number;
  position: number[];
  heading: number;
  camera: string;
  distance: number;
};

export const humanBvh = definePlugin<BvhOptions>({
  id: "action/human_bvh",
  kind: "action",
  description: "A person performing a BVH motion capture (file: path relative to the scene).",
  defaults: {
    /** The .bvh file, relative to the scene file's folder (or absolute); required. */
    file: "",
    /** Action class and label text for the event. */
    action: "mocap",
    /** Words after the person in the event label: "[Someone] <label>", "A man in … <label>". */
    label: "moving",
    /** Who: man, woman, boy, girl, adult, child, any (an adult) or anyone (children a quarter of the time). */
    figure: "any",
    /** Shirt colour: red, blue, green, yellow, white, black, gray, orange, purple, pink or any. */
    shirt: "any",
    /** Trousers colour: blue, black, gray, khaki, brown, white or any. */
    trousers: "any",
    /** Body height in metres; 0 draws one (about 1.77 m for a man, 1.64 m for a woman). */
    height: 0,
    /** Floor offset (x, z) in metres added to the capture's own root path. */
    position: [0, 0],
    /** Turn of the whole capture (path and facing) about the vertical, degrees; 0 = as captured. */
    heading: 0,
    /** "follow": the camera tracks the person; "fixed": the scene's camera is left alone. */
    camera: "follow",
    /** Camera distance in body heights (follow mode; drawn ×0.9–1.15 per clip). */
    distance: 2.4,
  },
  limits: { figure: { oneOf: FIGURE_CHOICES }, camera: { oneOf: ["follow", "fixed"] } },
  check: (o, scene) => checkFile("file", String(o.file), scene, "a .bvh motion capture file"),
  creates: (key) => ({ names: [key, `${key}_*`], classes: ["person", "stool"] }),
  create() {
    let bvh: Bvh | undefined;
    let actor: Actor | undefined;
    let follow: CameraFollow | undefined;
    return {
      async setup(ctx) {
        const file = String(ctx.rawOptions.file);
        if (!file) throw new RangeError('action/human_bvh needs "file": a .bvh path');
        const path = file.startsWith("/") ? file : `${ctx.sceneDir}/${file}`;
        bvh = parseBvh(await Deno.readTextFile(path));
      },
      clipStart(ctx) {
        const o = ctx.options;
        const look = sampleAppearance(ctx.rng.fork("look"), o);
        const offsets = restOffsets(look.proportions);
        const body = new Body(look, offsets);
        // A capture has no fingers: they hang relaxed.
        const poses = resample(retarget(bvh!, offsets), bvh!.frameTime, ctx.frames, ctx.fps);
        for (const pose of poses) {
          fingerRotations("left", HAND_SHAPES.relaxed, offsets, pose.local);
          fingerRotations("right", HAND_SHAPES.relaxed, offsets, pose.local);
        }
        const baked = fromLocalPoses(poses, {
          offsets,
          parts: body.parts,
          footRadius: footRadius(look.proportions),
          start: [o.position[0], o.position[1]],
          heading: o.heading * DEG,
        });
        actor = new Actor(
          ctx.scene,
          ctx.key,
          `human:${ctx.clip}:${ctx.key}`,
          body,
          baked,
          o.heading * DEG,
          !ctx.planning,
        );
        follow = o.camera === "follow"
          ? sampleFollow(ctx.rng, o.distance * look.proportions.height)
          : undefined;
        const seconds = (bvh!.frames.length - 1) * bvh!.frameTime;
        const subject = describe(look);
        ctx.emit({
          verb: o.action,
          subjects: [actor.object.id],
          start: 0,
          end: Math.min(ctx.frames - 1, Math.round(seconds * ctx.fps)),
          template: `[Someone] ${o.label}`,
          label: `${subject[0].toUpperCase()}${subject.slice(1)} ${o.label}`,
          args: { file: o.file, person: subject },
        });
        ctx.record("person", { id: actor.object.id, ...actor.object.attributes });
        ctx.record("contacts", actor.footfallContacts(floorId(ctx.scene), ctx.fps));
      },
      ...actorHooks(() => (actor ? [actor] : []), () => follow),
    };
  },
});
