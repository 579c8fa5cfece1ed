/**
 * audio/impacts: the sounds objects make when they hit, slide and roll, made
 * from the physics contact events by modal synthesis.
 *
 * Contacts come from the physics plugin, as `ctx.shared.get("physics").contacts`
 * (or any plugin's `record("contacts", …)`): `{ frame, bodies: [idA, idB],
 * position, impulse }`, ids being instance ids. A contact between a pair that
 * was not touching on the previous frame is an impact; a pair touching on
 * consecutive frames while one of them moves is sliding or rolling. Each moving
 * object gets its own stems: `<key>_<object>` (impacts), plus `_scrape` and
 * `_roll` when it slides or rolls. A resting partner (the floor, a table)
 * rings in the moving object's stem, since that is where the contact is.
 */
import {
  type AcousticMaterial,
  acousticMaterial,
  addFriction,
  addImpact,
  type Mode,
  objectModes,
} from "../../engine/audio/modal.ts";
import { meshBounds } from "../../engine/mesh.ts";
import { definePlugin } from "../../engine/plugin.ts";
import type { AudioSource, ClipContext } from "../../engine/plugin.ts";
import { Rng } from "../../engine/rng.ts";
import type { Quat, Scene, Vec3 } from "../../engine/scene.ts";

/** One contact as the physics engine reports it. */
export interface Contact {
  frame: number;
  bodies: [number, number];
  position: Vec3;
  impulse: number;
}

const SAMPLE_RATE = 48000;
/** Below this movement over the clip (m) an object counts as resting. */
const STILL = 1e-3;

/** Contacts from the shared physics state, else from any plugin's records. */
export function findContacts(ctx: ClipContext<Options>): Contact[] {
  const physics = ctx.shared.get("physics") as { contacts?: Contact[] } | undefined;
  if (physics && Array.isArray(physics.contacts)) return physics.contacts;
  for (const record of Object.values(ctx.records)) {
    if (Array.isArray(record.contacts)) return record.contacts as Contact[];
  }
  return [];
}

/** Largest extent (m) of an object's mesh at its scale. */
function objectSize(scene: Scene, id: number): number {
  const object = scene.find(id);
  if (!object) return 1;
  let extent = 0;
  for (const part of scene.meshes.get(object.mesh) ?? []) {
    const { min, max } = meshBounds(part.mesh);
    // Part matrices in assets are mostly placements; their scale is the diagonal's size.
    const m = part.matrix;
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

/** Rotation angle (rad) between two unit quaternions. */
function angleBetween(a: Quat, b: Quat): number {
  const dot = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, dot));
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
    let rotations = new Map<number, Quat[]>();
    let objectSeed = 0;
    return {
      clipStart(ctx) {
        positions = new Map();
        rotations = new Map();
        // Each object's sound derives from this and its id only, so it is the same at every
        // hit and does not change when other objects come and go.
        objectSeed = Math.floor(ctx.rng.next() * 2 ** 32);
      },
      frame(ctx) {
        for (const object of ctx.scene.objects) {
          if (!positions.has(object.id)) {
            positions.set(object.id, []);
            rotations.set(object.id, []);
          }
          positions.get(object.id)![ctx.frame] = [...object.position];
          rotations.get(object.id)![ctx.frame] = [...object.rotation];
        }
      },
      clipEnd(ctx) {
        const contacts = findContacts(ctx)
          .filter((c) => c.frame >= 0 && c.frame < ctx.frames)
          .sort((a, b) =>
            a.frame - b.frame || a.bodies[0] - b.bodies[0] || a.bodies[1] - b.bodies[1]
          );
        const moves = (id: number) => {
          const path = (positions.get(id) ?? []).filter(Boolean);
          return path.some((p) =>
            Math.hypot(p[0] - path[0][0], p[1] - path[0][1], p[2] - path[0][2]) > STILL
          );
        };
        const sounding = new Map<number, Sounding>();
        const soundOf = (id: number): Sounding => {
          let s = sounding.get(id);
          if (!s) {
            const object = ctx.scene.find(id);
            const material = acousticMaterial(
              object ? object.material.preset : ctx.options.ground_material,
            );
            const size = object ? objectSize(ctx.scene, id) : 10;
            const modes = objectModes(material, size, new Rng(`${objectSeed}/object/${id}`));
            s = { id, name: object?.name ?? `body${id}`, material, modes, size };
            sounding.set(id, s);
          }
          return s;
        };

        // Impacts: a pair's first contact after a frame apart.
        const touching = new Map<string, number>(); // pair -> last frame in contact
        const inContact = new Map<number, Set<number>>(); // object -> frames with any contact
        const length = Math.round((ctx.frames / ctx.fps) * SAMPLE_RATE);
        const stems = new Map<number, { samples: Float32Array; onsets: number[] }>();
        const hits: Record<string, unknown>[] = [];
        const hitRng = ctx.rng.fork("hits");
        for (const contact of contacts) {
          const [a, b] = contact.bodies;
          const pair = a < b ? `${a}/${b}` : `${b}/${a}`;
          const last = touching.get(pair);
          touching.set(pair, contact.frame);
          for (const id of [a, b]) {
            if (!inContact.has(id)) inContact.set(id, new Set());
            inContact.get(id)!.add(contact.frame);
          }
          const isNew = last === undefined || contact.frame - last > 1;
          if (!isNew || !(contact.impulse >= ctx.options.min_impulse)) continue;
          // Who hears it where: moving bodies carry the sound; a resting one rings with its partner.
          const movingA = ctx.scene.find(a) !== undefined && moves(a);
          const movingB = ctx.scene.find(b) !== undefined && moves(b);
          const carriers: [number, number][] = []; // [stem owner, body whose modes ring]
          if (movingA && movingB) carriers.push([a, a], [b, b]);
          else if (movingA) carriers.push([a, a], [a, b]);
          else if (movingB) carriers.push([b, b], [b, a]);
          else carriers.push([a, a], [a, b]);
          const time = contact.frame / ctx.fps;
          const start = Math.round(time * SAMPLE_RATE);
          for (const [owner, ringing] of carriers) {
            if (!ctx.scene.find(owner)) continue;
            let stem = stems.get(owner);
            if (!stem) stems.set(owner, stem = { samples: new Float32Array(length), onsets: [] });
            if (ctx.planning) continue;
            const sound = soundOf(ringing);
            addImpact(
              stem.samples,
              start,
              sound.modes,
              sound.material,
              ctx.options.gain * contact.impulse,
              SAMPLE_RATE,
              hitRng,
            );
            if (stem.onsets[stem.onsets.length - 1] !== time) stem.onsets.push(time);
          }
          hits.push({
            frame: contact.frame,
            time,
            bodies: [a, b],
            impulse: contact.impulse,
            materials: [a, b].map((id) => ctx.scene.find(id)?.material.preset ?? null),
          });
        }
        ctx.record("impacts", hits);

        const key = safeName(ctx.key);
        const sources: AudioSource[] = [];
        for (const [id, stem] of [...stems].sort((x, y) => x[0] - y[0])) {
          const name = `${key}_${safeName(soundOf(id).name)}`;
          sources.push({
            name,
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
          for (const [id, frames] of [...inContact].sort((x, y) => x[0] - y[0])) {
            const object = ctx.scene.find(id);
            if (!object || !moves(id)) continue;
            const path = positions.get(id) ?? [];
            const turns = rotations.get(id) ?? [];
            const sound = soundOf(id);
            const radius = sound.size / 2;
            const scrape = new Array<number>(ctx.frames).fill(0);
            const roll = new Array<number>(ctx.frames).fill(0);
            for (let f = 1; f < ctx.frames; f++) {
              if (!frames.has(f) || !frames.has(f - 1) || !path[f] || !path[f - 1]) continue;
              const speed = Math.hypot(
                path[f][0] - path[f - 1][0],
                path[f][1] - path[f - 1][1],
                path[f][2] - path[f - 1][2],
              ) * ctx.fps;
              const spin = turns[f] && turns[f - 1]
                ? angleBetween(turns[f - 1], turns[f]) * ctx.fps
                : 0;
              // Rolling without slipping turns at v / r; count it as rolling from half that.
              if (spin * radius >= 0.5 * speed) roll[f] = speed;
              else scrape[f] = speed;
            }
            for (const [kind, speeds] of [["scrape", scrape], ["roll", roll]] as const) {
              if (speeds.every((s) => s < 1e-3)) continue;
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
              const onsets = speeds.flatMap((s, f) =>
                s >= 1e-3 && !(speeds[f - 1] >= 1e-3) ? [f / ctx.fps] : []
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
