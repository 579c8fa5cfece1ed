/**
 * Render quality presets: low / high / ultra (shadow map size, rgb supersampling, ambient
 * occlusion), tone mapping and exposure. RGB only: the labels stay exact.
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import {
  type Quality,
  QUALITY_PRESETS,
  renderSettings,
  setQuality,
} from "../../engine/scene/render_settings.ts";
import { TONE_MAPPINGS, type ToneMapping } from "../../engine/scene/tone_mapping.ts";

export const qualityRandomizer = definePlugin({
  id: "randomizer/quality",
  kind: "randomizer",
  description:
    "Render quality preset: low (1024² shadows, 1× rgb), high (2048², 2×2 supersampled rgb, ambient occlusion, soft shadows) or ultra (4096², 3×3, finer occlusion and shadows)",
  defaults: {
    /**
     * low: 1024² shadow map, no supersampling, no occlusion, fixed shadow filter; high: 2048²,
     * 2×2 supersampled rgb, ambient occlusion (2 directions × 4 steps), soft shadows (16
     * samples); ultra: 4096², 3×3, occlusion 4 × 8, soft shadows 32.
     */
    quality: "low",
    /** 0 = the preset's value. */
    shadow_map_size: 0,
    /** RGB rendered at this factor per axis and averaged down (labels stay 1×); 0 = preset's. */
    supersample: 0,
    /** Ambient occlusion: preset (as the quality says), on (with high's settings) or off. */
    ambient_occlusion: "preset",
    /** World radius (metres) occlusion is searched over; 0 = the preset's (0.5). */
    ao_radius: 0,
    /** Occlusion strength: visibility ^ strength (1 = as traced); 0 = the preset's. */
    ao_strength: 0,
    /**
     * Soft shadows of directional lights, as wide as the light's size casts them (PCSS):
     * preset (high and ultra), on or off (a fixed 5×5 texel filter).
     */
    soft_shadows: "preset",
    /** Curve from radiance to display: neutral (Khronos PBR Neutral), aces, or none (clamp). */
    tone_mapping: "neutral",
    /** Exposure in EV (radiance × 2^EV before the curve); a range randomizes it per clip. */
    exposure: 0,
  },
  limits: {
    quality: { oneOf: Object.keys(QUALITY_PRESETS) },
    ambient_occlusion: { oneOf: ["preset", "on", "off"] },
    soft_shadows: { oneOf: ["preset", "on", "off"] },
    ao_radius: { min: 0, max: 10 },
    ao_strength: { min: 0, max: 8 },
    shadow_map_size: { min: 0, max: 8192, integer: true },
    supersample: { min: 0, max: 4, integer: true },
    tone_mapping: { oneOf: [...TONE_MAPPINGS] },
    exposure: { min: -10, max: 10 },
  },
  create() {
    return {
      clipStart(ctx) {
        const o = ctx.options;
        setQuality(ctx.scene, o.quality as Quality);
        const s = renderSettings(ctx.scene);
        if (o.shadow_map_size > 0) s.shadowMapSize = o.shadow_map_size;
        if (o.supersample > 0) s.supersample = o.supersample;
        if (o.soft_shadows === "off") s.softShadows = 0;
        if (o.soft_shadows === "on" && s.softShadows === 0) {
          s.softShadows = QUALITY_PRESETS.high.softShadows;
        }
        if (o.ambient_occlusion === "off") s.ambientOcclusion = undefined;
        if (o.ambient_occlusion === "on" && !s.ambientOcclusion) {
          s.ambientOcclusion = QUALITY_PRESETS.high.ambientOcclusion;
        }
        if (s.ambientOcclusion && (o.ao_radius > 0 || o.ao_strength > 0)) {
          s.ambientOcclusion = {
            ...s.ambientOcclusion,
            radius: o.ao_radius || s.ambientOcclusion.radius,
            strength: o.ao_strength || s.ambientOcclusion.strength,
          };
        }
        s.toneMapping = o.tone_mapping as ToneMapping;
        s.exposure = o.exposure;
        ctx.record("randomization", {
          quality: s.quality,
          shadow_map_size: s.shadowMapSize,
          supersample: s.supersample,
          ambient_occlusion: s.ambientOcclusion ?? null,
          soft_shadow_samples: s.softShadows,
          tone_mapping: s.toneMapping,
          exposure: s.exposure,
        });
      },
    };
  },
});
