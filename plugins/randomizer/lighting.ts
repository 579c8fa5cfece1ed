/**
 * Key + fill lighting: the key (directional, spot or point) casts the
 * shadow-mapped shadow; colour temperatures in Kelvin, intensity as the
 * illuminance at the subject (point and spot lights are scaled by d² so
 * their brightness does not depend on how far they were placed), ambient.
 * Ranges are [min, max] pairs drawn per clip; give [x, x] to fix a value.
 */
import { kelvinToLinear } from "../../engine/scene/color.ts";
import { directionFromAngles } from "../../engine/scene/environment.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import type { Light, Vec3 } from "../../engine/scene/scene.ts";
import { center, findSubject, objectBounds } from "./bounds.ts";

export const LIGHT_TYPES = ["directional", "spot", "point"] as const;

export const lightingRandomizer = definePlugin({
  id: "randomizer/lighting",
  kind: "randomizer",
  description:
    "Key light (directional/spot/point, shadowed) and fill light with Kelvin temperatures, " +
    "intensities and ambient",
  defaults: {
    /** Remove the scene's lights first. */
    replace: true,
    /** "auto" = directional 50 %, spot 30 %, point 20 %. */
    key: "auto",
    /** Key light colour temperature, kelvin. */
    temperature_range: [3200, 7000],
    /** Key illuminance at the subject (the renderer's light intensity units). */
    intensity_range: [2.0, 4.0],
    /** Key elevation above the horizon and azimuth from the camera's side, degrees. */
    elevation_range: [25, 65],
    /** Key azimuth offset from the camera's side of the subject, degrees (0 = from the camera). */
    azimuth_range: [-70, 70],
    /** Distance of spot/point keys from the subject, metres. */
    distance_range: [3, 6],
    /** Fill intensity as a fraction of the key; 0 disables the fill. */
    fill_ratio_range: [0.15, 0.5],
    /** Fill light colour temperature, kelvin (the fill is directional, opposite the key). */
    fill_temperature_range: [4000, 8000],
    /** Ambient light intensity (renderer units). */
    ambient_range: [0.05, 0.25],
    /** Ambient light colour temperature, kelvin. */
    ambient_temperature_range: [5500, 8000],
    /** Whether the key light casts shadow-mapped shadows (the fill never does). */
    shadows: true,
  },
  limits: { key: { oneOf: ["auto", ...LIGHT_TYPES] } },
  create() {
    return {
      clipStart(ctx) {
        const o = ctx.options;
        const rng = ctx.rng;
        const draw = (r: readonly number[]) => rng.uniform(r[0], r[1]);
        const scene = ctx.scene;
        const subject = findSubject(scene, "");
        const target: Vec3 = subject ? center(objectBounds(scene, subject)) : [0, 0.5, 0];
        // azimuth 0 = the camera's side of the subject
        const cam = scene.camera.position;
        const camAzimuth = Math.atan2(cam[0] - target[0], -(cam[2] - target[2])) * 180 / Math.PI;
        if (o.replace) scene.lights.length = 0;

        const keyType = o.key === "auto"
          ? rng.choice(LIGHT_TYPES, [0.5, 0.3, 0.2])
          : o.key as Light["type"];
        const temperature = draw(o.temperature_range);
        const intensity = draw(o.intensity_range);
        const elevation = draw(o.elevation_range);
        const azimuth = camAzimuth + draw(o.azimuth_range);
        const distance = draw(o.distance_range);
        const toLight = directionFromAngles(elevation, azimuth);
        const key = place(keyType, target, toLight, distance, intensity, temperature);
        key.castShadow = o.shadows;
        scene.addLight(key);

        const fillRatio = draw(o.fill_ratio_range);
        const fillTemperature = draw(o.fill_temperature_range);
        const fillElevation = Math.max(10, elevation * 0.5);
        const fillAzimuth = azimuth + 180 + rng.uniform(-40, 40);
        if (fillRatio > 0) {
          scene.addLight(place(
            "directional",
            target,
            directionFromAngles(fillElevation, fillAzimuth),
            distance,
            intensity * fillRatio,
            fillTemperature,
          ));
        }
        const ambient = draw(o.ambient_range);
        const ambientTemperature = draw(o.ambient_temperature_range);
        scene.ambient = { color: kelvinToLinear(ambientTemperature), intensity: ambient };
        ctx.record("randomization", {
          key: {
            type: keyType,
            temperature,
            intensity,
            elevation,
            azimuth,
            distance: keyType === "directional" ? null : distance,
            shadows: o.shadows,
          },
          fill: fillRatio > 0
            ? {
              ratio: fillRatio,
              temperature: fillTemperature,
              elevation: fillElevation,
              azimuth: fillAzimuth,
            }
            : null,
          ambient: { intensity: ambient, temperature: ambientTemperature },
        });
      },
    };
  },
});

/** A light shining on `target` from direction `toLight`, with illuminance `intensity` there. */
export function place(
  type: Light["type"],
  target: Vec3,
  toLight: Vec3,
  distance: number,
  intensity: number,
  kelvin: number,
): Partial<Light> & { temperature: number } {
  const position = target.map((v, i) => v + toLight[i] * distance) as Vec3;
  return {
    type,
    color: kelvinToLinear(kelvin),
    temperature: kelvin,
    intensity: type === "directional" ? intensity : intensity * distance * distance,
    position,
    direction: toLight.map((v) => -v) as Vec3,
    angle: 35,
    castShadow: false,
  };
}
