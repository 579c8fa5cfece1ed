/** The worked example of docs/plugins.md: a local plugin imported by a scene, rendered and checked. */
import { assert, assertEquals } from "./assert.ts";
import { readLabels } from "./helpers.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { testGpu } from "./helpers.ts";

Deno.test({
  name: "action/hop example renders and its event matches the ball's measured motion",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "synthvid_hop_" });
    const summary = await renderDataset({
      scene: "scenes/examples/hop.yaml",
      out,
      overrides: { clips: 1, width: 64, height: 48 },
      gpu: await testGpu(),
      log: () => {},
    });
    assertEquals(summary.failed, 0);
    const labels = await readLabels(out);
    const [event] = labels.events;
    assertEquals(event.verb, "hop");
    const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
    assertEquals(event.subjects, [ball.id]);
    // The ball's box must rise (smaller y0) inside the labelled window.
    const top = (t: number) => ball.frames[t].bbox[1];
    const during = [...Array(event.end - event.start + 1).keys()].map((i) => top(event.start + i));
    assert(
      Math.min(...during) < top(0) - 2,
      `ball rises on screen: ${top(0)} → ${Math.min(...during)}`,
    );
    assertEquals(labels.sampled["action/hop"].hops, event.args.hops);
  },
});

Deno.test("docs/plugins.md shows the example plugin exactly as it is in scenes/examples/hop.ts", async () => {
  const docs = await Deno.readTextFile("docs/plugins.md");
  const code = await Deno.readTextFile("scenes/examples/hop.ts");
  assert(docs.includes(code.trim()), "update the code block in docs/plugins.md");
});
