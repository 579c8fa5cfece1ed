/**
 * The caption checker: a plugin that records, independently of the captioners,
 * what labels.json holds for a clip (object poses and materials per frame, the
 * camera trajectory, the lights, the background and environment), and
 * `disagreements`, which reads a caption's words and checks every colour,
 * material, pattern, motion, action, camera, light, room, sky and clutter word
 * against that truth. Thresholds here are looser than the captioners' own
 * (a word must be clearly right, not exactly on the captioner's threshold).
 */
import { HDRI_PLACES } from "../engine/scene/hdri_library.ts";
import { horizontalShare } from "../engine/caption/observer.ts";
import { COLOR_NAMES, materialColorName, nameSrgbColor } from "../engine/caption/color_names.ts";
import { PALETTES } from "../engine/scene/palette.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { renderSettings } from "../engine/scene/render_settings.ts";
import type { ClipResult } from "../engine/run/dataset_run.ts";
import type { Quat, Vec3 } from "../engine/scene/scene.ts";
import { objectBounds } from "../plugins/randomizer/bounds.ts";

export interface TruthObject {
  id: number;
  cls: string;
  mesh: string;
  colorName?: string;
  color: Vec3;
  texture?: string;
  preset?: string;
  metalness: number;
  attributes: Record<string, unknown>;
  first: Vec3;
  last: Vec3;
  /** Centre of the world bounds on the first and last frame. */
  firstCenter: Vec3;
  lastCenter: Vec3;
  /** World bounds on the first frame. */
  firstBounds: { min: Vec3; max: Vec3 };
  /** Share of the image height the object's bounds span on frame 0. */
  screenHeight: number;
  turned: number;
  /** The part of `turned` about horizontal axes: only that is rolling. */
  rolled: number;
  frames: number;
}

export interface TruthCamera {
  position: Vec3;
  rotation: Quat;
  focal: number;
  lastPosition: Vec3;
  lastRotation: Quat;
  lastFocal: number;
}

export interface TruthLight {
  type: string;
  temperature?: number;
  color: Vec3;
  intensity: number;
  direction: Vec3;
  position: Vec3;
  castShadow: boolean;
}

export interface Truth {
  objects: TruthObject[];
  cameraMoved: boolean;
  camera: TruthCamera;
  seconds: number;
  lights: TruthLight[];
  background: number[];
  /** Environment name ("sky:sunset") when it fills the background. */
  environment?: string;
}

const angleBetween = (a: Quat, b: Quat) =>
  (2 * Math.acos(Math.min(
    1,
    Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]) /
      (Math.hypot(...a) * Math.hypot(...b) || 1),
  )) * 180) / Math.PI;

export function rotate(q: Quat, v: Vec3): Vec3 {
  // v' = q v q*, written out.
  const [x, y, z, w] = q;
  const ix = w * v[0] + y * v[2] - z * v[1];
  const iy = w * v[1] + z * v[0] - x * v[2];
  const iz = w * v[2] + x * v[1] - y * v[0];
  const iw = -x * v[0] - y * v[1] - z * v[2];
  return [
    ix * w + iw * -x + iy * -z - iz * -y,
    iy * w + iw * -y + iz * -x - ix * -z,
    iz * w + iw * -z + ix * -y - iy * -x,
  ];
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const len = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const center = (b: { min: Vec3; max: Vec3 }): Vec3 => [
  (b.min[0] + b.max[0]) / 2,
  (b.min[1] + b.max[1]) / 2,
  (b.min[2] + b.max[2]) / 2,
];

/** Records what labels.json would hold (poses per frame, materials, camera, lights), independently. */
export const truthPlugin = definePlugin({
  id: "captioner/test_truth",
  kind: "captioner",
  description: "test: ground truth for caption checks",
  defaults: {},
  create() {
    const objects = new Map<number, TruthObject & { rotation: Quat }>();
    let camera: TruthCamera | undefined;
    let moved = false;
    return {
      clipStart() {
        objects.clear();
        camera = undefined;
        moved = false;
      },
      frame(ctx) {
        if (ctx.frame >= ctx.frames) return;
        const c = ctx.scene.camera;
        const focal = c.focal ?? (ctx.height / 2) / Math.tan((c.fovY * Math.PI) / 360);
        if (!camera) {
          camera = {
            position: [...c.position],
            rotation: [...c.rotation],
            focal,
            lastPosition: [...c.position],
            lastRotation: [...c.rotation],
            lastFocal: focal,
          };
        } else {
          if (
            angleBetween(camera.rotation, c.rotation) > 1e-3 ||
            c.position.some((v, i) => Math.abs(v - camera!.position[i]) > 1e-5) ||
            Math.abs(focal - camera.focal) > 1e-6
          ) moved = true;
          camera.lastPosition = [...c.position];
          camera.lastRotation = [...c.rotation];
          camera.lastFocal = focal;
        }
        for (const o of ctx.scene.objects) {
          const t = objects.get(o.id);
          const middle = center(objectBounds(ctx.scene, o));
          if (!t) {
            // Projected height of the bounds' corners on this (first) frame.
            const b = objectBounds(ctx.scene, o);
            const up = rotate(c.rotation, [0, 1, 0]);
            const fwd = rotate(c.rotation, [0, 0, -1]);
            const ys: number[] = [];
            for (let i = 0; i < 8; i++) {
              const p: Vec3 = [
                i & 1 ? b.max[0] : b.min[0],
                i & 2 ? b.max[1] : b.min[1],
                i & 4 ? b.max[2] : b.min[2],
              ];
              const d = sub(p, c.position);
              ys.push((focal * dot(d, up)) / Math.max(1e-3, dot(d, fwd)));
            }
            objects.set(o.id, {
              id: o.id,
              cls: o.cls,
              mesh: o.mesh,
              color: o.material.color,
              colorName: o.material.colorName,
              texture: o.material.texture,
              preset: o.material.preset,
              metalness: o.material.metalness,
              attributes: o.attributes,
              first: [...o.position],
              last: [...o.position],
              firstCenter: middle,
              lastCenter: middle,
              firstBounds: b,
              screenHeight: (Math.max(...ys) - Math.min(...ys)) / ctx.height,
              turned: 0,
              rolled: 0,
              frames: 1,
              rotation: [...o.rotation],
            });
          } else {
            const step = angleBetween(t.rotation, o.rotation);
            t.turned += step;
            t.rolled += step * horizontalShare(t.rotation, o.rotation);
            t.rotation = [...o.rotation];
            t.last = [...o.position];
            t.lastCenter = middle;
            t.frames++;
            Object.assign(t, {
              color: o.material.color,
              colorName: o.material.colorName,
              texture: o.material.texture,
              preset: o.material.preset,
              metalness: o.material.metalness,
            });
          }
        }
      },
      clipEnd(ctx) {
        const environment = renderSettings(ctx.scene).environment;
        const truth: Truth = {
          objects: [...objects.values()],
          cameraMoved: moved,
          camera: camera!,
          seconds: (ctx.frames - 1) / ctx.fps,
          lights: ctx.scene.lights.map((l) => ({
            ...l,
            temperature: (l as { temperature?: number }).temperature,
          })),
          background: [...ctx.scene.background],
          environment: environment?.background ? environment.name : undefined,
        };
        ctx.record("truth", truth);
      },
    };
  },
});

// ------------------------------------------------------------- vocabulary

const MATERIAL_OF: Record<string, string> = {
  wooden: "wood",
  metal: "metal",
  plastic: "plastic",
  rubber: "rubber",
  glass: "glass",
  ceramic: "ceramic",
  cardboard: "cardboard",
  stone: "stone",
  fabric: "fabric",
  leather: "leather",
  paper: "paper",
  concrete: "concrete",
};
const PATTERN_OF: Record<string, string> = {
  mottled: "noise",
  checkered: "checker",
  striped: "stripes",
  marbled: "marble",
  "wood-grain": "wood",
  dotted: "dots",
};
/** A garment's colour name in a clothing map: a name, or a material with a colour. */
function wornColor(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (!v || typeof v !== "object") return undefined;
  const m = v as { colorName?: string; color?: Vec3 };
  return m.colorName ?? (m.color ? materialColorName({ color: m.color }) : undefined);
}

/** Garments people wear (engine/human/appearance.ts), longest first. */
const GARMENTS = [
  "long-sleeved shirt",
  "t-shirt",
  "tank top",
  "jacket",
  "trousers",
  "jeans",
  "shorts",
  "skirt",
  "dress",
];
const SURFACES = [
  "floor",
  "ground",
  "wall",
  "walls",
  "table",
  "ceiling",
  "room",
  "kitchen",
  "living room",
  "backdrop",
];
const NUMBERS = [
  "no",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
]; // deno-fmt-ignore

/** Every colour name a caption may use: the namer's, every palette's, and the test palette's. */
const ALL_COLORS = [
  ...new Set([
    ...COLOR_NAMES,
    ...Object.values(PALETTES).flatMap((p) => Object.keys(p)),
    "crimson",
    "teal",
    "sand",
  ]),
].sort((a, b) => b.length - a.length);
const colorAlt = ALL_COLORS.map((c) => c.replace(/ /g, "\\s")).join("|");
const materialAlt = [...Object.keys(MATERIAL_OF), "metallic"].join("|");

const hexToSrgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const near = (a: readonly number[], b: readonly number[]) =>
  a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) < 0.01);

/** True when `name` fits an sRGB colour: its nearest name, or a palette entry of that colour. */
function namesSrgb(name: string, srgb: readonly number[]): boolean {
  if (nameSrgbColor(srgb) === name) return true;
  return Object.values(PALETTES).some((p) => {
    const hex = (p as Record<string, string>)[name];
    return hex !== undefined && near(hexToSrgb(hex), srgb);
  });
}

// ------------------------------------------------------------- the checker

// ------------------------------------------------------------- visibility

/** The rule of docs/captions.md: ≥ 0.5 % of the frame's pixels on ≥ 6 frames (all, if fewer). */
const SEEN_SHARE = 0.005;
const SEEN_FRAMES = 6;

/** What the checker reads of labels.json to tell which objects were seen. */
export interface VisibilityLabels {
  size: [number, number];
  objects: { id: number; frames: { pixels: number }[] }[];
}

/**
 * Ids of the objects labels.json shows as seen: visible pixels ≥ SEEN_SHARE of the frame on at
 * least SEEN_FRAMES frames (every frame of a shorter clip).
 */
export function seenInLabels(labels: VisibilityLabels): Set<number> {
  const [w, h] = labels.size;
  const seen = new Set<number>();
  for (const o of labels.objects) {
    const need = Math.max(1, Math.min(SEEN_FRAMES, o.frames.length));
    const frames = o.frames.filter((f) => f.pixels >= SEEN_SHARE * w * h).length;
    if (frames >= need) seen.add(o.id);
  }
  return seen;
}

/**
 * Problems with one caption against the ground truth, events and records; [] when it agrees.
 * With `seen` (ids from seenInLabels, for rendered clips), every object word must name an object
 * that was seen: colours, materials, patterns, motions, camera subjects and the clutter count are
 * read against the seen objects only, and a noun of an unseen object is a problem unless a seen
 * object has it too. Light words are read against the whole scene (they name no object).
 */
export function disagreements(
  text: string,
  clip: ClipResult,
  scene: Truth,
  seen?: ReadonlySet<number>,
): string[] {
  const problems: string[] = [];
  const t = text.toLowerCase();
  const truth: Truth = seen
    ? { ...scene, objects: scene.objects.filter((o) => seen.has(o.id)) }
    : scene;
  const colorOf = (o: TruthObject) =>
    materialColorName({ color: o.color, colorName: o.colorName, texture: o.texture });
  const figureOf = (o: TruthObject) =>
    o.attributes.figure === "man" || o.attributes.figure === "woman"
      ? o.attributes.figure as string
      : undefined;
  const nounOf = (o: TruthObject) =>
    o.cls === "clutter"
      ? o.mesh
      : o.cls === "human" || o.cls === "character"
      ? "person"
      : figureOf(o) ?? o.cls.replace(/_/g, " ");
  const nounFits = (o: TruthObject, word: string) =>
    word === nounOf(o) || word === `${nounOf(o)}s` || (word === "person" && o.cls === "person");
  // A plain `camera` record counts only when no camera randomizer (which sets the camera later) ran.
  const rig = Object.values(clip.records).some((r) =>
    typeof (r.randomization as { movement?: unknown } | undefined)?.movement === "string"
  );
  const cameraRecord = rig ? undefined : Object.values(clip.records).map((r) => r.camera).find((
    c,
  ) => c) as { move: string; direction?: string; speed?: string } | undefined;
  const cam = truth.camera;
  const right = rotate(cam.rotation, [1, 0, 0]);
  const up = rotate(cam.rotation, [0, 1, 0]);
  const fwd = rotate(cam.rotation, [0, 0, -1]);
  // Room words describe the surroundings (a randomizer's room may be its record): whole scene.
  const walls = scene.objects.filter((o) => o.cls === "wall" || o.cls === "walls");

  // 0. Room and setting words: walls, floor, sky, background, clutter count.
  const room =
    /\b(?:in|inside) a (room|kitchen|living room)\b(?: with ([a-z ,]+?) walls| with an? ([a-z ]+?) back wall)?(?: and an? ([a-z ]+?) floor)?\b[,.]/
      .exec(t);
  if (room) {
    if (walls.length < 2) problems.push("a room is named but the scene has no walls");
    // a kitchen or living room is one that randomizer/room_set furnished as one
    const [, kind, wallWords = "", backWall, floorWord] = room;
    const set = kind === "room" ? undefined : kind.replace(" ", "_");
    if (set && !scene.objects.some((o) => o.attributes?.room_set === set)) {
      problems.push(`"${kind}" but no ${set} furniture`);
    }
    if (wallWords === "multicoloured") {
      if (new Set(walls.map(colorOf)).size < 3) problems.push("walls called multicoloured");
    } else if (wallWords) {
      for (const c of wallWords.split(/, | and /)) {
        if (!walls.some((w) => colorOf(w) === c)) problems.push(`no ${c} wall`);
      }
    }
    if (backWall) {
      const ahead = wallAhead(scene, walls);
      if (!ahead || colorOf(ahead) !== backWall) {
        problems.push(
          `${backWall} back wall, but the camera faces ${ahead ? colorOf(ahead) : "none"}`,
        );
      }
    }
    if (floorWord && !scene.objects.some((o) => o.cls === "floor" && colorOf(o) === floorWord)) {
      problems.push(`no ${floorWord} floor`);
    }
  }
  const SKIES: Record<string, string> = {
    "under a clear sky": "sky:clear",
    "at sunset": "sky:sunset",
    "under an overcast sky": "sky:overcast",
    "at dusk": "sky:dusk",
    "in a studio": "sky:studio",
  };
  for (const [name, phrase] of Object.entries(HDRI_PLACES)) SKIES[phrase] = `hdri:${name}`;
  for (const [phrase, name] of Object.entries(SKIES)) {
    if (t.includes(phrase) && truth.environment !== name) {
      problems.push(`"${phrase}" but the environment is ${truth.environment ?? "none"}`);
    }
  }
  const bgm = new RegExp(`(?:against an?|in front of a plain) (${colorAlt}) background`).exec(t);
  if (bgm) {
    if (truth.environment) problems.push("a background colour is named over an environment");
    if (!namesSrgb(bgm[1], truth.background)) {
      problems.push(`background called ${bgm[1]}, is ${nameSrgbColor(truth.background)}`);
    }
  }
  const more = /\b([a-z]+) more objects? lies?\b/.exec(t);
  const clutter = truth.objects.filter((o) => o.cls === "clutter").length;
  if (more && NUMBERS.indexOf(more[1]) !== clutter) {
    problems.push(`"${more[0]}" but there are ${clutter} distractors`);
  }

  // 1. Colours, patterns and materials: each must qualify an object (or clothing) that has it.
  const candidates = (color: string | undefined, material: string | undefined, nounWords: string) =>
    truth.objects.filter((o) =>
      nounFits(o, nounWords) &&
      (color === undefined || colorOf(o) === color) &&
      (material === undefined || (material === "metallic"
        ? !o.preset && o.metalness > 0.5
        : o.preset === MATERIAL_OF[material] && !SURFACES.includes(o.cls)))
    );
  const np = new RegExp(`\\b(?:(${colorAlt}) )?(?:(${materialAlt}) )?([a-z]+(?: [a-z]+)?)`, "g");
  const settingSpans = [room, bgm].filter((m) => m).map((m) => [m!.index, m!.index + m![0].length]);
  for (const m of t.matchAll(new RegExp(`\\b(${colorAlt}|${materialAlt})\\b`, "g"))) {
    const from = m.index!;
    if (settingSpans.some(([a, b]) => from >= a && from < b)) continue; // checked above
    np.lastIndex = from;
    const hit = np.exec(t)!;
    const [, color, material, rest] = hit;
    const head = rest.split(" ");
    // A person's garment ("red t-shirt", "blue long-sleeved shirt"): the wearer's clothing says it.
    const worn = color && !material
      ? GARMENTS.find((g) => t.startsWith(g, hit.index + color.length + 1))
      : undefined;
    if (worn) {
      const named = truth.objects.some((o) =>
        wornColor((o.attributes.clothing as Record<string, unknown> | undefined)?.[worn]) === color
      );
      if (!named) problems.push(`${worn} called ${color}, nobody wears one`);
      continue;
    }
    if (color && !material && /^(shirt|trousers)$/.test(head[0])) {
      const named = truth.objects.some((o) => {
        const clothing = o.attributes.clothing as Record<string, unknown> | undefined;
        return wornColor(clothing?.[head[0]] ?? o.attributes[head[0]]) === color;
      });
      if (!named) problems.push(`${head[0]} called ${color}, nobody wears one`);
      continue;
    }
    // a material word may start the noun itself ("a blue plastic cup": class "plastic cup")
    const ok = candidates(color, material, rest).length > 0 ||
      candidates(color, material, head[0]).length > 0 ||
      (material !== undefined &&
        [`${material} ${rest}`, `${material} ${head[0]}`].some((noun) =>
          candidates(color, undefined, noun).length > 0
        ));
    if (!ok) problems.push(`"${hit[0]}" matches no object`);
  }
  for (
    const m of t.matchAll(/\b(mottled|checkered|striped|marbled|wood-grain|dotted) ([a-z ]+)/g)
  ) {
    const words = m[2].split(" ");
    // Nouns of one to three words ("ball", "music box").
    const nouns = words.flatMap((_, i) => [1, 2, 3].map((n) => words.slice(i, i + n).join(" ")));
    const fits = truth.objects.some((o) =>
      (nouns.some((w) => nounFits(o, w)) && o.texture?.includes(`/${PATTERN_OF[m[1]]}/`)) ||
      // a person's patterned top or dress ("a man in a striped red t-shirt")
      (o.attributes.top_pattern === m[1] &&
        m[2].includes(o.attributes.bottom === "dress" ? "dress" : String(o.attributes.top)))
    );
    if (!fits) problems.push(`"${m[0]}": no object has that pattern`);
  }
  for (const m of t.matchAll(/\ban? (man|woman)\b/g)) {
    if (!truth.objects.some((o) => figureOf(o) === m[1])) problems.push(`no ${m[1]} in the scene`);
  }

  // 2. Motions and their directions and speeds, for measured motion clauses.
  const adjectiveAlt = `${colorAlt}|${materialAlt}|${Object.keys(PATTERN_OF).join("|")}`;
  const clause = new RegExp(
    `\\b(?:a|an) ((?:(?:${adjectiveAlt}) )*)([a-z]+) (rolls|moves|travels|spins|turns|rotates)( slowly| quickly)?( in place| from left to right| from right to left| toward the camera| away from the camera| upward| downward)?`,
    "g",
  );
  for (const m of t.matchAll(clause)) {
    const [, , nounWord, verb, speed, where] = m;
    // People's and hands' clauses are actions ("a man turns around"), checked in 3.
    // A garment's clause is its wearer's ("a woman in a purple jacket spins").
    const garment = GARMENTS.some((g) => g.split(" ").at(-1) === nounWord);
    if (garment || ["hand", "man", "woman", "boy", "girl", "person"].includes(nounWord)) {
      continue;
    }
    const objs = truth.objects.filter((o) => nounOf(o) === nounWord);
    if (objs.length === 0) {
      problems.push(`motion clause "${m[0]}" names no object`);
      continue;
    }
    const fits = objs.some((o) => {
      const d: Vec3 = sub(o.last, o.first);
      const travel = len(d);
      const r = d[0] * right[0] + d[2] * right[2];
      const f = d[0] * fwd[0] + d[2] * fwd[2];
      const big = Math.max(Math.abs(r), Math.abs(f), Math.abs(d[1]));
      if (
        (verb === "spins" || verb === "turns" || verb === "rotates") &&
        !(o.turned >= 20 && travel < 0.2)
      ) return false;
      if (verb === "rolls" && !(travel >= 0.2 && o.rolled >= 20)) return false;
      if ((verb === "moves" || verb === "travels") && travel < 0.2) return false;
      const v = travel / (Math.max(1, o.frames - 1) / 24);
      if (speed === " slowly" && v > 0.45) return false;
      if (speed === " quickly" && v < 1) return false;
      switch (where) {
        case " from left to right":
          return r > 0 && r >= 0.5 * big;
        case " from right to left":
          return r < 0 && -r >= 0.5 * big;
        case " toward the camera":
          return f < 0 && -f >= 0.5 * big;
        case " away from the camera":
          return f > 0 && f >= 0.5 * big;
        case " upward":
          return d[1] > 0 && d[1] >= 0.5 * big;
        case " downward":
          return d[1] < 0 && -d[1] >= 0.5 * big;
      }
      return true;
    });
    if (!fits) problems.push(`"${m[0]}" disagrees with the measured motion`);
  }
  for (const m of t.matchAll(/(?<!camera) (stays?) (still|motionless)/g)) {
    const before = t.slice(0, m.index);
    const still = truth.objects.filter((o) => before.includes(nounOf(o)));
    if (still.some((o) => len(sub(o.last, o.first)) >= 0.25 || o.turned >= 30)) {
      problems.push(`"${m[0]}" but something named before it moved`);
    }
  }

  // 3. Actions: templates (with their direction words) and named human motions come from events.
  for (const m of t.matchAll(/(push(?:es|ing)) .*? (from left to right|from right to left)/g)) {
    if (!clip.events.some((e) => e.template?.toLowerCase().endsWith(m[2]))) {
      problems.push(`"${m[0]}" has no matching event`);
    }
  }
  for (const m of t.matchAll(/(?:performs|does) an? ([a-z]+)/g)) {
    const named = clip.events.some((e) =>
      e.args?.motion === m[1] || e.template?.toLowerCase().includes(m[1])
    );
    if (!named) problems.push(`named motion "${m[1]}" has no event`);
  }
  for (const m of t.matchAll(/carrying an? ([a-z ]+?)(?=[.,]| in | inside | against )/g)) {
    if (!clip.events.some((e) => typeof e.args?.prop_id === "number")) {
      problems.push(`"${m[0]}" but nobody carries anything`);
    }
  }

  // 4. Camera words agree with the camera's trajectory (and a plain camera record's words).
  problems.push(...cameraDisagreements(t, truth, cameraRecord, { right, up, fwd }, nounOf));

  // 5. Light words agree with the key light. Colour names with light words in them are masked.
  const plain = t.replace(new RegExp(`\\b(${colorAlt})\\b`, "g"), "hue");
  problems.push(...lightDisagreements(plain, scene, { right, fwd }));

  // 6. Nouns of unseen objects (a caption may say "a ball" only if a seen object is a ball).
  if (seen) {
    for (const o of scene.objects) {
      if (seen.has(o.id) || ["wall", "walls", "room"].includes(o.cls)) continue;
      const word = nounOf(o);
      if (!new RegExp(`\\b${word}s?\\b`).test(t)) continue;
      if (!truth.objects.some((s) => nounFits(s, word) || nounFits(s, `${word}s`))) {
        problems.push(`"${word}" names object ${o.id}, which is not seen`);
      }
    }
  }
  return problems;
}

/** The wall a level ray along the first frame's view hits first (slab test on world bounds). */
function wallAhead(truth: Truth, walls: TruthObject[]): TruthObject | undefined {
  const f = rotate(truth.camera.rotation, [0, 0, -1]);
  const n = Math.hypot(f[0], f[2]);
  const dir: Vec3 = [f[0] / n, 0, f[2] / n];
  const p = truth.camera.position;
  let best: { wall: TruthObject; t: number } | undefined;
  for (const wall of walls) {
    const { min, max } = wall.firstBounds;
    let near = -Infinity, far = Infinity;
    for (let k = 0; k < 3; k++) {
      if (dir[k] === 0) {
        if (p[k] < min[k] || p[k] > max[k]) near = Infinity;
        continue;
      }
      const a = (min[k] - p[k]) / dir[k], b = (max[k] - p[k]) / dir[k];
      near = Math.max(near, Math.min(a, b));
      far = Math.min(far, Math.max(a, b));
    }
    if (near <= far && far > 0 && (!best || near < best.t)) best = { wall, t: near };
  }
  return best?.wall;
}

/** Camera speed words, in the trajectory's terms: metres or degrees per second. */
const SLOW = { metres: 0.25, degrees: 6 };
const FAST = { metres: 0.5, degrees: 15 };

function cameraDisagreements(
  t: string,
  truth: Truth,
  record: { move: string; direction?: string; speed?: string } | undefined,
  basis: { right: Vec3; up: Vec3; fwd: Vec3 },
  nounOf: (o: TruthObject) => string,
): string[] {
  const problems: string[] = [];
  const cam = truth.camera;
  const { right, up, fwd } = basis;
  const moved = sub(cam.lastPosition, cam.position);
  const dr = dot(moved, right), du = dot(moved, up), df = dot(moved, fwd);
  const travel = len(moved);
  const fwd1 = rotate(cam.lastRotation, [0, 0, -1]);
  // Yaw: positive turns the view to the left (counterclockwise seen from above).
  const yaw =
    (Math.atan2(fwd[2] * fwd1[0] - fwd[0] * fwd1[2], fwd[0] * fwd1[0] + fwd[2] * fwd1[2]) *
      180) / Math.PI;
  const pitch = ((Math.asin(Math.max(-1, Math.min(1, fwd1[1]))) -
    Math.asin(Math.max(-1, Math.min(1, fwd[1])))) * 180) / Math.PI;
  const still = travel < 1e-3;
  if (/\b(static|stays still)\b/.test(t) && /camera/.test(t)) {
    if (truth.cameraMoved || (record && record.move !== "static")) {
      problems.push("caption calls a moving camera static");
    }
    const shot = /a static camera films( the [a-z -]+ in an? )(close-up|medium shot|wide shot)/
      .exec(t);
    const subject = shot && objectAfterThe(shot[1], truth, nounOf);
    if (shot && !subject) problems.push(`"${shot[0]}" names nothing in the scene`);
    if (shot && subject) problems.push(...framingDisagreements(shot[2], subject));
  }
  const m =
    /the camera (slowly |quickly )?(pans|tilts|slides|rises|lowers|moves in|pulls back|zooms|circles around|follows)( to the left| to the right| up| down| in| out)?([^.]*)/
      .exec(t);
  if (!m) return problems;
  const [, speed, verb] = m;
  const rest = m[4];
  // "circles around the ball to the left": the direction follows the target.
  const dir = m[3] ?? / to the (?:left|right)$/.exec(rest)?.[0];
  const side = (positive: boolean) => (dir === " to the right") === positive;
  let rate = 0;
  let unit: "metres" | "degrees" = "metres";
  switch (verb) {
    case "pans":
      if (!still || Math.abs(yaw) < 1 || (dir && (dir === " to the left") !== yaw > 0)) {
        problems.push(`pans${dir ?? ""}: moved ${travel.toFixed(3)} m, turned ${yaw.toFixed(1)}°`);
      }
      rate = Math.abs(yaw) / truth.seconds;
      unit = "degrees";
      break;
    case "tilts":
      if (!still || Math.abs(pitch) < 1 || (dir && (dir === " up") !== pitch > 0)) {
        problems.push(`tilts${dir ?? ""}: pitch changed ${pitch.toFixed(1)}°`);
      }
      rate = Math.abs(pitch) / truth.seconds;
      unit = "degrees";
      break;
    case "slides":
      if (Math.abs(dr) < 0.5 * travel || travel < 0.05 || (dir && !side(dr > 0))) {
        problems.push(`slides${dir ?? ""}: moved ${dr.toFixed(2)} m to the right`);
      }
      rate = travel / truth.seconds;
      break;
    case "rises":
    case "lowers":
      if (Math.abs(du) < 0.5 * travel || travel < 0.05 || (verb === "rises") !== du > 0) {
        problems.push(`camera ${verb}: moved ${du.toFixed(2)} m up`);
      }
      rate = travel / truth.seconds;
      break;
    case "moves in":
    case "pulls back":
      if (Math.abs(df) < 0.5 * travel || travel < 0.05 || (verb === "moves in") !== df > 0) {
        problems.push(`camera ${verb}: moved ${df.toFixed(2)} m forward`);
      }
      rate = travel / truth.seconds;
      break;
    case "zooms": {
      const ratio = cam.lastFocal / cam.focal;
      if (!still || (dir === " in") !== ratio > 1.05 || (dir === " out") !== ratio < 0.95) {
        problems.push(`zooms${dir ?? ""}: focal ×${ratio.toFixed(2)}`);
      }
      break;
    }
    case "circles around":
    case "follows": {
      const target = objectAfterThe(rest, truth, nounOf);
      if (!target) {
        problems.push(`the camera ${verb} something not in the scene: "${rest}"`);
        break;
      }
      if (verb === "follows") {
        // Whatever the camera did besides following (its origin or its bounds' centre) is a
        // push along its own axis.
        const off = (path: Vec3) => {
          const rest = sub(moved, path);
          return len(sub(rest, fwd.map((v) => v * dot(rest, fwd)) as Vec3));
        };
        const across = Math.min(
          off(sub(target.last, target.first)),
          off(sub(target.lastCenter, target.firstCenter)),
        );
        const walked = len(sub(target.last, target.first));
        if (walked < 0.2 || across > Math.max(0.15, 0.15 * walked)) {
          problems.push(`follows the ${target.cls}: off its path by ${across.toFixed(2)} m`);
        }
      } else {
        const before = sub(cam.position, target.firstCenter);
        const after = sub(cam.lastPosition, target.lastCenter);
        const turned = (Math.acos(
          Math.max(-1, Math.min(1, dot(before, after) / (len(before) * len(after) || 1))),
        ) * 180) / Math.PI;
        if (turned < 5 || Math.abs(len(before) - len(after)) > 0.15 * len(before)) {
          problems.push(`circles around the ${target.cls}: turned ${turned.toFixed(1)}°`);
        }
        // Seen from above, counterclockwise about the subject carries the camera to its right.
        const ccw = before[2] * after[0] - before[0] * after[2] > 0;
        if (dir && !side(ccw)) problems.push(`circles${dir} but went ${ccw ? "right" : "left"}`);
        rate = turned / truth.seconds;
        unit = "degrees";
      }
      const framing = /starting from an? (close-up|medium shot|wide shot)/.exec(rest);
      if (framing) problems.push(...framingDisagreements(framing[1], target));
      break;
    }
  }
  if (speed === "slowly " && !(rate < SLOW[unit])) {
    problems.push(`slow camera at ${rate.toFixed(2)}`);
  }
  if (speed === "quickly " && !(rate > FAST[unit])) {
    problems.push(`quick camera at ${rate.toFixed(2)}`);
  }
  if (record && m) {
    // A plain camera record (no trajectory rules for it here): its words must be the record's.
    const move =
      { pans: "pan", tilts: "tilt", circles: "orbit", follows: "follow" }[verb.split(" ")[0]];
    if (move && record.move !== move) {
      problems.push(`camera ${verb} but the record says ${record.move}`);
    }
  }
  return problems;
}

/** The object a "the <colour> <noun>" phrase at the start of `text` names (its last noun word). */
function objectAfterThe(
  text: string,
  truth: Truth,
  nounOf: (o: TruthObject) => string,
): TruthObject | undefined {
  const words = /^ the ([a-z -]+?)(?:,|$| in an? | to the )/.exec(text)?.[1].split(" ") ?? [];
  for (let n = Math.min(2, words.length); n >= 1; n--) {
    const noun = words.slice(-n).join(" ");
    const found = truth.objects.find((o) => nounOf(o) === noun);
    if (found) return found;
  }
  return undefined;
}

function framingDisagreements(framing: string, subject: TruthObject): string[] {
  const h = subject.screenHeight;
  const ok = framing === "close-up"
    ? h >= 0.5
    : framing === "wide shot"
    ? h <= 0.4
    : h >= 0.2 && h <= 0.9;
  return ok
    ? []
    : [`${framing} but the ${subject.cls} spans ${(h * 100).toFixed(0)} % of the height`];
}

/** The key light as the checker sees it: most light at the first prop (or person). */
function keyOf(truth: Truth): { key?: TruthLight; lux: number; at: Vec3 } {
  const subject = truth.objects.find((o) =>
    !SURFACES.includes(o.cls) && o.cls !== "clutter" && o.cls !== "hand" &&
    o.attributes.role !== "hand"
  );
  const at = subject?.first ?? [0, 0.5, 0];
  const lux = (l: TruthLight) =>
    l.type === "directional"
      ? l.intensity
      : l.intensity / Math.max(0.01, len(sub(l.position, at)) ** 2);
  let key: TruthLight | undefined;
  for (const l of truth.lights) if (!key || lux(l) > lux(key)) key = l;
  return { key, lux: key ? lux(key) : 0, at };
}

function lightDisagreements(t: string, truth: Truth, basis: { right: Vec3; fwd: Vec3 }): string[] {
  const problems: string[] = [];
  const { key, lux, at } = keyOf(truth);
  const lightText =
    /\b((?:warm|cool|bright|dim|, )+)?\s*light\b(?: comes| falls on the scene)?\s*(from the left|from the right|from the front|from behind|from above)?|the scene is lit (from the left|from the right|from the front|from behind|from above)/
      .exec(t);
  if (!lightText || !key) {
    if (/\b(warm|cool|bright|dim)\b/.test(t)) {
      problems.push("light adjective outside a light phrase");
    }
    return problems;
  }
  const adjectives = lightText[1] ?? "";
  const warm = key.temperature !== undefined
    ? key.temperature <= 4500
    : key.color[2] < key.color[0];
  const cool = key.temperature !== undefined
    ? key.temperature >= 6000
    : key.color[0] < key.color[2];
  if (/warm/.test(adjectives) && !warm) problems.push("warm light is not warm");
  if (/cool/.test(adjectives) && !cool) problems.push("cool light is not cool");
  if (/bright/.test(adjectives) && lux < 3) problems.push(`bright light gives ${lux.toFixed(2)}`);
  if (/dim/.test(adjectives) && lux > 1.2) problems.push(`dim light gives ${lux.toFixed(2)}`);
  const from = /from (the left|the right|the front|behind|above)/.exec(t.slice(lightText.index));
  if (from) {
    const toLight: Vec3 = key.type === "directional"
      ? [-key.direction[0], -key.direction[1], -key.direction[2]]
      : sub(key.position, at);
    const n = len(toLight) || 1;
    const r = (toLight[0] * basis.right[0] + toLight[2] * basis.right[2]) / n;
    const f = (toLight[0] * basis.fwd[0] + toLight[2] * basis.fwd[2]) / n;
    const ok = {
      "the left": r < -0.2,
      "the right": r > 0.2,
      "the front": f < -0.2,
      "behind": f > 0.2,
      "above": toLight[1] / n > 0.8,
    }[from[1]];
    if (!ok) {
      problems.push(
        `light from ${from[1]}: toward the light is r=${r.toFixed(2)} f=${f.toFixed(2)}`,
      );
    }
    const shadows =
      /casting shadows (to the right|to the left|away from the camera|toward the camera)/
        .exec(t);
    if (shadows) {
      const expected = {
        "the left": "to the right",
        "the right": "to the left",
        "the front": "away from the camera",
        "behind": "toward the camera",
        "above": "",
      }[from[1]]; // deno-fmt-ignore
      if (!key.castShadow || shadows[1] !== expected) problems.push(`"${shadows[0]}" vs light from ${from[1]}`);
    }
  }
  return problems;
}
