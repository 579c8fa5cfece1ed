/** A plugin that throws RedrawClip gets the clip drawn again (fresh streams), up to a limit. */
import { assert, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene } from "./helpers.ts";
import { definePlugin, RedrawClip } from "../mod.ts";
import { SIMULATION_REDRAWS } from "../engine/run/clip_loop.ts";

let calls = 0;
let missEvery = 0; // throw on the first `missEvery` draws of each clip
const flaky = definePlugin({
  id: "action/test_flaky",
  kind: "action",
  description: "test: misses its label on the first draws",
  defaults: {},
  create() {
    let draw = 0;
    return {
      clipStart(ctx) {
        calls++;
        if (draw++ < missEvery) throw new RedrawClip("the topple did not fall");
        ctx.record("value", ctx.rng.uniform(0, 1));
      },
      clipEnd() {
        draw = 0;
      },
    };
  },
});

const SCENE = `
frames: 2
size: [16, 16]
outputs: [rgb]
objects: [{ name: ball, mesh: sphere }]
plugins: [{ use: action/test_flaky }]
`;

Deno.test("RedrawClip: the clip is drawn again with fresh streams; past the limit it fails", async () => {
  calls = 0;
  missEvery = 1;
  const { summary, out } = await renderTestScene(SCENE, { registry: [flaky] });
  assertEquals(summary.failed, 0);
  assertEquals(calls, 2, "one miss, one redraw");
  const labels = await readLabels(out);
  assertEquals(labels.framing.draw, 1, "labels say which draw was kept");

  calls = 0;
  missEvery = 99;
  const failing = await renderTestScene(SCENE, { registry: [flaky] });
  assertEquals(failing.summary.failed, 1);
  assertEquals(calls, SIMULATION_REDRAWS + 1);
  const error = failing.summary.clips[0].error ?? "";
  assert(error.includes("the topple did not fall"), error);
});
