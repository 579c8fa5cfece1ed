/**
 * Turns an object-action spec into a plugin. The spec stages the action (props, hands, hand
 * keyframes) in clipStart; the shared physics world then simulates it frame by frame, and the
 * plugin emits ONE ActionEvent whose start/end come from the simulated motion: `start` is the
 * last frame before any subject moves, `end` the first frame after every subject has stopped
 * (moving = some point of it goes faster than 3 cm/s between two frames: centre speed plus
 * turn rate × its radius, so a spin counts and a sub-millimetre contact wobble does not). The spec's `verify` reads the
 * same motion and throws when it contradicts the label, so a clip never carries a wrong label.
 */
import { finishPhysics, initPhysics } from "../../engine/physics/world.ts";
import { announceActors } from "../../engine/plugin/actors.ts";
import {
  type ClipContext,
  type Options,
  type PluginDefinition,
  RedrawClip,
} from "../../engine/plugin/contract.ts";
import type { Quat, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { dot, length, qangle, sub } from "./math.ts";
import { fillTemplate, PROPS } from "./props.ts";
import { libraryPropKinds, preloadLibraryProps } from "./library_props.ts";
import { makeStage, type Stage } from "./stage.ts";
import { meshPoints } from "../../engine/physics/world.ts";

/** Distance from an object's origin to its farthest vertex. */
function radius(stage: Stage, object: SceneObject): number {
  const p = meshPoints(stage.scene, object);
  let r = 0;
  for (let i = 0; i < p.length; i += 3) r = Math.max(r, Math.hypot(p[i], p[i + 1], p[i + 2]));
  return r;
}

export const MOVING_SPEED = 0.03;

export interface ActionPlan {
  /** Objects the label names, main subject first. */
  subjects: SceneObject[];
  hands: SceneObject[];
  /** Arguments known when staging (speeds, distances, …). */
  args?: Record<string, unknown>;
  /** Checks the simulated motion agrees with the label; returns measured arguments. */
  verify?(motion: Motion): Record<string, unknown> | void;
}

export interface ObjectActionSpec<O extends Options> {
  /** Lowercase name: the plugin id is "action/<name>" and the event verb is the name. */
  name: string;
  template: string;
  description: string;
  /** Seconds the staged script plans to take (the timeline is squeezed in shorter clips). */
  seconds: number;
  defaults: O;
  plan(stage: Stage, options: O): ActionPlan;
}

export interface Pose {
  position: Vec3;
  rotation: Quat;
}

/** Subjects' poses per rendered frame and the measured action window. */
export class Motion {
  constructor(
    readonly stage: Stage,
    /** tracks[i][frame] = pose of subject i. */
    readonly tracks: Pose[][],
    readonly start: number,
    readonly end: number,
  ) {}

  /** World displacement of subject i over the action window. */
  displacement(i = 0): Vec3 {
    const t = this.tracks[i];
    return sub(t[this.end].position, t[this.start].position);
  }

  /** Displacement of subject i along a world direction (e.g. stage.right). */
  along(dir: Vec3, i = 0): number {
    return dot(this.displacement(i), dir);
  }

  /** Ground distance between subjects a and b at a frame. */
  gap(frame: number, a = 0, b = 1): number {
    const d = sub(this.tracks[a][frame].position, this.tracks[b][frame].position);
    return Math.hypot(d[0], d[2]);
  }

  /** Largest turn (radians) of subject i away from its pose at the window start. */
  turn(i = 0): number {
    const t = this.tracks[i];
    let best = 0;
    for (let f = this.start; f <= this.end; f++) {
      best = Math.max(best, qangle(t[this.start].rotation, t[f].rotation));
    }
    return best;
  }
}

/**
 * Measures the window in which any track moves (`radii[i]`: how far track i's farthest point is
 * from its centre); undefined when nothing moved.
 */
export function motionWindow(
  tracks: Pose[][],
  radii: number[],
  fps: number,
): [number, number] | undefined {
  let start = -1;
  let end = -1;
  for (const [i, track] of tracks.entries()) {
    for (let f = 0; f + 1 < track.length; f++) {
      const move = length(sub(track[f + 1].position, track[f].position));
      const turn = qangle(track[f].rotation, track[f + 1].rotation) * radii[i];
      if ((move + turn) * fps > MOVING_SPEED) {
        if (start < 0 || f < start) start = f;
        end = Math.max(end, f + 1);
      }
    }
  }
  return start < 0 ? undefined : [start, end];
}

/**
 * Throws with a readable message when a simulated motion contradicts the label: the clip is then
 * drawn again (about 1 % of topples do not fall; a draw with other numbers does).
 */
export function expect(ok: boolean, what: string): void {
  if (!ok) throw new RedrawClip(`Simulated motion does not match the label: ${what}`);
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export type ObjectActionPlugin<O extends Options> = PluginDefinition<O> & {
  spec: ObjectActionSpec<O>;
};

export function objectAction<O extends Options>(spec: ObjectActionSpec<O>): ObjectActionPlugin<O> {
  return {
    id: `action/${spec.name}`,
    kind: "action",
    description: spec.description,
    defaults: spec.defaults,
    spec,
    // Props and hands are named after the plugin key; a floor is added when the scene has none.
    creates: (key) => ({
      names: [`${key}_*`, "floor"],
      classes: [
        ...PROPS.map((p) => p.noun),
        ...new Set(libraryPropKinds().map((p) => p.noun)),
        "hand",
        "floor",
      ],
    }),
    create() {
      let run: {
        stage: Stage;
        plan: ActionPlan;
        tracks: Pose[][];
        emitted: boolean;
      } | undefined;

      // deno-lint-ignore no-explicit-any
      const advance = (ctx: ClipContext<any>, frame: number) => {
        const { stage, plan, tracks } = run!;
        stage.physics.advanceTo(frame);
        if (frame >= ctx.frames || tracks[0].length > frame) return;
        plan.subjects.forEach((s, i) => {
          tracks[i].push({ position: [...s.position], rotation: [...s.rotation] });
        });
      };

      // deno-lint-ignore no-explicit-any
      const emit = (ctx: ClipContext<any>) => {
        const { stage, plan, tracks } = run!;
        run!.emitted = true;
        const radii = plan.subjects.map((s) => radius(stage, s));
        const window = motionWindow(tracks, radii, ctx.fps);
        if (!window) throw new RedrawClip(`${spec.name}: the simulated action moved nothing`);
        const motion = new Motion(stage, tracks, ...window);
        const measured = plan.verify?.(motion) ?? {};
        const args: Record<string, unknown> = {
          ...plan.args,
          ...measured,
          displacement: motion.displacement().map((x) => round(x)),
          hands: plan.hands.map((h) => h.id),
        };
        ctx.emit({
          verb: spec.name,
          subjects: plan.subjects.map((s) => s.id),
          start: motion.start,
          end: motion.end,
          template: spec.template,
          label: fillTemplate(spec.template, plan.subjects),
          args,
        });
      };

      return {
        async setup(ctx) {
          await initPhysics();
          await preloadLibraryProps(ctx.rawOptions.library_props);
        },
        clipStart(ctx) {
          const stage = makeStage(ctx, spec.seconds);
          const plan = spec.plan(stage, ctx.options);
          run = { stage, plan, tracks: plan.subjects.map(() => []), emitted: false };
          // which things the clip is about: a library model's category and asset key
          ctx.record(
            "subjects",
            plan.subjects.map((s) => ({
              id: s.id,
              class: s.cls,
              ...(s.attributes.category
                ? { category: s.attributes.category, asset: s.attributes.asset }
                : {}),
            })),
          );
          announceActors(ctx, plan.subjects.map((o) => o.id), plan.hands.map((o) => o.id));
        },
        frame(ctx) {
          advance(ctx, ctx.frame);
          if (ctx.frame === ctx.frames - 1 && !run!.emitted) emit(ctx);
        },
        clipEnd(ctx) {
          if (run && !run.emitted) {
            for (let f = run.tracks[0].length; f < ctx.frames; f++) advance(ctx, f);
            emit(ctx);
          }
          finishPhysics(ctx);
          run = undefined;
        },
      };
    },
  };
}

export { round };
