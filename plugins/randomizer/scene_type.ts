/**
 * Scene types. env: an equirectangular HDR environment (a .hdr file next to
 * the scene, or a procedural sky) lights the scene and fills the background,
 * with a sun key light matching the sky; basic: an indoor room (a wood, tile,
 * carpet or concrete floor, four painted, plastered or papered walls in a
 * "wall" palette colour, baseboards; room.ts) lit by a shadowed key and a fill; empty: no room, a solid RGBA background (the scene's, or a named
 * "backdrop" colour) or a sky.
 */
import { kelvinToLinear } from "../../engine/scene/color.ts";
import {
  directionFromAngles,
  proceduralSky,
  SKY_PRESETS,
  type SkyPreset,
  skySunDiameter,
} from "../../engine/scene/environment.ts";
import { decodeHdr } from "../../engine/scene/hdr.ts";
import { decodeExr } from "../../engine/scene/exr.ts";
import {
  availableHdris,
  HDRI_NAMES,
  hdriCredit,
  type HdriName,
  hdriProblem,
  INDOOR_HDRIS,
  loadHdri,
} from "../../engine/scene/hdri_library.ts";
import { extractSun, upwardIrradiance } from "../../engine/scene/sun_from_environment.ts";
import { checkFile, checkNames } from "../../engine/plugin/checks.ts";
import { pickColor } from "../../engine/scene/palette.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { type EnvironmentImage, setEnvironment } from "../../engine/scene/render_settings.ts";
import { SUN_DIAMETER, type Vec3 } from "../../engine/scene/scene.ts";
import { place } from "./lighting.ts";
import { addRoom, WALL_LOOKS, type WallLook } from "./room.ts";

export const SCENE_TYPES = ["env", "basic", "empty"] as const;
const HDRI_GROUPS = ["any", "indoor", "outdoor"];

/**
 * The library HDRIs an `hdri` option allows. The groups hold Blender's maps where blender-data
 * is found (so a clip's draw depends on it: labels record which map); a named one is kept, and
 * loading it says how to get it when it is missing.
 */
function hdriChoices(option: string): HdriName[] {
  const names = new Set<HdriName>();
  const here = availableHdris();
  for (const item of option.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (item === "any") here.forEach((n) => names.add(n));
    else if (item === "indoor") {
      here.filter((n) => INDOOR_HDRIS.includes(n)).forEach((n) => names.add(n));
    } else if (item === "outdoor") {
      here.filter((n) => !INDOOR_HDRIS.includes(n)).forEach((n) => names.add(n));
    } else names.add(item as HdriName);
  }
  return [...names];
}

/**
 * extractSun and upwardIrradiance, once per decoded map: neither depends on the clip, and on a
 * 1024×512 map with a sun they take ~0.1 s, which per clip would slow planning several-fold.
 */
const suns = new WeakMap<EnvironmentImage, ReturnType<typeof extractSun>>();
function sunOf(image: EnvironmentImage) {
  let found = suns.get(image);
  if (!found) suns.set(image, found = extractSun(image));
  return found;
}
const upward = new WeakMap<EnvironmentImage, number>();
function upwardOf(image: EnvironmentImage) {
  let e = upward.get(image);
  if (e === undefined) upward.set(image, e = upwardIrradiance(image));
  return e;
}

/** A white surface facing up under a library HDRI (sun included) has radiance 1. */
const HDRI_UPWARD_IRRADIANCE = Math.PI;

/** Metres between the walls and the camera or the farthest object when the room is built. */
const ROOM_MARGIN = 3;

/** Sun radiance-to-illuminance per sky look, so the key light matches the picture. */
const SUN: Record<SkyPreset, { kelvin: number; intensity: number }> = {
  clear: { kelvin: 5600, intensity: 3 },
  sunset: { kelvin: 2800, intensity: 2 },
  overcast: { kelvin: 6800, intensity: 0.6 },
  dusk: { kelvin: 3500, intensity: 0.5 },
  studio: { kelvin: 5500, intensity: 2 },
};

export const sceneTypeRandomizer = definePlugin({
  id: "randomizer/scene",
  kind: "randomizer",
  description:
    "Scene type: env (HDR or procedural sky lighting and background), basic (indoor room " +
    "with sampled wall colour and two lights) or empty (solid RGBA background or environment)",
  defaults: {
    /** env: sky or HDR lights and fills the background; basic: indoor room; empty: no room. */
    type: "env",
    /** Procedural sky look, or "auto" (drawn). Used by env, and by empty with background "sky". */
    sky: "auto",
    /** A Radiance .hdr or OpenEXR .exr file relative to the scene; overrides the procedural sky. */
    hdr: "",
    /**
     * HDRIs from the shipped library (18 CC0 Poly Haven maps, and Blender's 8 where Debian
     * blender-data is found; docs/look.md): a name, a
     * comma-separated list, "any", "indoor" or "outdoor" (drawn per clip); "" = none. Overrides
     * the procedural sky; `hdr` overrides it.
     */
    hdri: "",
    /** Environment brightness factor, drawn per clip (also scales the sun light). */
    env_intensity_range: [0.8, 1.2],
    /** Environment turn about the vertical, degrees, drawn per clip (the sun light follows). */
    env_rotation_range: [0, 360],
    /** Procedural sky's sun elevation above the horizon, degrees (its azimuth is drawn 0–360). */
    sun_elevation_range: [15, 60],
    /** Add a shadowed directional light along the sky's sun (env with a procedural sky). */
    sun_light: true,
    /** empty: "scene" keeps the YAML colour, "palette" draws a backdrop colour, "sky" shows a sky. */
    background: "scene",
    /** Background alpha, 0 (transparent) … 1 (opaque), for basic and empty; env ignores it. */
    background_alpha: 1,
    /** basic: square room side and wall height, metres. */
    room_size_range: [8, 14],
    /** basic: wall height, metres. */
    room_height: 3.2,
    /**
     * basic: comma-separated wall looks, one drawn per clip for all four walls: paint (an orange
     * peel finish), plaster (soft blotches), wallpaper (bands with a pinstripe, paper fibres).
     */
    wall_looks: WALL_LOOKS.join(","),
    /** basic: baseboard height, metres, drawn per clip; [0, 0] leaves them out. */
    baseboard_height_range: [0.08, 0.14],
    /** basic: key and fill light colour temperatures, kelvin, each drawn from this range. */
    light_temperature_range: [2700, 6500],
  },
  limits: {
    type: { oneOf: SCENE_TYPES },
    sky: { oneOf: ["auto", ...SKY_PRESETS] },
    background: { oneOf: ["scene", "palette", "sky"] },
    background_alpha: { min: 0, max: 1 },
  },
  check(o, scene) {
    const problems = [];
    if (typeof o.hdri === "string" && o.hdri) {
      problems.push(...checkNames("hdri", o.hdri, [...HDRI_GROUPS, ...HDRI_NAMES]));
      for (const item of o.hdri.split(",").map((s) => s.trim())) {
        const problem = hdriProblem(item);
        if (problem) problems.push({ option: "hdri", message: problem });
      }
    }
    if (typeof o.hdr === "string" && o.hdr) {
      problems.push(...checkFile("hdr", o.hdr, scene, "a .hdr or .exr file"));
    }
    return problems;
  },
  creates: () => ({ names: ["room_*"], classes: ["floor", "wall"] }),
  create() {
    const files = new Map<string, EnvironmentImage>();
    let resolve = (path: string) => path;
    return {
      setup(ctx) {
        resolve = ctx.resolve;
      },
      async clipStart(ctx) {
        const o = ctx.options;
        const rng = ctx.rng;
        const draw = (r: readonly number[]) => rng.uniform(r[0], r[1]);
        const scene = ctx.scene;
        const record: Record<string, unknown> = { type: o.type };
        const useSky = o.type === "env" || (o.type === "empty" && o.background === "sky");
        if (useSky) {
          let image: EnvironmentImage;
          let name: string;
          const rotation = draw(o.env_rotation_range);
          const intensity = draw(o.env_intensity_range);
          // Library HDRIs are calibrated to a common exposure (the map's own scale is arbitrary).
          let scale = 1;
          if (o.hdr || o.hdri) {
            if (o.hdr) {
              if (!files.has(o.hdr)) {
                const bytes = await Deno.readFile(resolve(o.hdr));
                files.set(
                  o.hdr,
                  o.hdr.toLowerCase().endsWith(".exr") ? decodeExr(bytes, o.hdr) : decodeHdr(bytes),
                );
              }
              image = files.get(o.hdr)!;
              name = `file:${o.hdr}`;
            } else {
              const pick = rng.choice(hdriChoices(o.hdri));
              image = await loadHdri(pick);
              name = `hdri:${pick}`;
              record.credit = hdriCredit(pick);
            }
            // The map's sun becomes the shadowed key light (clamped out of the map).
            const { image: withoutSun, sun } = o.type === "env" && o.sun_light
              ? sunOf(image)
              : { image, sun: undefined };
            image = withoutSun;
            const sunY = sun
              ? 0.2126 * sun.irradiance[0] + 0.7152 * sun.irradiance[1] +
                0.0722 * sun.irradiance[2]
              : 0;
            if (o.hdri && !o.hdr) {
              const up = upwardOf(image) +
                (sun ? sunY * Math.max(0, Math.sin((sun.elevation * Math.PI) / 180)) : 0);
              scale = up > 0 ? HDRI_UPWARD_IRRADIANCE / up : 1;
              record.calibration = scale;
            }
            if (sun) {
              const direction = directionFromAngles(sun.elevation, sun.azimuth - rotation);
              scene.addLight({
                type: "directional",
                color: sun.irradiance.map((v) => v / sunY) as Vec3,
                intensity: sunY * intensity * scale,
                direction: direction.map((v) => -v) as Vec3,
                castShadow: true,
                // the blob's angular diameter: a hazy sun casts softer shadows
                size: Math.max(
                  SUN_DIAMETER,
                  (2 * Math.acos(1 - sun.solidAngle / (2 * Math.PI)) * 180) / Math.PI,
                ),
              });
              record.sun = {
                from_environment: true,
                elevation: sun.elevation,
                azimuth: sun.azimuth - rotation,
                intensity: sunY * intensity * scale,
              };
            }
          } else {
            const preset = o.sky === "auto" ? rng.choice(SKY_PRESETS) : o.sky as SkyPreset;
            const sunElevation = draw(o.sun_elevation_range);
            const sunAzimuth = rng.uniform(0, 360);
            image = proceduralSky({ preset, sunElevation, sunAzimuth });
            name = `sky:${preset}`;
            record.sky = { preset, sun_elevation: sunElevation, sun_azimuth: sunAzimuth };
            if (o.type === "env" && o.sun_light) {
              // The sky is turned by `rotation` about +Y, which moves its sun to azimuth − rotation
              // (equirectDirection; it was + rotation, so shadows disagreed with the sky).
              const sun = directionFromAngles(sunElevation, sunAzimuth - rotation);
              scene.addLight({
                type: "directional",
                color: kelvinToLinear(SUN[preset].kelvin),
                intensity: SUN[preset].intensity * intensity,
                direction: sun.map((v) => -v) as Vec3,
                castShadow: true,
                size: skySunDiameter(preset),
              });
              record.sun = {
                temperature: SUN[preset].kelvin,
                intensity: SUN[preset].intensity * intensity,
              };
            }
          }
          const level = intensity * scale;
          setEnvironment(scene, { image, intensity: level, rotation, background: true, name });
          if (o.type === "env") scene.ambient = { color: [1, 1, 1], intensity: 0 };
          record.environment = { name, intensity: level, rotation };
        } else {
          setEnvironment(scene, undefined);
        }
        if (o.type === "empty" && o.background === "palette") {
          const c = pickColor(rng, "backdrop");
          scene.background = [...c.srgb, o.background_alpha];
          record.background = { name: c.name, rgba: scene.background };
        } else if (o.type !== "env") {
          scene.background[3] = o.background_alpha;
          record.background = { rgba: [...scene.background] };
        }
        if (o.type === "basic") {
          // The room must hold the camera and everything already placed, with room to move:
          // a camera outside it would film the back of a wall.
          const extent = Math.max(
            ...[scene.camera.position, ...scene.objects.map((ob) => ob.position)].map((p) =>
              Math.max(Math.abs(p[0]), Math.abs(p[2]))
            ),
          );
          const size = Math.max(draw(o.room_size_range), 2 * (extent + ROOM_MARGIN));
          const h = o.room_height;
          // A scene with its own floor keeps it: two planes at y = 0 would z-fight.
          const ownFloor = scene.objects.some((ob) => ob.cls === "floor" || ob.cls === "ground");
          const room = addRoom(rng, scene, {
            size,
            height: h,
            walls: o.wall_looks.split(",").map((w) => w.trim()).filter(Boolean) as WallLook[],
            baseboard: o.baseboard_height_range,
            ownFloor,
          });
          // two lights under the ceiling: a shadowed spot key and a soft point fill
          const keyKelvin = draw(o.light_temperature_range);
          const fillKelvin = draw(o.light_temperature_range);
          const keyAzimuth = rng.uniform(0, 360);
          const target: Vec3 = [0, 0.5, 0];
          const keyDistance = Math.min(size / 2 - 0.5, h - 0.3);
          const key = place(
            "spot",
            target,
            directionFromAngles(55, keyAzimuth),
            keyDistance,
            3,
            keyKelvin,
          );
          key.angle = 50;
          key.castShadow = true;
          scene.addLight(key);
          const fill = place(
            "point",
            target,
            directionFromAngles(40, keyAzimuth + 150),
            keyDistance,
            1,
            fillKelvin,
          );
          scene.addLight(fill);
          scene.ambient = { color: kelvinToLinear(fillKelvin), intensity: 0.15 };
          record.room = {
            ...room,
            key: { temperature: keyKelvin, azimuth: keyAzimuth },
            fill: { temperature: fillKelvin },
          };
        }
        ctx.record("randomization", record);
      },
    };
  },
});
