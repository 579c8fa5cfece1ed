/**
 * Everyday props for object actions, built in code (no downloads): boxes, blocks, balls, cans,
 * cartons, plus generated mugs (cylinder + torus handle) and bottles (body, shoulder, neck).
 * Each prop gets a size, a named colour and a material preset, stored in its attributes
 * ({shape, color, material, size}) and material ({colorName, preset}) for labels and captions.
 */
import { srgbToLinear } from "../../engine/scene/color.ts";
import { applyPreset, MATERIAL_PRESETS, type PresetName } from "../../engine/scene/materials.ts";
import type { Shape } from "../../engine/physics/world.ts";
import { cone, cylinder, torus } from "../../engine/scene/mesh.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";

/** Named colours (sRGB hex) so labels can say "a red mug". */
export const PALETTE: Record<string, string> = {
  red: "#d0262a",
  green: "#2f9e44",
  blue: "#1c64d8",
  yellow: "#f2c419",
  orange: "#f0780f",
  purple: "#7d3cb8",
  pink: "#ee6fa8",
  white: "#ececec",
  black: "#202020",
  grey: "#8c8c8c",
  brown: "#7a4a26",
  teal: "#14999a",
};

export function paletteLinear(name: string): Vec3 {
  const hex = PALETTE[name];
  if (!hex) throw new RangeError(`Unknown colour "${name}"`);
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255].map(srgbToLinear) as Vec3;
}

/**
 * What an action may ask of a prop: `upright` stands stably and slides when pushed, `rolls`
 * rolls (a ball, or a can/bottle laid on its side), `tall` topples, `oblong` has a visibly
 * non-square footprint (spinning and tilting show), `base` has a flat top to stack on.
 */
export type Trait = "upright" | "rolls" | "tall" | "oblong" | "base";

export interface PropKind {
  noun: string;
  mesh: string;
  /** Characteristic size range in metres. */
  size: [number, number];
  scale(size: number, rng: Rng): Vec3;
  presets: PresetName[];
  traits: Trait[];
  /** Laid on its side (axis horizontal) when it must roll. */
  liesToRoll?: boolean;
}

export const PROPS: PropKind[] = [
  {
    noun: "box",
    mesh: "cube",
    size: [0.08, 0.12],
    scale: (s, rng) => [s, s * rng.uniform(0.55, 0.9), s * rng.uniform(0.5, 0.7)],
    presets: ["cardboard", "wood", "plastic", "metal"],
    traits: ["upright", "oblong", "base"],
  },
  {
    noun: "block",
    mesh: "cube",
    size: [0.12, 0.18],
    scale: (s, rng) => [s, s * rng.uniform(0.2, 0.3), s * rng.uniform(0.45, 0.6)],
    presets: ["wood", "plastic"],
    traits: ["upright", "oblong", "base"],
  },
  {
    noun: "ball",
    mesh: "sphere",
    size: [0.06, 0.1],
    scale: (s) => [s, s, s],
    presets: ["rubber", "plastic", "wood", "glass", "metal"],
    traits: ["rolls"],
  },
  {
    noun: "can",
    mesh: "cylinder",
    size: [0.09, 0.12],
    scale: (s) => [s * 0.6, s, s * 0.6],
    presets: ["metal", "plastic"],
    traits: ["upright", "rolls", "base"],
    liesToRoll: true,
  },
  {
    noun: "mug",
    mesh: "prop_mug",
    size: [0.07, 0.09],
    scale: (s) => [s, s * 1.1, s],
    presets: ["ceramic", "plastic", "metal", "glass"],
    traits: ["upright"],
  },
  {
    noun: "bottle",
    mesh: "prop_bottle",
    size: [0.18, 0.24],
    scale: (s) => [s * 0.34, s, s * 0.34],
    presets: ["glass", "plastic"],
    traits: ["tall", "rolls"],
    liesToRoll: true,
  },
  {
    noun: "carton",
    mesh: "cube",
    size: [0.16, 0.22],
    scale: (s, rng) => [s * 0.42, s, s * rng.uniform(0.3, 0.42)],
    presets: ["cardboard", "plastic"],
    traits: ["tall"],
  },
];

/** Column-major 4×4: rotation of +90° about X (a ring around Y stands up in XY), then a shift. */
function standUp(shift: Vec3): Float32Array {
  return new Float32Array([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, shift[0], shift[1], shift[2], 1]);
}

const shift = (v: Vec3) =>
  new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, v[0], v[1], v[2], 1]);

/** Unit-height generated props, centred on the origin like the primitives. */
const GENERATED: Record<
  string,
  () => { mesh: ReturnType<typeof cylinder>; matrix?: Float32Array }[]
> = {
  prop_mug: () => [
    { mesh: cylinder({ radius: 0.5, height: 1, segments: 32 }) },
    {
      mesh: torus({ radius: 0.26, tube: 0.07, segments: 24, tubeSegments: 12 }),
      matrix: standUp([0.5, 0, 0]),
    },
  ],
  prop_bottle: () => [
    { mesh: cylinder({ radius: 0.5, height: 0.62, segments: 32 }), matrix: shift([0, -0.19, 0]) },
    { mesh: cone({ radius: 0.5, height: 0.3, segments: 32 }), matrix: shift([0, 0.27, 0]) },
    { mesh: cylinder({ radius: 0.17, height: 0.22, segments: 24 }), matrix: shift([0, 0.39, 0]) },
  ],
};

/**
 * Colliders of the generated props as primitives in their unit frame (scaled by the object):
 * stable on a table, where a hull of the finely tessellated mesh would rock.
 */
export function colliderFor(object: SceneObject): Shape | undefined {
  const [sx, sy, sz] = object.scale;
  const cyl = (r: number, h: number, y: number): Shape => ({
    kind: "cylinder",
    radius: r * sx,
    halfHeight: (h / 2) * sy,
    offset: [0, y * sy, 0],
  });
  switch (object.mesh) {
    case "prop_mug":
      return {
        kind: "compound",
        parts: [
          cyl(0.5, 1, 0) as Exclude<Shape, { kind: "compound" }>,
          {
            kind: "box",
            halfExtents: [0.085 * sx, 0.33 * sy, 0.07 * sz],
            offset: [0.665 * sx, 0, 0],
          },
        ],
      };
    case "prop_bottle":
      return {
        kind: "compound",
        parts: [
          cyl(0.5, 0.62, -0.19),
          { kind: "cone", radius: 0.5 * sx, halfHeight: 0.15 * sy, offset: [0, 0.27 * sy, 0] },
          cyl(0.17, 0.22, 0.39),
        ] as Exclude<Shape, { kind: "compound" }>[],
      };
  }
  return undefined;
}

/** Registers a generated mesh on first use. */
export function ensureMesh(scene: Scene, key: string): void {
  if (scene.meshes.has(key)) return;
  const build = GENERATED[key];
  if (!build) throw new RangeError(`No generated mesh "${key}"`);
  scene.meshes.set(key, build());
}

export function propsWith(...traits: Trait[]): PropKind[] {
  return PROPS.filter((p) => traits.every((t) => p.traits.includes(t)));
}

/** Adds a prop with sampled size, colour and material; the caller places it. */
export function addProp(
  scene: Scene,
  rng: Rng,
  name: string,
  kinds: readonly PropKind[],
  sizeFactor = 1,
): SceneObject {
  const kind = rng.choice(kinds);
  const size = rng.uniform(...kind.size) * sizeFactor;
  const scale = kind.scale(size, rng);
  const colorName = rng.choice(Object.keys(PALETTE));
  const preset = rng.choice(kind.presets);
  if (kind.mesh.startsWith("prop_")) ensureMesh(scene, kind.mesh);
  const object = scene.add({
    name,
    class: kind.noun,
    mesh: kind.mesh,
    scale,
    material: { color: paletteLinear(colorName), colorName, roughness: 0.5, metalness: 0 },
    attributes: { shape: kind.noun, color: colorName, material: preset, size: round(size) },
  });
  applyPreset(object.material, preset);
  return object;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** "a red ceramic mug" / "an orange rubber ball". */
export function phrase(object: SceneObject): string {
  const color = object.material.colorName ?? "";
  const preset = object.material.preset as PresetName | undefined;
  const adjective = preset && object.attributes.material_word !== false
    ? MATERIAL_PRESETS[preset].adjective
    : "";
  const noun = String(object.attributes.shape ?? object.cls);
  // "a plastic cup", not "a plastic plastic cup"
  const words = [color, noun.includes(adjective) ? "" : adjective, noun].filter(Boolean);
  const article = /^[aeiou]/.test(words[0]) ? "an" : "a";
  return `${article} ${words.join(" ")}`;
}

/** Fills each "[something]" in turn with the subjects' phrases. */
export function fillTemplate(template: string, subjects: readonly SceneObject[]): string {
  let i = 0;
  return template.replace(
    /\[something\]/g,
    () => phrase(subjects[Math.min(i++, subjects.length - 1)]),
  );
}
