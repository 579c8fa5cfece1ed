/**
 * Render quality presets: low / high (shadow map size, rgb supersampling), tone mapping and
 * exposure. RGB only: the labels stay exact.
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import { type Quality, renderSettings, setQuality } from "../../engine/scene/render_settings.ts";
import { TONE_MAPPINGS, type ToneMapping } from "../../engine/scene/tone_mapping.ts";

export const qualityRandomizer = definePlugin({
  id: "randomizer/quality",
  kind: "randomizer",
  description:
    "Render quality preset: low (1024² shadows, 1× rgb) or high (2048², 2×2 supersampled rgb)",
  defaults: {
    /** low: 1024² shadow map, no supersampling; high: 2048², 2×2 supersampled rgb. */
    quality: "low",
    /** 0 = the preset's value. */
    shadow_map_size: 0,
    /** RGB rendered at this factor per axis and averaged down (labels stay 1×); 0 = preset's. */
    supersample: 0,
    /** Curve from radiance to display: neutral (Khronos PBR Neutral), aces, or none (clamp). */
    tone_mapping: "neutral",
    /** Exposure in EV (radiance × 2^EV before the curve); a range randomizes it per clip. */
    exposure: 0,
  },
  limits: {
    quality: { oneOf: ["low", "high"] },
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
        s.toneMapping = o.tone_mapping as ToneMapping;
        s.exposure = o.exposure;
        ctx.record("randomization", {
          quality: s.quality,
          shadow_map_size: s.shadowMapSize,
          supersample: s.supersample,
          tone_mapping: s.toneMapping,
          exposure: s.exposure,
        });
      },
    };
  },
});
