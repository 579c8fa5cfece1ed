/**
 * captioner/fine: fine-grained captions (seed 004, Table 6: fine captions lift
 * success on hard motions from 2 % to 98 %). Three variants per clip:
 *
 * - short: the main event, subjects with colour;
 * - medium: + materials and patterns, clothing, the setting (room, sky or
 *   backdrop) and the camera move;
 * - long: + sizes and shapes, the room's floor, the first frame's framing,
 *   the other objects (identical ones counted), the clutter count and the key
 *   light (warm/cool, bright/dim, side, shadows).
 *
 * Every word comes from the labels (engine/caption/facts.ts and
 * scene_facts.ts, summarised in docs/captions.md): what is not recorded is not
 * said. Phrasing varies with the plugin's seeded RNG, so the same seed gives
 * the same captions, planned or rendered. A special tag marks the captions as
 * synthetic, with a matching negative prompt.
 *
 * List captioners after the action plugins and randomizers in a scene, so
 * they see each frame after everything moved.
 */
import { CaptionWatch } from "../../engine/caption/watch.ts";
import type { ClipFacts } from "../../engine/caption/facts.ts";
import { sentence } from "../../engine/caption/grammar.ts";
import {
  cameraClause,
  clutterClause,
  type Detail,
  eventClauses,
  joinClauses,
  lightClause,
  othersClause,
  props,
  settingPhrase,
} from "../../engine/caption/phrases.ts";
import { applyTag, negativePrompt, TAG_DEFAULTS, TAG_POSITIONS } from "../../engine/caption/tag.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";

export const VARIANTS = ["short", "medium", "long"] as const;

/** The main subject: the first action's first subject, else the first mover, else the first prop. */
function mainSubject(facts: ClipFacts) {
  const id = facts.actions[0]?.subjects[0]?.id ?? facts.motions[0]?.id;
  return facts.objects.find((o) => o.id === id) ?? props(facts.objects)[0];
}

/**
 * Objects the other sentences do not already name: not the event subjects, the
 * hands, the clutter (counted on its own), nor the room's walls and floor.
 */
function others(facts: ClipFacts, limit: number) {
  const named = new Set<number>();
  for (const a of facts.actions) {
    for (const s of a.subjects) named.add(s.id);
    if (a.carrying) named.add(a.carrying.id);
  }
  for (const m of facts.motions) named.add(m.id);
  // With no events the event clause already names the first props.
  if (named.size === 0) { for (const o of props(facts.objects).slice(0, 3)) named.add(o.id); }
  const room = facts.setting.type === "room";
  return facts.objects.filter((o) =>
    !named.has(o.id) && !o.hand && !o.clutter &&
    !(room && ["wall", "walls", "floor", "ground"].includes(o.cls))
  ).slice(0, limit);
}

/**
 * The main clause with the setting before or after it. After a clause that ends in a
 * comma phrase or a subclause the setting would seem to belong to it, so it leads.
 */
function withSetting(main: string, setting: string, rng: Rng): string {
  if (!setting) return main;
  if (!main) return `a scene ${setting}`;
  const lead = /[,;]| until | then /.test(main) || rng.choice([true, false]);
  return lead ? `${setting}, ${main}` : `${main} ${setting}`;
}

/** One caption variant, untagged. */
export function fineCaption(facts: ClipFacts, variant: Detail, rng: Rng, maxOthers = 3): string {
  const clauses = eventClauses(facts, variant, rng);
  const long = variant === "long";
  if (variant === "short") return sentence(clauses[0] ?? settingPhrase(facts.setting, rng));
  const setting = settingPhrase(facts.setting, rng, long);
  const main = joinClauses(clauses, rng);
  const parts = [sentence(withSetting(main, setting, rng))];
  parts.push(
    sentence(
      cameraClause(
        facts.camera,
        facts.camera?.subject ?? mainSubject(facts),
        rng,
        long,
        facts.objects,
      ),
    ),
  );
  if (long) {
    parts.push(sentence(othersClause(others(facts, maxOthers), "medium", rng)));
    parts.push(sentence(clutterClause(facts.objects)));
    parts.push(sentence(lightClause(facts.light, rng)));
  }
  return parts.filter(Boolean).join(" ");
}

/** A compact summary of the facts for labels.json and plan reports. */
export function factsRecord(facts: ClipFacts) {
  return {
    objects: facts.objects.map((o) => ({
      id: o.id,
      class: o.cls,
      color: o.color,
      material: o.material ?? (o.metallic ? "metallic" : undefined),
    })),
    actions: facts.actions.map((a) => ({
      verb: a.verb,
      subjects: a.subjects.map((s) => s.id),
      motion: a.motion,
    })),
    motions: facts.motions,
    camera: facts.camera,
    light: facts.light,
    setting: facts.setting,
  };
}

export default definePlugin({
  id: "captioner/fine",
  kind: "captioner",
  description: "Fine-grained short, medium and long captions from the labels, with a synthetic tag",
  defaults: {
    /** Text marking captions as synthetic; "" turns the tag and the negative prompt off. */
    tag: TAG_DEFAULTS.tag,
    /** Where the tag goes: leading (before the text), trailing (after it) or off. */
    tag_position: TAG_DEFAULTS.tag_position,
    /** Negative prompt stored with tagged captions; "" = the tag itself. None when untagged. */
    negative: TAG_DEFAULTS.negative,
    /** Long caption: most other objects it names (not subjects, hands, clutter, room); 0 = none. */
    max_others: 3,
  },
  limits: {
    tag_position: { oneOf: TAG_POSITIONS },
    max_others: { min: 0, max: 20, integer: true },
  },
  create() {
    const watch = new CaptionWatch();
    return {
      clipStart: () => watch.clipStart(),
      frame: (ctx) => watch.frame(ctx),
      rendered: (ctx, frame) => watch.rendered(ctx, frame),
      clipEnd(ctx) {
        const facts = watch.facts(ctx);
        const negative = negativePrompt(ctx.options);
        for (const style of VARIANTS) {
          const text = applyTag(
            fineCaption(facts, style, ctx.rng, ctx.options.max_others),
            ctx.options,
          );
          ctx.caption(negative ? { style, text, negative } : { style, text });
        }
        // labels.json keeps every object's facts; only the captions leave unseen ones out.
        ctx.record("facts", factsRecord(watch.facts(ctx, true)));
      },
    };
  },
});
