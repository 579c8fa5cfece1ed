/**
 * captioner/generic: one short class-level sentence ("A person dances.",
 * "Pushing a ball from left to right.", "A ball rolls."), the kind of caption
 * existing tools would write; the baseline fine captions are compared with.
 */
import { CaptionWatch } from "../../engine/caption/watch.ts";
import type { ClipFacts } from "../../engine/caption/facts.ts";
import { listPhrase, sentence, thirdPerson } from "../../engine/caption/grammar.ts";
import {
  baseVerb,
  fillTemplate,
  objectNP,
  personPredicate,
  personTemplate,
  props,
} from "../../engine/caption/phrases.ts";
import { applyTag, negativePrompt, TAG_DEFAULTS, TAG_POSITIONS } from "../../engine/caption/tag.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";

/** The class-level sentence for a clip's facts, in the present simple. */
export function genericSentence(facts: ClipFacts): string {
  const action = facts.actions[0];
  if (action) {
    const first = action.subjects[0];
    if (first?.human && (!action.template || personTemplate(action.template))) {
      return sentence(`${objectNP(first, "class")} ${personPredicate(action, "class")}`);
    }
    if (action.template) return sentence(fillTemplate(action.template, action.subjects, "class"));
    const who = first ? objectNP(first, "class") : "something";
    return sentence(`${who} ${thirdPerson(baseVerb(action.verb))}`);
  }
  const motion = facts.motions[0];
  if (motion) {
    const o = facts.objects.find((x) => x.id === motion.id)!;
    return sentence(
      `${objectNP(o, "class")} ${
        motion.kind === "rolls" ? "rolls" : motion.kind === "spins" ? "spins" : "moves"
      }`,
    );
  }
  const still = props(facts.objects).slice(0, 3);
  if (still.length === 0) return sentence("an empty scene");
  return sentence(`a still scene with ${listPhrase(still.map((o) => objectNP(o, "class")))}`);
}

export default definePlugin({
  id: "captioner/generic",
  kind: "captioner",
  description: "One generic class-level sentence per clip (optionally tagged)",
  defaults: {
    /** Text marking captions as synthetic; "" turns the tag and the negative prompt off. */
    tag: TAG_DEFAULTS.tag,
    /** Where the tag goes: leading (before the text), trailing (after it) or off. */
    tag_position: "off",
    /** Negative prompt stored with tagged captions; "" = the tag itself. None when untagged. */
    negative: TAG_DEFAULTS.negative,
  },
  limits: { tag_position: { oneOf: TAG_POSITIONS } },
  create() {
    const watch = new CaptionWatch();
    return {
      clipStart: () => watch.clipStart(),
      frame: (ctx) => watch.frame(ctx),
      rendered: (ctx, frame) => watch.rendered(ctx, frame),
      clipEnd(ctx) {
        const text = applyTag(genericSentence(watch.facts(ctx)), ctx.options);
        const negative = negativePrompt(ctx.options);
        ctx.caption(negative ? { style: "generic", text, negative } : { style: "generic", text });
      },
    };
  },
});
