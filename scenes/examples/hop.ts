/** Example action plugin: an object hops in place. See docs/plugins.md. */
import { definePlugin, type SceneObject } from "../../mod.ts";

export const hop = definePlugin({
  id: "action/hop",
  kind: "action",
  description: "Makes the named object hop in place a few times.",
  defaults: { subject: "ball", hops: 2, height: 0.5 },
  limits: { hops: { min: 1, max: 10, integer: true }, height: { min: 0, max: 5 } },
  create() {
    let subject: SceneObject;
    let baseY = 0;
    let firstAir = -1;
    let lastAir = -1;
    return {
      clipStart(ctx) {
        const found = ctx.scene.find(ctx.options.subject);
        if (!found) throw new Error(`no object named "${ctx.options.subject}"`);
        subject = found;
        baseY = subject.position[1];
        firstAir = lastAir = -1;
      },
      frame(ctx) {
        // |sin| arcs: `hops` parabola-like bounces over the clip.
        const phase = (ctx.frame / (ctx.frames - 1)) * Math.PI * ctx.options.hops;
        const lift = ctx.frame < ctx.frames ? ctx.options.height * Math.abs(Math.sin(phase)) : 0;
        subject.position = [subject.position[0], baseY + lift, subject.position[2]];
        // Start and end come from the motion itself, not the plan.
        if (lift > 0.01 && ctx.frame < ctx.frames) {
          if (firstAir < 0) firstAir = ctx.frame;
          lastAir = ctx.frame;
        }
      },
      clipEnd(ctx) {
        if (firstAir < 0) return;
        ctx.emit({
          verb: "hop",
          subjects: [subject.id],
          start: firstAir,
          end: lastAir,
          template: "Making [something] hop",
          label: `Making the ${subject.cls} hop ${ctx.options.hops} time${
            ctx.options.hops === 1 ? "" : "s"
          }`,
          args: { hops: ctx.options.hops, height: ctx.options.height },
        });
      },
    };
  },
});
