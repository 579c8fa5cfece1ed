/**
 * What real cameras do to the picture, drawn per clip (seed 003: randomize the sensor as well
 * as the scene): motion blur over the shutter time, depth of field focused on the subject,
 * vignetting, a white-balance error, sensor noise and video compression strength. RGB only:
 * every label stays exact (the effects read the exact depth and flow). Each effect is drawn
 * with its own chance; what was drawn is recorded under `randomization`.
 *
 * List it after randomizer/camera: the focus follows the subject on every frame, measured
 * from where that plugin put the camera.
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import { actorsOf } from "../../engine/plugin/actors.ts";
import { kelvinToLinear } from "../../engine/scene/color.ts";
import { type CameraEffects, renderSettings } from "../../engine/scene/render_settings.ts";
import type { Scene } from "../../engine/scene/scene.ts";
import { center, findSubject, objectBounds } from "./bounds.ts";

/** The white point the camera is balanced for when the error is 0. */
const NEUTRAL_KELVIN = 6500;

export const cameraEffectsRandomizer = definePlugin({
  id: "randomizer/camera_effects",
  kind: "randomizer",
  description:
    "Camera and sensor effects per clip: motion blur, depth of field, vignetting, white balance, sensor noise, compression",
  defaults: {
    /** Chance a clip has motion blur. */
    motion_blur_chance: 0.5,
    /** Exposure time as a share of the frame interval (0.5 = a 180° shutter), drawn per clip. */
    shutter_range: [0.25, 0.5],
    /** Chance a clip has a shallow depth of field. */
    depth_of_field_chance: 0.3,
    /** Lens f-number, drawn per clip (smaller = more blur away from the focus). */
    f_number_range: [1.4, 4],
    /** Sensor width in mm (36 = full frame); with the field of view it gives the focal length. */
    sensor_width: 36,
    /** What is in focus: `subject` (the action's subject, on every frame) or a distance in metres. */
    focus: "subject",
    /** Chance a clip has vignetting. */
    vignetting_chance: 0.5,
    /** Vignetting strength, drawn per clip (1 = the full cos⁴ falloff of a simple lens). */
    vignetting_range: [0.2, 0.8],
    /** Chance a clip has a white-balance error. */
    white_balance_chance: 0.5,
    /** White-balance error in kelvin, drawn per clip (the camera is set for 6500 K + error). */
    white_balance_range: [-1500, 1500],
    /** Chance a clip has sensor noise. */
    noise_chance: 0.5,
    /** Sensor noise strength, drawn per clip (1 = a small sensor at high ISO). */
    noise_range: [0.1, 1],
    /** Chance a clip is compressed harder than the scene's video setting. */
    compression_chance: 0.3,
    /** rgb.mp4's bitrate × this, drawn per clip when compressed harder. */
    bitrate_scale_range: [0.2, 0.8],
  },
  limits: {
    motion_blur_chance: { min: 0, max: 1 },
    shutter_range: { min: 0, max: 1 },
    depth_of_field_chance: { min: 0, max: 1 },
    f_number_range: { min: 0.7, max: 64 },
    sensor_width: { min: 1, max: 100 },
    vignetting_chance: { min: 0, max: 1 },
    vignetting_range: { min: 0, max: 1 },
    white_balance_chance: { min: 0, max: 1 },
    white_balance_range: { min: -4000, max: 4000 },
    noise_chance: { min: 0, max: 1 },
    noise_range: { min: 0, max: 4 },
    compression_chance: { min: 0, max: 1 },
    bitrate_scale_range: { min: 0.02, max: 1 },
  },
  create() {
    let subjectFocus = false;
    return {
      clipStart(ctx) {
        const o = ctx.options;
        const rng = ctx.rng;
        const draw = ([lo, hi]: number[]) => rng.uniform(lo, hi);
        const effects: CameraEffects = {
          shutter: 0,
          fNumber: 0,
          focusDistance: 3,
          sensorWidth: o.sensor_width,
          vignetting: 0,
          whiteBalance: [1, 1, 1],
          noiseGain: 0,
          noiseFloor: 0,
          seed: rng.int(0, 0x7fffffff),
        };
        const record: Record<string, unknown> = {};
        // every draw happens whatever the chances say, so changing one chance keeps the others
        const blur = rng.chance(o.motion_blur_chance), shutter = draw(o.shutter_range);
        const dof = rng.chance(o.depth_of_field_chance), fNumber = draw(o.f_number_range);
        const vignette = rng.chance(o.vignetting_chance), vignetting = draw(o.vignetting_range);
        const balance = rng.chance(o.white_balance_chance);
        const kelvinError = draw(o.white_balance_range);
        const noisy = rng.chance(o.noise_chance), noise = draw(o.noise_range);
        const compress = rng.chance(o.compression_chance);
        const bitrateScale = draw(o.bitrate_scale_range);
        if (blur) effects.shutter = record.shutter = shutter;
        if (dof) {
          effects.fNumber = record.f_number = fNumber;
          record.sensor_width = o.sensor_width;
          subjectFocus = o.focus === "subject";
          if (!subjectFocus) effects.focusDistance = Number(o.focus);
          record.focus = subjectFocus ? "subject" : effects.focusDistance;
        }
        if (vignette) effects.vignetting = record.vignetting = vignetting;
        if (balance) {
          // balanced for NEUTRAL + error: the picture leans the other way
          const assumed = kelvinToLinear(NEUTRAL_KELVIN + kelvinError);
          const neutral = kelvinToLinear(NEUTRAL_KELVIN);
          const gains = neutral.map((v, k) => v / assumed[k]);
          effects.whiteBalance = gains.map((g) => g / gains[1]) as [number, number, number];
          record.white_balance = { kelvin_error: kelvinError, gains: effects.whiteBalance };
        }
        if (noisy) {
          // shot noise: variance ∝ signal; read noise: a floor (linear units, white = 1)
          effects.noiseGain = 0.0015 * noise;
          effects.noiseFloor = (0.0015 * noise) ** 2;
          record.noise = noise;
        }
        const settings = renderSettings(ctx.scene);
        settings.cameraEffects = effects;
        settings.videoBitrateScale = compress ? bitrateScale : 1;
        if (compress) record.bitrate_scale = bitrateScale;
        ctx.record("randomization", record);
      },
      frame(ctx) {
        const effects = renderSettings(ctx.scene).cameraEffects;
        if (!effects || effects.fNumber === 0 || !subjectFocus) return;
        const distance = subjectDistance(ctx.scene, actorsOf(ctx).subjects[0]);
        if (distance !== undefined) effects.focusDistance = distance;
      },
    };
  },
});

/** Depth along the view axis of the subject's centre (the action's subject, else the first object). */
function subjectDistance(scene: Scene, subjectId: number | undefined): number | undefined {
  const subject = scene.objects.find((o) => o.id === subjectId) ?? findSubject(scene, "");
  if (!subject) return undefined;
  const c = center(objectBounds(scene, subject));
  const m = scene.camera.worldFromCamera();
  const d = [0, 1, 2].map((k) => c[k] - scene.camera.position[k]);
  // the camera looks down its local -z (the matrix's third column)
  const depth = -(d[0] * m[8] + d[1] * m[9] + d[2] * m[10]);
  return depth > 0.05 ? depth : undefined;
}
