/**
 * Human action plugins: a person with a sampled look performs a motion from
 * the library (optionally followed by a second one, blended), on the floor at
 * y = 0, optionally followed by the camera. Emits one ActionEvent per motion
 * and records per-frame 3D joints, COCO-17 keypoints with visibility and the
 * person's box under labels.json `plugins.<key>.keypoints`.
 */
import { announceActors } from "../../engine/plugin/actors.ts";
import {
  definePlugin,
  type Options,
  type PluginDefinition,
  type PluginHooks,
} from "../../engine/plugin/contract.ts";
import { checkName } from "../../engine/plugin/checks.ts";
import { Actor, type CameraFollow } from "../../engine/human/actor.ts";
import { describe, FIGURE_CHOICES, sampleAppearance } from "../../engine/human/appearance.ts";
import { ENDS_SEATED, MOTION_NAMES, MOTIONS, STARTS_SEATED } from "../../engine/human/library.ts";
import { DEG } from "../../engine/human/math.ts";
import { bake } from "../../engine/human/bake.ts";
import { Body } from "../../engine/human/body.ts";
import { footRadius, restOffsets } from "../../engine/human/skeleton.ts";
import { CarriedProp, CARRY_MOTIONS, carryPose, type PropKind } from "../../engine/human/props.ts";
import {
  type Motion,
  type MotionFrame,
  type MotionParams,
  type Scheduled,
  sequence,
} from "../../engine/human/motion.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { ClipContext } from "../../engine/plugin/contract.ts";
import { GroupCamera } from "../../engine/human/group_camera.ts";
import { makeRoom } from "../../engine/human/spacing.ts";
import type { Scene } from "../../engine/scene/scene.ts";

export const HUMAN_DEFAULTS = {
  /** Motion name, "balanced" (cycles through the library by clip index) or "any". */
  motion: "walk",
  /** Optional second motion, blended in after the first ("" = none). */
  then: "",
  /** Blend time between motions, seconds. */
  blend: 0.35,
  /** Playback speed of the motion (1 = as authored). */
  speed: 1,
  /** Size of the movement (1 = as authored). */
  amplitude: 1,
  /** Per-clip relative variation of speed and amplitude. */
  vary: 0.15,
  /** Which hand or foot leads one-sided motions (wave, kick). */
  side: "any",
  /** Longest standing lead-in before the motion starts, seconds. */
  delay: 0.4,
  /** Who: man, woman, boy, girl, adult, child, any (an adult) or anyone (children a quarter of the time). */
  figure: "any",
  /** Clothing colour names (captions say them), or "any" for a sampled one. */
  shirt: "any",
  /** Clothing colour name, or "any". */
  trousers: "any",
  /** Body height in metres; 0 samples one. */
  height: 0,
  /** Start point on the floor (x, z). */
  position: [0, 0],
  /** Facing in degrees (0 = +Z); used when random_heading is false. */
  heading: 0,
  /** Face a random direction (camera-aware) instead of `heading`. */
  random_heading: true,
  /** A prop carried in both hands while walking, turning, squatting or sitting: none, ball, box or any. */
  prop: "none",
  /** "follow": the camera tracks the person; "fixed": the scene's camera is left alone. */
  camera: "follow",
  /** Camera distance in body heights (follow mode). */
  distance: 2.4,
  /** How many people (1–4), each with their own look and motion, side by side, never touching. */
  people: 1,
} as const;

type HumanOptions = {
  -readonly [K in keyof typeof HUMAN_DEFAULTS]: (typeof HUMAN_DEFAULTS)[K] extends readonly number[]
    ? number[]
    : (typeof HUMAN_DEFAULTS)[K] extends string ? string
    : (typeof HUMAN_DEFAULTS)[K] extends number ? number
    : boolean;
};

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

function motionNamed(name: string, clip: number, rng: Rng): Motion {
  if (name === "balanced") return MOTIONS[MOTION_NAMES[clip % MOTION_NAMES.length]];
  if (name === "any") return MOTIONS[rng.choice(MOTION_NAMES)];
  const m = MOTIONS[name];
  if (!m) throw new RangeError(`Unknown motion "${name}" (known: ${MOTION_NAMES.join(", ")})`);
  return m;
}

/** Motion frames for every clip frame, plus the schedule used (for events). */
export function schedule(
  motions: readonly Motion[],
  params: MotionParams[],
  delay: number,
  blend: number,
  frames: number,
  fps: number,
): { plan: Scheduled[]; poses: MotionFrame[] } {
  const plan: Scheduled[] = [];
  let t = delay;
  const clipSeconds = frames / fps;
  motions.forEach((motion, i) => {
    plan.push({ motion, params: params[i], start: t });
    const d = motion.duration(params[i]);
    // A cyclic motion followed by another keeps going for about half the clip.
    t += motion.cyclic ? Math.max(d, 0.45 * (clipSeconds - t)) : d;
  });
  const play = sequence(plan, blend, motions[0].sample(0, params[0]));
  const poses = Array.from({ length: frames + 1 }, (_, f) => play(f / fps));
  return { plan, poses };
}

export function humanPlugin(
  id: string,
  description: string,
  motion = "walk",
): PluginDefinition<HumanOptions> {
  return definePlugin<HumanOptions>({
    id,
    kind: "action",
    description,
    defaults: { ...HUMAN_DEFAULTS, motion, position: [0, 0] },
    limits: {
      blend: { min: 0, max: 2 },
      speed: { min: 0.3, max: 3 },
      amplitude: { min: 0.5, max: 1.3 },
      vary: { min: 0, max: 0.5 },
      side: { oneOf: ["any", "left", "right"] },
      delay: { min: 0, max: 5 },
      figure: { oneOf: FIGURE_CHOICES },
      camera: { oneOf: ["follow", "fixed"] },
      prop: { oneOf: ["none", "ball", "box", "any"] },
      distance: { min: 0.5, max: 20 },
      people: { min: 1, max: 4 },
    },
    check: (o) => [
      ...(typeof o.motion === "string"
        ? checkName("motion", o.motion, [...MOTION_NAMES, "balanced", "any"])
        : []),
      ...(typeof o.then === "string" && o.then ? checkName("then", o.then, MOTION_NAMES) : []),
      ...(typeof o.people === "number" && !Number.isInteger(o.people)
        ? [{ option: "people", message: `a whole number of people (1–4), not ${o.people}` }]
        : []),
    ],
    // The person is named after the plugin key; a stool or carried prop after it.
    creates: (key) => ({ names: [key, `${key}_*`], classes: ["person", "stool", "ball", "box"] }),
    create() {
      let actors: Actor[] = [];
      let follow: CameraFollow | undefined;
      let group: GroupCamera | undefined;
      return {
        clipStart(ctx) {
          actors = [];
          follow = undefined;
          group = undefined;
          const o = ctx.options;
          const count = o.people;
          const first = perform(ctx, ctx.rng, ctx.key, ctx.clip, []);
          actors.push(first);
          if (o.camera === "follow") {
            follow = sampleFollow(ctx.rng, o.distance * first.appearance.proportions.height);
          }
          // More people draw from their own streams, so adding them leaves the first unchanged.
          for (let i = 1; i < count; i++) {
            const rng = ctx.rng.fork(`person ${i + 1}`);
            actors.push(perform(ctx, rng, `${ctx.key}_${i + 1}`, ctx.clip + i, actors));
          }
          if (follow && actors.length > 1) {
            group = new GroupCamera(actors, ctx.scene.camera, ctx.width, ctx.height);
          }
          const floor = floorId(ctx.scene);
          const records = actors.map((a) => ({ id: a.object.id, ...a.object.attributes }));
          ctx.record("person", count === 1 ? records[0] : records);
          ctx.record("contacts", actors.flatMap((a) => a.footfallContacts(floor, ctx.fps)));
          announceActors(ctx, actors.map((a) => a.object.id));
        },
        ...actorHooks(() => actors, () => follow, () => group),
      };
    },
  });
}

/**
 * One person: look, motions, baked performance, stool and prop, placed beside `others`
 * (never overlapping any of them over the whole clip), and its action events.
 */
function perform(
  ctx: ClipContext<HumanOptions>,
  rng: Rng,
  name: string,
  index: number,
  others: readonly Actor[],
): Actor {
  const o = ctx.options;
  const look = sampleAppearance(rng.fork("look"), {
    figure: o.figure,
    shirt: o.shirt,
    trousers: o.trousers,
    height: o.height,
  });
  const names = [o.motion, ...(o.then ? [o.then] : [])];
  const motions = names.map((n) => motionNamed(n, index, rng));
  const params = motions.map((): MotionParams => ({
    speed: o.speed * rng.uniform(1 - o.vary, 1 + o.vary),
    amplitude: Math.min(1.2, Math.max(0.8, o.amplitude * rng.uniform(1 - o.vary, 1 + o.vary))),
    side: o.side === "left" || o.side === "right" ? o.side : rng.choice(["left", "right"] as const),
    height: look.proportions.height,
  }));
  const delay = rng.uniform(0, o.delay);
  const scheduled = schedule(motions, params, delay, o.blend, ctx.frames, ctx.fps);
  const plan = scheduled.plan;
  const canCarry = motions.every((m) => CARRY_MOTIONS.has(m.name));
  const wanted = o.prop === "any" ? rng.choice(["none", "ball", "box"], [2, 1, 1]) : o.prop;
  const prop = canCarry && wanted !== "none" ? wanted as PropKind : undefined;
  const poses = prop ? carryPose(scheduled.poses) : scheduled.poses;
  const heading = o.random_heading ? rng.uniform(-180, 180) * DEG : o.heading * DEG;
  const start = [o.position[0], o.position[1]] as [number, number];
  const offsets = restOffsets(look.proportions);
  const body = new Body(look, offsets);
  const baked = bake(poses, {
    offsets,
    parts: body.parts,
    footRadius: footRadius(look.proportions),
    start,
    heading,
    fps: ctx.fps,
  });
  const actor = new Actor(
    ctx.scene,
    name,
    `human:${ctx.clip}:${name}`,
    body,
    baked,
    heading,
    !ctx.planning,
  );
  // A travelling motion is moved back along its path so the clip's middle is at `position`.
  const end = actor.baked[actor.baked.length - 1].local.root;
  actor.translate((start[0] - end[0]) / 2, (start[1] - end[2]) / 2);
  makeRoom(actor, others);
  if (motions.some((m) => STARTS_SEATED.has(m.name) || ENDS_SEATED.has(m.name))) {
    actor.addStool(rng);
  }
  const carried = prop
    ? new CarriedProp(
      ctx.scene,
      `${name}_${prop}`,
      prop,
      baked,
      0.022 * look.proportions.height,
      rng,
    )
    : undefined;
  if (carried) actor.attach(carried);
  const subject = capitalize(describe(look));
  plan.forEach(({ motion, params: p, start: s }, i) => {
    const next = plan[i + 1]?.start;
    const endTime = next ?? (motion.cyclic ? Infinity : s + motion.duration(p));
    ctx.emit({
      verb: motion.name,
      subjects: [actor.object.id],
      start: Math.min(ctx.frames - 1, Math.round(s * ctx.fps)),
      end: Math.min(ctx.frames - 1, Math.round(endTime * ctx.fps)),
      template: motion.template,
      label: motion.label(subject, p) + (carried ? `, carrying ${carried.description}` : ""),
      args: {
        speed: p.speed,
        amplitude: p.amplitude,
        side: p.side,
        person: describe(look),
        ...(carried ? { prop: carried.description, prop_id: carried.object.id } : {}),
      },
    });
  });
  return actor;
}

/** The instance id feet land on: the scene's floor object, else 0 (the ground plane). */
export function floorId(scene: Scene): number {
  return scene.objects.find((o) => o.cls === "floor")?.id ?? 0;
}

/** A following camera: mostly in front, sometimes beside or behind. */
export function sampleFollow(rng: Rng, distance: number): CameraFollow {
  const view = rng.choice([0, 35, -35, 90, -90, 180], [3, 2, 2, 1, 1, 1]) + rng.uniform(-15, 15);
  return {
    azimuth: view * DEG,
    distance: distance * rng.uniform(0.9, 1.15),
    height: rng.uniform(0.9, 1.8),
  };
}

/** The per-frame hooks every person plugin shares: pose, camera, labels, visibility, record. */
export function actorHooks(
  actors: () => readonly Actor[],
  follow: () => CameraFollow | undefined,
  group: () => GroupCamera | undefined = () => undefined,
): PluginHooks<Options> {
  return {
    frame(ctx) {
      const all = actors();
      if (all.length === 0) return;
      for (const a of all) a.pose(ctx.frame);
      const f = follow();
      const g = group();
      if (f && g) g.aim(ctx.scene.camera, ctx.frame, f);
      else if (f) all[0].follow(ctx.scene.camera, ctx.frame, f);
      if (ctx.frame < ctx.frames) {
        for (const a of all) {
          a.label(ctx.frame, ctx.width, ctx.height);
        }
      }
    },
    rendered(_ctx, frame) {
      for (const a of actors()) a.rendered(frame);
    },
    clipEnd(ctx) {
      const all = actors();
      // One person's keypoints as one record (as before), several as a list.
      if (all.length === 1) ctx.record("keypoints", all[0].record());
      else if (all.length > 1) ctx.record("keypoints", all.map((a) => a.record()));
    },
  };
}
