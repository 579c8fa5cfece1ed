/**
 * audio/impacts: the sounds objects make when they hit, slide and roll, made
 * by modal synthesis from the physics of the clip.
 *
 * Impacts: every contact event of engine/physics/world.ts (`ctx.shared.get("physics")
 * .contacts`, or any plugin's `record("contacts", …)`): `{ frame, time?,
 * bodies: [idA, idB], position, impulse }`, one per new touch, ids being
 * instance ids. The sound starts at the contact's time (its substep), loudness
 * linear in the impulse, modes from each body's material preset and size.
 * Sliding and rolling: while the physics world is alive, each dynamic body's
 * touching state and velocities are read every frame; touching on consecutive
 * frames while moving is rolling when the spin matches the speed (ω·r ≈ v),
 * else scraping.
 *
 * Stems: each moving object gets `<key>_<object>` (its impacts), plus
 * `_scrape` and `_roll` when it slides or rolls. A resting partner (the floor,
 * a table) rings in the moving object's stem, since that is where the contact
 * is, and is heard from there.
 */
import {
  type AcousticMaterial,
  acousticMaterial,
  addFriction,
  addImpact,
  type Mode,
  objectModes,
} from "../../engine/audio/modal.ts";
import { posedBounds } from "../../engine/scene/skin.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import type { AudioSource, ClipContext } from "../../engine/plugin/contract.ts";
import type { PhysicsWorld } from "../../engine/physics/world.ts";
import { Rng } from "../../engine/scene/rng.ts";
import type { Scene, Vec3 } from "../../engine/scene/scene.ts";

/** One contact as the physics engine reports it (engine/physics/world.ts ContactEvent). */
export interface Contact {
  /** First frame at or after the touch. */
  frame: number;
  /** Seconds from the clip start when the bodies touched; `frame / fps` when absent. */
  time?: number;
  bodies: [number, number];
  position: Vec3;
  impulse: number;
  /**
   * What of the first body strikes, when it is not the whole body: a person's foot lands as
   * a rubber sole the size of a foot, not as a 1.7 m object. Absent: the body's own material
   * and size.
   */
  strike?: { material: string; size: number };
}

const SAMPLE_RATE = 48000;
/** What the physics world says about a body in one frame. */
interface BodyMotion {
  touching: boolean;
  /** Linear velocity (m/s) and its size; spin in rad/s. */
  velocity: Vec3;
  speed: number;
  spin: number;
  mass: number;
  gravity: Vec3;
}

/** A PhysicsWorld that can still be asked (not freed, past its settling). */
function isLiveWorld(world: Partial<PhysicsWorld> | undefined): world is PhysicsWorld {
  return typeof world?.get === "function" && !world.freed && (world.frame ?? -1) >= 0;
}

/** Touching state and velocities of every dynamic body at the frame the world shows. */
function readMotion(world: PhysicsWorld, scene: Scene): Map<number, BodyMotion> {
  const out = new Map<number, BodyMotion>();
  const g = world.world.gravity;
  for (const object of scene.objects) {
    const entry = world.get(object.id);
    const state = world.track(object.id)?.[world.frame];
    if (!entry || !state || !state.dynamic) continue;
    const [vx, vy, vz] = state.linear;
    out.set(object.id, {
      touching: state.touching,
      velocity: [vx, vy, vz],
      speed: Math.hypot(vx, vy, vz),
      spin: Math.hypot(...state.angular),
      mass: entry.mass,
      gravity: [g.x, g.y, g.z],
    });
  }
  return out;
}
/** Below this movement over the clip (m) an object counts as resting. */
const STILL = 1e-3;

/** Contacts from the shared physics state and from every plugin's records (footfalls, …). */
export function findContacts(ctx: ClipContext<Options>): Contact[] {
  const physics = ctx.shared.get("physics") as { contacts?: Contact[] } | undefined;
  const found = new Set<Contact>(
    physics && Array.isArray(physics.contacts) ? physics.contacts : [],
  );
  // finishPhysics records the world's own contacts too: the set keeps each contact once.
  for (const key of Object.keys(ctx.records).sort()) {
    const contacts = ctx.records[key].contacts;
    if (Array.isArray(contacts)) { for (const c of contacts as Contact[]) found.add(c); }
  }
  return [...found];
}

/** Largest extent (m) of an object's mesh at its scale. */
function objectSize(scene: Scene, id: number): number {
  const object = scene.find(id);
  if (!object) return 1;
  let extent = 0;
  for (const [k, part] of (scene.meshes.get(object.mesh) ?? []).entries()) {
    const { min, max } = posedBounds(part.mesh, object.skinMatrices);
    // Part matrices in assets are mostly placements; their scale is the diagonal's size.
    // An articulated object (a person) uses its current part placements.
    const m = object.partMatrices?.[k] ?? part.matrix;
    const s = m
      ? [Math.hypot(m[0], m[1], m[2]), Math.hypot(m[4], m[5], m[6]), Math.hypot(m[8], m[9], m[10])]
      : [1, 1, 1];
    for (let k = 0; k < 3; k++) {
      extent = Math.max(extent, (max[k] - min[k]) * s[k] * Math.abs(object.scale[k]));
    }
  }
  return extent > 0 ? extent : 1;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[^A-Za-z0-9]+/, "") || "object";
}

interface Sounding {
  id: number;
  name: string;
  material: AcousticMaterial;
  modes: Mode[];
  size: number;
}

const defaults = {
  /** Loudness scale for every sound this plugin makes. */
  gain: 1.0,
  /** Contacts with a smaller impulse (N·s) make no impact sound. */
  min_impulse: 0.002,
  /** Sliding and rolling sounds. */
  friction: true,
  /** Acoustic material of bodies that are not scene objects (a physics ground plane). */
  ground_material: "wood",
};
type Options = typeof defaults;

export const impacts = definePlugin<Options>({
  id: "audio/impacts",
  kind: "audio",
  description:
    "Impact, scrape and roll sounds from physics contacts (modal synthesis by material and size)",
  defaults,
  limits: {
    gain: { min: 0 },
    min_impulse: { min: 0 },
  },
  create() {
    let positions = new Map<number, Vec3[]>();
    let motion = new Map<number, BodyMotion[]>();
    let objectSeed = 0;
    return {
      clipStart(ctx) {
        positions = new Map();
        motion = new Map();
        // Each object's sound derives from this and its id only, so it is the same at every
        // hit and does not change when other objects come and go.
        objectSeed = Math.floor(ctx.rng.next() * 2 ** 32);
      },
      frame(ctx) {
        for (const object of ctx.scene.objects) {
          if (!positions.has(object.id)) positions.set(object.id, []);
          positions.get(object.id)![ctx.frame] = [...object.position];
        }
        // Read the world where it is (actions step it; stepping it here could run ahead of them).
        const world = ctx.shared.get("physics") as Partial<PhysicsWorld> | undefined;
        if (!isLiveWorld(world)) return;
        for (const [id, state] of readMotion(world, ctx.scene)) {
          if (!motion.has(id)) motion.set(id, []);
          motion.get(id)![world.frame] = state;
        }
      },
      clipEnd(ctx) {
        const duration = ctx.frames / ctx.fps;
        const timeOf = (c: Contact) => Number.isFinite(c.time) ? c.time! : c.frame / ctx.fps;
        const contacts = findContacts(ctx)
          .filter((c) => timeOf(c) >= 0 && timeOf(c) < duration)
          .sort((a, b) =>
            timeOf(a) - timeOf(b) || a.bodies[0] - b.bodies[0] || a.bodies[1] - b.bodies[1]
          );
        const moves = (id: number) => {
          const path = (positions.get(id) ?? []).filter(Boolean);
          return path.some((p) =>
            Math.hypot(p[0] - path[0][0], p[1] - path[0][1], p[2] - path[0][2]) > STILL
          );
        };
        /** |m Δv - m g Δt| over the frame that ends at `frame` (N·s); 0 when unknown. */
        const momentumChange = (id: number, frame: number): number => {
          const now = motion.get(id)?.[frame], before = motion.get(id)?.[frame - 1];
          if (!now || !before) return 0;
          const dv = now.velocity.map((v, k) => v - before.velocity[k] - now.gravity[k] / ctx.fps);
          return now.mass * Math.hypot(dv[0], dv[1], dv[2]);
        };
        const sounding = new Map<string, Sounding>();
        const soundOf = (id: number, strike?: Contact["strike"]): Sounding => {
          const key = strike ? `${id}/${strike.material}/${strike.size}` : `${id}`;
          let s = sounding.get(key);
          if (!s) {
            const object = ctx.scene.find(id);
            const material = acousticMaterial(
              strike?.material ?? (object ? object.material.preset : ctx.options.ground_material),
            );
            const size = strike?.size ?? (object ? objectSize(ctx.scene, id) : 10);
            const seed = strike ? `${objectSeed}/object/${key}` : `${objectSeed}/object/${id}`;
            const modes = objectModes(material, size, new Rng(seed));
            s = { id, name: object?.name ?? `body${id}`, material, modes, size };
            sounding.set(key, s);
          }
          return s;
        };

        const length = Math.round(duration * SAMPLE_RATE);
        const stems = new Map<number, { samples: Float32Array; onsets: number[] }>();
        const hits: Record<string, unknown>[] = [];
        const hitRng = ctx.rng.fork("hits");
        for (const contact of contacts) {
          // Contacts that continuous collision detection resolves can report no impulse; the
          // bodies' change of momentum over the frame still says how hard they hit.
          const impulse = contact.impulse >= ctx.options.min_impulse
            ? contact.impulse
            : Math.max(0, ...contact.bodies.map((id) => momentumChange(id, contact.frame)));
          if (!(impulse >= ctx.options.min_impulse)) continue;
          const [a, b] = contact.bodies;
          // Who carries the sound: moving bodies; a resting one rings in its partner's stem.
          const movingA = ctx.scene.find(a) !== undefined && moves(a);
          const movingB = ctx.scene.find(b) !== undefined && moves(b);
          const carriers: [number, number][] = []; // [stem owner, body whose modes ring]
          if (movingA && movingB) carriers.push([a, a], [b, b]);
          else if (movingB) carriers.push([b, b], [b, a]);
          else carriers.push([a, a], [a, b]);
          const time = timeOf(contact);
          const start = Math.round(time * SAMPLE_RATE);
          for (const [owner, ringing] of carriers) {
            if (!ctx.scene.find(owner)) continue;
            let stem = stems.get(owner);
            if (!stem) stems.set(owner, stem = { samples: new Float32Array(length), onsets: [] });
            if (ctx.planning) continue;
            const sound = soundOf(ringing, ringing === a ? contact.strike : undefined);
            addImpact(
              stem.samples,
              start,
              sound.modes,
              sound.material,
              ctx.options.gain * impulse,
              SAMPLE_RATE,
              hitRng,
            );
            if (stem.onsets[stem.onsets.length - 1] !== time) stem.onsets.push(time);
          }
          hits.push({
            frame: contact.frame,
            time: Math.round(time * 1e6) / 1e6,
            bodies: [a, b],
            impulse,
            ...(impulse !== contact.impulse ? { reported_impulse: contact.impulse } : {}),
            materials: [contact.strike?.material ?? ctx.scene.find(a)?.material.preset ?? null]
              .concat(ctx.scene.find(b)?.material.preset ?? null),
          });
        }
        ctx.record("impacts", hits);

        const key = safeName(ctx.key);
        const sources: AudioSource[] = [];
        for (const [id, stem] of [...stems].sort((x, y) => x[0] - y[0])) {
          sources.push({
            name: `${key}_${safeName(soundOf(id).name)}`,
            instance: id,
            kind: "impact",
            sampleRate: SAMPLE_RATE,
            samples: stem.samples,
            onsets: stem.onsets,
          });
        }

        // Sliding and rolling: touching on consecutive frames while moving.
        if (ctx.options.friction && !ctx.planning) {
          const frictionRng = ctx.rng.fork("friction");
          for (const [id, states] of [...motion].sort((x, y) => x[0] - y[0])) {
            const object = ctx.scene.find(id);
            if (!object) continue;
            const sound = soundOf(id);
            const radius = sound.size / 2;
            const scrape = new Array<number>(ctx.frames).fill(0);
            const roll = new Array<number>(ctx.frames).fill(0);
            for (let f = 1; f < ctx.frames; f++) {
              const now = states[f], before = states[f - 1];
              if (!now?.touching || !before?.touching || now.speed < 0.01) continue;
              // Rolling without slipping turns at v / r; count it as rolling from half that.
              if (now.spin * radius >= 0.5 * now.speed) roll[f] = now.speed;
              else scrape[f] = now.speed;
            }
            for (const [kind, speeds] of [["scrape", scrape], ["roll", roll]] as const) {
              if (speeds.every((s) => s === 0)) continue;
              const samples = new Float32Array(length);
              addFriction(
                samples,
                kind,
                speeds,
                ctx.fps,
                sound.modes,
                sound.material,
                ctx.options.gain,
                radius,
                SAMPLE_RATE,
                frictionRng,
              );
              // Loudness ramps up from the last silent frame, so that is where the sound starts.
              const onsets = speeds.flatMap((s, f) =>
                s > 0 && !(speeds[f - 1] > 0) ? [Math.max(0, f - 1) / ctx.fps] : []
              );
              sources.push({
                name: `${key}_${safeName(object.name)}_${kind}`,
                instance: id,
                kind,
                sampleRate: SAMPLE_RATE,
                samples,
                onsets,
              });
            }
          }
        }
        if (!ctx.planning) { for (const source of sources) ctx.addAudio(source); }
      },
    };
  },
});
