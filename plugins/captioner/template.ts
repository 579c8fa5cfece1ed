/**
 * captioner/template: the something-something style label of each action
 * event ("Pushing [something] from left to right") and its filled form
 * ("Pushing a red rubber ball from left to right"), with the objects named
 * from the labels (colour name, material). Clips without action events get no
 * template caption: there is no action to name.
 */
import { CaptionWatch } from "../../engine/caption/watch.ts";
import {
  fillTemplate,
  objectNP,
  personPredicate,
  personTemplate,
} from "../../engine/caption/phrases.ts";
import { sentence } from "../../engine/caption/grammar.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";

export default definePlugin({
  id: "captioner/template",
  kind: "captioner",
  description: "Something-something templates of the clip's actions and their filled forms",
  defaults: {
    /** Also caption each event's filled label (objects named by colour and material). */
    filled: true,
  },
  create() {
    const watch = new CaptionWatch();
    return {
      clipStart: () => watch.clipStart(),
      frame: (ctx) => watch.frame(ctx),
      rendered: (ctx, frame) => watch.rendered(ctx, frame),
      clipEnd(ctx) {
        const facts = watch.facts(ctx);
        for (const action of facts.actions) {
          if (!action.template) continue;
          ctx.caption({ style: "template", text: action.template });
          if (ctx.options.filled) {
            // "[Someone] walking forward" fills to a sentence: "A man in a red shirt walks forward."
            const person = personTemplate(action.template) && action.subjects[0]?.human;
            const text = person
              ? `${objectNP(action.subjects[0], "medium")} ${personPredicate(action, "medium")}`
              : fillTemplate(action.template, action.subjects, "medium");
            ctx.caption({ style: "label", text: sentence(text) });
          }
        }
      },
    };
  },
});
