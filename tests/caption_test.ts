/**
 * Captioners: colour names, grammar, expected sentences for fixed facts, the
 * synthetic tag, captions agreeing with the labels over 200 planned clips of
 * every shipped scene, and planned captions equal to rendered ones.
 */
import { parse, stringify } from "yaml";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { horizontalShare } from "../engine/caption/observer.ts";
import { renderTestScene } from "./helpers.ts";
import {
  COLOR_NAMES,
  materialColorName,
  nameLinearColor,
  nameSrgbColor,
} from "../engine/caption/color_names.ts";
import type { ClipFacts, ObjectFacts } from "../engine/caption/facts.ts";
import {
  article,
  listPhrase,
  presentSimple,
  sentence,
  thirdPerson,
} from "../engine/caption/grammar.ts";
import { applyTag, negativePrompt, stripTag } from "../engine/caption/tag.ts";
import { captionStats } from "../engine/caption/stats.ts";
import { fineCaption } from "../plugins/captioner/fine.ts";
import { cameraClause } from "../engine/caption/phrases.ts";
import { genericSentence } from "../plugins/captioner/generic.ts";
import { planDataset } from "../engine/run/dataset_run.ts";
import { definePlugin, type PluginDefinition } from "../engine/plugin/contract.ts";
import type { Quat, Vec3 } from "../engine/scene/scene.ts";
import { Rng } from "../engine/scene/rng.ts";
import { srgbToLinear } from "../engine/scene/color.ts";
import { captioners } from "../plugins/captioner/mod.ts";
import { randomizers } from "../plugins/randomizer/mod.ts";
import { disagreements, seenInLabels, type Truth, truthPlugin } from "./caption_checker.ts";

// ---------------------------------------------------------------- fixed inputs

/** An Rng whose choices always take the first option, so sentences are predictable. */
const firstChoice = { choice: <T>(items: readonly T[]) => items[0] } as unknown as Rng;

const object = (o: Partial<ObjectFacts> & { id: number; cls: string }): ObjectFacts => ({
  noun: o.cls.replace(/_/g, " "),
  metallic: false,
  clothing: [],
  human: false,
  surface: false,
  ...o,
});

const ball = object({ id: 2, cls: "ball", color: "red", material: "rubber" });
const box = object({ id: 3, cls: "box", color: "yellow", material: "wooden" });
const floor = object({ id: 1, cls: "floor", color: "gray", surface: true });
const person = object({
  id: 4,
  cls: "person",
  color: undefined,
  human: true,
  clothing: ["red shirt", "blue jeans"],
});

const facts = (f: Partial<ClipFacts>): ClipFacts => ({
  objects: [],
  actions: [],
  motions: [],
  setting: {},
  ...f,
});

Deno.test("a second mention says more when another object reads the same: the woman in a white t-shirt", () => {
  const a = { ...person, id: 5, noun: "woman", clothing: ["white t-shirt", "blue jeans"] };
  const b = { ...person, id: 6, noun: "woman", clothing: ["red dress"] };
  const man = { ...person, id: 7, noun: "man" };
  const follow = { move: "follow" as const };
  assertEquals(
    cameraClause(follow, a, firstChoice, false, [a, man]),
    "the camera follows the woman",
  );
  assertEquals(
    cameraClause(follow, a, firstChoice, false, [a, b, man]),
    "the camera follows the woman in a white t-shirt",
  );
  assertEquals(
    cameraClause(follow, b, firstChoice, false, [a, b, man]),
    "the camera follows the woman in a red dress",
  );
}); // deno-fmt-ignore

Deno.test("nameLinearColor names primaries, greys and the default palette's colours", () => {
  assertEquals(nameLinearColor([1, 0, 0]), "red");
  assertEquals(nameLinearColor([0, 0, 1]), "blue");
  assertEquals(nameLinearColor([0, 1, 0]), "lime");
  assertEquals(nameLinearColor([1, 1, 1]), "white");
  assertEquals(nameLinearColor([0, 0, 0]), "black");
  assertEquals(nameLinearColor([0.2, 0.2, 0.2].map(srgbToLinear) as Vec3), "dark gray");
  assertEquals(nameSrgbColor([0.5, 0.5, 0.5]), "gray");
  assertEquals(nameSrgbColor([1, 0.5, 0.05]), "orange");
  assertEquals(nameSrgbColor([0.95, 0.85, 0.1]), "yellow");
  assertEquals(nameSrgbColor([0.5, 0.2, 0.7]), "purple");
  assertEquals(nameSrgbColor([0.17, 0.63, 0.17]), "green");
  assertEquals(nameSrgbColor([1, 0.6, 0.75]), "pink");
  assertEquals(nameSrgbColor([0.45, 0.28, 0.13]), "brown");
  assertEquals(nameSrgbColor([0.1, 0.12, 0.4]), "navy");
  assertEquals(nameSrgbColor([2, -1, 0.1]), "red", "out-of-range channels are clamped");
  assertEquals(materialColorName({ color: [1, 0, 0], colorName: "crimson" }), "crimson");
  assertEquals(materialColorName({ color: [1, 0, 0], texture: "wood" }), undefined);
  assert(!COLOR_NAMES.some((n) => n.includes("light")), "no colour word doubles as a light word");
});

Deno.test("grammar helpers choose articles, agree verbs and join lists", () => {
  assertEquals(["apple", "ball", "uniform", "hour", "orange", "umbrella"].map(article), [
    "an",
    "a",
    "a",
    "an",
    "an",
    "an",
  ]);
  assertEquals(["push", "carry", "dance", "touch", "play", "go"].map(thirdPerson), [
    "pushes",
    "carries",
    "dances",
    "touches",
    "plays",
    "goes",
  ]);
  assertEquals(listPhrase(["a"]), "a");
  assertEquals(listPhrase(["a", "b"]), "a and b");
  assertEquals(listPhrase(["a", "b", "c"]), "a, b and c");
  assertEquals(sentence("  the camera  pans.. "), "The camera pans.");
});

Deno.test("fineCaption writes the expected sentences for fixed facts", () => {
  const push = facts({
    objects: [floor, ball, box],
    actions: [{
      verb: "push_left_to_right",
      template: "Pushing [something] from left to right",
      subjects: [ball],
      start: 3,
    }],
    camera: { move: "pan", direction: "left", speed: "slowly" },
    light: { warmth: "warm", brightness: "bright", from: "left", shadows: true },
    setting: { type: "backdrop", background: "sky blue" },
  });
  assertEquals(
    fineCaption(push, "short", firstChoice),
    "Someone pushes a red ball from left to right.",
  );
  assertEquals(
    fineCaption(push, "medium", firstChoice),
    "Against a sky blue background, someone pushes a red rubber ball from left to right. " +
      "The camera slowly pans to the left.",
  );
  assertEquals(
    fineCaption(push, "long", firstChoice),
    "Against a sky blue background, someone pushes a red rubber ball from left to right. " +
      "The camera slowly pans to the left. The scene also contains a gray floor and a yellow wooden box. " +
      "Bright, warm light comes from the left, casting shadows to the right.",
  );

  const dance = facts({
    objects: [floor, person, object({ id: 5, cls: "wall", color: "beige", surface: true })],
    actions: [{ verb: "dance", subjects: [person], motion: "uprock", start: 0 }],
    camera: { move: "orbit", direction: "right", framing: "medium shot" },
    setting: { type: "room", walls: ["beige"], floor: "gray" },
  });
  assertEquals(fineCaption(dance, "short", firstChoice), "A person performs an uprock.");
  assertEquals(
    fineCaption(dance, "long", firstChoice),
    "In a room with beige walls and a gray floor, a person in a red shirt and blue jeans performs an uprock. " +
      "The camera circles around the person to the right, starting from a medium shot.",
  );

  const roll = facts({
    objects: [floor, ball, box],
    motions: [{ id: 2, kind: "rolls", direction: "toward", speed: "quickly" }, {
      id: 3,
      kind: "spins",
    }],
    camera: { move: "static" },
  });
  assertEquals(
    fineCaption(roll, "medium", firstChoice),
    "A red rubber ball rolls quickly toward the camera, while a yellow wooden box spins in place. " +
      "The camera is static.",
  );
  const still = facts({ objects: [floor, ball, box], light: { from: "above" } });
  assertEquals(fineCaption(still, "short", firstChoice), "A red ball and a yellow box stay still.");
  assertEquals(
    fineCaption(still, "long", firstChoice),
    "A red rubber ball and a yellow wooden box stay still. The scene also contains a gray floor. " +
      "Light comes from above.",
  );
  const walls = facts({
    objects: [
      ball,
      ...[6, 7, 8].map((id) => object({ id, cls: "wall", color: "gray", surface: true })),
    ],
  });
  assertEquals(
    fineCaption(walls, "long", firstChoice),
    "A red rubber ball stays still. The scene also contains three gray walls.",
    "identical items are counted, not repeated",
  );
});

Deno.test("genericSentence is class level, in the present simple", () => {
  assertEquals(
    genericSentence(
      facts({ actions: [{ verb: "dance", subjects: [person], start: 0, motion: "spin" }] }),
    ),
    "A person does a spin.",
  );
  assertEquals(
    genericSentence(facts({
      actions: [{
        verb: "uprock",
        template: "[Someone] dancing an uprock",
        subjects: [{ ...person, noun: "woman" }],
        start: 0,
      }],
    })),
    "A person dances an uprock.",
  );
  assertEquals(
    genericSentence(
      facts({
        actions: [{
          verb: "push",
          template: "Pushing [something] from left to right",
          subjects: [ball],
          start: 0,
        }],
      }),
    ),
    "Pushing a ball from left to right.",
  );
  assertEquals(
    genericSentence(facts({ objects: [ball], motions: [{ id: 2, kind: "rolls" }] })),
    "A ball rolls.",
  );
  assertEquals(
    genericSentence(facts({ objects: [floor, ball, box] })),
    "A still scene with a ball and a box.",
  );
});

Deno.test("presentSimple turns every shipped template's gerunds into the present simple", () => {
  const cases: [string, string][] = [
    ["dancing an uprock", "dances an uprock"],
    ["running forward", "runs forward"],
    ["sitting down on [something]", "sits down on [something]"],
    ["doing squats", "does squats"],
    ["waving [hand]", "waves [hand]"],
    ["clapping hands", "claps hands"],
    ["falling over", "falls over"],
    [
      "Sliding [something] across a surface until it stops",
      "slides [something] across a surface until it stops",
    ],
    [
      "Lifting up one end of [something], then letting it drop down",
      "lifts up one end of [something], then lets it drop down",
    ],
    ["Making [something] hop", "makes [something] hop"],
    ["Putting [something] on top of [something]", "puts [something] on top of [something]"],
    ["Knocking [something] over", "knocks [something] over"],
    ["Dropping [something] onto a surface", "drops [something] onto a surface"],
    [
      "Moving [something] and [something] closer to each other",
      "moves [something] and [something] closer to each other",
    ],
  ]; // deno-fmt-ignore
  for (const [gerund, present] of cases) assertEquals(presentSimple(gerund), present);
});

Deno.test("the synthetic tag leads, trails or is off, with its negative prompt", () => {
  const o = { tag: "[synthetic]", tag_position: "leading", negative: "" };
  assertEquals(applyTag("A ball.", o), "[synthetic] A ball.");
  assertEquals(negativePrompt(o), "[synthetic]");
  assertEquals(applyTag("A ball.", { ...o, tag_position: "trailing" }), "A ball. [synthetic]");
  assertEquals(applyTag("A ball.", { ...o, tag_position: "off" }), "A ball.");
  assertEquals(negativePrompt({ ...o, tag_position: "off" }), undefined);
  assertEquals(
    negativePrompt({ ...o, negative: "[synthetic], cgi render" }),
    "[synthetic], cgi render",
  );
  assertEquals(stripTag("[synthetic] A ball.", "[synthetic]"), "A ball.");
});

// ------------------------------------------- fake plugins standing in for others' work

const PUSH_TEMPLATES = {
  left_to_right: "Pushing [something] from left to right",
  right_to_left: "Pushing [something] from right to left",
} as const;

/** Pushes one prop sideways (along the camera's right axis) and says so in an event. */
const fakePush = definePlugin({
  id: "action/fake_push",
  kind: "action",
  description: "test: pushes a prop sideways",
  // metres per second; scenes give a range ([0.1, 2]) to draw one per clip
  defaults: { speed: 1 },
  create() {
    let target: { id: number; start: Vec3 } | undefined;
    let sign = 1;
    return {
      clipStart(ctx) {
        const props = ctx.scene.objects.filter((o) =>
          !["floor", "wall", "ceiling", "table", "hand", "clutter", "person", "human"].includes(
            o.cls,
          )
        );
        if (props.length === 0) return;
        const o = ctx.rng.choice(props);
        target = { id: o.id, start: [...o.position] };
        sign = ctx.rng.chance(0.5) ? 1 : -1;
        const direction = sign > 0 ? "left_to_right" : "right_to_left";
        ctx.emit({
          verb: `push_${direction}`,
          subjects: [o.id],
          start: 0,
          end: ctx.frames - 1,
          template: PUSH_TEMPLATES[direction],
          args: { direction, speed: ctx.options.speed },
        });
      },
      frame(ctx) {
        const o = target && ctx.scene.find(target.id);
        if (!o || !target) return;
        const right = ctx.scene.camera.rotation;
        // Camera right axis (renderer frame: +x), flattened.
        const [x, y, z, w] = right;
        const r: Vec3 = [1 - 2 * (y * y + z * z), 0, 2 * (x * z - w * y)];
        const d = sign * ctx.options.speed * ctx.time;
        o.position = [target.start[0] + r[0] * d, target.start[1], target.start[2] + r[2] * d];
      },
    };
  },
});

/** Adds a dancing person (a capsule) in coloured clothes. */
const fakeDance = definePlugin({
  id: "action/fake_dance",
  kind: "action",
  description: "test: a person dancing a named move",
  defaults: { move: { choice: ["uprock", "spin", "freeze", "moonwalk"] } as unknown as string },
  create() {
    return {
      clipStart(ctx) {
        const shirt = ctx.rng.choice(["red", "navy", "white"]);
        const p = ctx.scene.add({
          mesh: "capsule",
          class: "person",
          name: "dancer",
          position: [0, 0.5, 1],
          attributes: { clothing: { shirt, jeans: { color: [0.02, 0.05, 0.3] } } },
          material: { color: [0.6, 0.4, 0.3] },
        });
        ctx.emit({
          verb: "dance",
          subjects: [p.id],
          start: 0,
          end: ctx.frames - 1,
          args: { motion: ctx.options.move },
        });
      },
    };
  },
});

/** A camera randomizer: pans (and records it) or leaves the camera still (records nothing). */
const fakeCamera = definePlugin({
  id: "randomizer/fake_camera",
  kind: "randomizer",
  description: "test: pans the camera",
  defaults: { pan: true },
  create() {
    let start: Quat = [0, 0, 0, 1];
    let rate = 0;
    return {
      clipStart(ctx) {
        start = [...ctx.scene.camera.rotation];
        if (!ctx.rng.chance(0.5)) return;
        rate = ctx.rng.choice([-1, 1]) * ctx.rng.uniform(3, 40); // degrees per second about +Y
        const speed = Math.abs(rate) < 5 ? "slow" : Math.abs(rate) > 20 ? "fast" : undefined;
        ctx.record("camera", { move: "pan", direction: rate > 0 ? "left" : "right", speed });
      },
      frame(ctx) {
        const a = (rate * ctx.time * Math.PI) / 360;
        const q: Quat = [0, Math.sin(a), 0, Math.cos(a)];
        const [x, y, z, w] = start;
        ctx.scene.camera.rotation = [
          q[3] * x + q[0] * w + q[1] * z - q[2] * y,
          q[3] * y - q[0] * z + q[1] * w + q[2] * x,
          q[3] * z + q[0] * y - q[1] * x + q[2] * w,
          q[3] * w - q[0] * x - q[1] * y - q[2] * z,
        ];
      },
    };
  },
});

/** A palette randomizer: recolours props with named colours and gives them material presets. */
const fakePalette = definePlugin({
  id: "randomizer/fake_palette",
  kind: "randomizer",
  description: "test: named palette colours and presets",
  defaults: {},
  create() {
    const palette: [string, Vec3][] = [["crimson", [0.6, 0.01, 0.03]], ["teal", [0.0, 0.2, 0.2]], [
      "sand",
      [0.7, 0.55, 0.3],
    ]];
    return {
      clipStart(ctx) {
        for (const o of ctx.scene.objects) {
          if (o.cls === "floor" || !ctx.rng.chance(0.6)) continue;
          const [name, color] = ctx.rng.choice(palette);
          o.material = {
            ...o.material,
            color,
            colorName: name,
            preset: ctx.rng.choice(["wood", "plastic", "glass", "rubber"]),
          };
        }
      },
    };
  },
});

// ------------------------------------------------------------- structure

/** Signs of a broken template: empty slots, doubled words, bad case or punctuation. */
function structuralProblems(text: string): string[] {
  const problems: string[] = [];
  for (const s of text.split(/(?<=\.) /)) {
    if (!/^[A-Z]/.test(s)) problems.push(`sentence not capitalised: "${s}"`);
    if (!/[a-z]\.$/.test(s)) problems.push(`sentence does not end in one full stop: "${s}"`);
  }
  const doubled = /\b(\w+) \1\b/i.exec(text);
  if (doubled) problems.push(`doubled word "${doubled[0]}"`);
  if (/\b(a|an) (a|an|the)\b/i.test(text)) problems.push("doubled article");
  if (/\b(undefined|null|NaN)\b|\[|\]|  | [,.;]|,,/.test(text)) problems.push("empty slot");
  return problems;
}

Deno.test("structuralProblems flags broken templates", () => {
  assertEquals(structuralProblems("A red ball rolls. The camera is static."), []);
  assert(structuralProblems("a ball.").length > 0);
  assert(structuralProblems("A a ball rolls.").length > 0);
  assert(structuralProblems("A ball rolls rolls.").length > 0);
  assert(structuralProblems("A undefined ball , rolls.").length > 0);
  assert(structuralProblems("A ball rolls").length > 0);
});

// ------------------------------------------------------------- scenes

// deno-lint-ignore no-explicit-any
const STAND_INS: PluginDefinition<any>[] = [fakePalette, fakeCamera, fakePush, fakeDance];

async function builtinRegistry() {
  return (await import("../plugins/mod.ts")).builtins;
}

/** Every scene YAML under scenes/, recursively. */
async function shippedScenes(dir = "scenes"): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...await shippedScenes(`${dir}/${e.name}`));
    else if (e.name.endsWith(".yaml") && !e.name.startsWith(".")) out.push(`${dir}/${e.name}`);
  }
  return out.sort();
}

/**
 * Plans `clips` clips of a scene with the captioners and the truth observer appended (and the
 * stand-in randomizers/actions when asked), from a copy written beside the scene so relative
 * imports and assets still resolve.
 */
/** Every shipped randomizer, drawn widely: scene types, lights, materials, clutter, camera moves. */
const RANDOMIZERS_BEFORE = [
  {
    use: "randomizer/scene",
    with: { type: { choice: ["env", "basic", "empty"] }, background: "palette" },
  },
  {
    use: "randomizer/lighting",
    with: { temperature_range: [2500, 9000], intensity_range: [0.5, 5] },
  },
];
const RANDOMIZERS_AFTER = [
  { use: "randomizer/materials", with: { texture_chance: 0.5 } },
  { use: "randomizer/clutter", with: { count: { choice: [0, 1, 4] } } },
  { use: "randomizer/camera", with: { on_screen: { choice: [0.12, 0.45, 0.8] } } },
];

type Variant = "as shipped" | "with stand-in actions" | "with every randomizer";

async function planWithTruth(scene: string, clips: number, variant: Variant) {
  const doc = parse(await Deno.readTextFile(scene)) as Record<string, unknown>;
  const plugins = [...((doc.plugins as Record<string, unknown>[]) ?? [])];
  const has = (id: string) => plugins.some((p) => p.use === id);
  // Plugins that move things go before the scene's captioners, which must see each frame last.
  const beforeCaptioners = (...added: Record<string, unknown>[]) => {
    const at = plugins.findIndex((p) => String(p.use).startsWith("captioner/"));
    plugins.splice(at < 0 ? plugins.length : at, 0, ...added);
  };
  if (variant === "with stand-in actions") {
    plugins.unshift({ use: "randomizer/fake_palette" }, { use: "randomizer/fake_camera" });
    beforeCaptioners({ use: "action/fake_push", with: { speed: [0.1, 2] } }, {
      use: "action/fake_dance",
    });
  }
  if (variant === "with every randomizer") {
    // Randomizers a scene already has stay as the scene sets them.
    const missing = (list: { use: string }[]) => list.filter((r) => !has(r.use));
    plugins.unshift(...missing(RANDOMIZERS_BEFORE));
    beforeCaptioners(...missing(RANDOMIZERS_AFTER));
  }
  for (const id of ["captioner/template", "captioner/generic", "captioner/fine"]) {
    if (!has(id)) plugins.push({ use: id });
  }
  plugins.push({ use: "captioner/test_truth" });
  doc.plugins = plugins;
  const dir = scene.slice(0, scene.lastIndexOf("/"));
  const copy = `${dir}/.caption_test_${crypto.randomUUID().slice(0, 8)}.yaml`;
  await Deno.writeTextFile(copy, stringify(doc));
  try {
    return await planDataset({
      scene: copy,
      overrides: { clips, frames: Math.min(48, (doc.frames as number) ?? 48) },
      registry: [...await builtinRegistry(), ...STAND_INS, truthPlugin],
      log: () => {},
    });
  } finally {
    await Deno.remove(copy).catch(() => {});
  }
}

for (const scene of await shippedScenes()) {
  for (const variant of ["as shipped", "with stand-in actions", "with every randomizer"] as const) {
    Deno.test(`captions agree with the labels over 200 planned clips of ${scene} ${variant}`, async () => {
      const summary = await planWithTruth(scene, 200, variant);
      assertEquals(summary.failed, 0, summary.clips.find((c) => c.error)?.error);
      const problems: string[] = [];
      for (const clip of summary.clips) {
        const truth = clip.records["captioner/test_truth"].truth as Truth;
        const styles = clip.captions.map((c) => c.style);
        for (const style of ["generic", "short", "medium", "long"]) {
          assert(styles.includes(style), `clip ${clip.clip} has a ${style} caption`);
        }
        for (const caption of clip.captions) {
          assert(
            caption.style === "template" ||
              (/^[A-Z\[]/.test(caption.text) && /[.\]]$/.test(caption.text)),
            `sentence case: ${caption.text}`,
          );
          if (caption.style !== "template") {
            for (const p of structuralProblems(stripTag(caption.text, "[synthetic]"))) {
              problems.push(`clip ${clip.clip} ${caption.style}: ${p}\n    ${caption.text}`);
            }
          }
          for (const p of disagreements(stripTag(caption.text, "[synthetic]"), clip, truth)) {
            problems.push(`clip ${clip.clip} ${caption.style}: ${p}\n    ${caption.text}`);
          }
        }
      }
      assert(
        problems.length === 0,
        `${problems.length} disagreement(s):\n${problems.slice(0, 10).join("\n")}`,
      );
      assert(
        summary.seconds / summary.clips.length < 0.25,
        `plan takes ${summary.seconds / 200} s/clip`,
      );
    });
  }
}

Deno.test("the checker catches captions that contradict the labels", async () => {
  const summary = await planWithTruth("scenes/default.yaml", 3, "with stand-in actions");
  for (const clip of summary.clips) {
    const truth = clip.records["captioner/test_truth"].truth as Truth;
    const long = clip.captions.find((c) => c.style === "long")!.text;
    const ball = truth.objects.find((o) => o.cls === "ball")!;
    const color = materialColorName({ color: ball.color, colorName: ball.colorName })!;
    const wrong = color === "red" ? "blue" : "red";
    assert(disagreements(`A ${wrong} ball.`, clip, truth).length > 0, "wrong colour caught");
    assert(
      disagreements("The camera zooms in.", clip, truth).length > 0,
      "wrong camera move caught",
    );
    assert(
      disagreements("A person performs a backflip.", clip, truth).length > 0,
      "wrong human motion caught",
    );
    assertEquals(disagreements(stripTag(long, "[synthetic]"), clip, truth), []);
  }
});

Deno.test("the checker catches a wrong garment, garment colour or pattern on a person", async () => {
  const summary = await planWithTruth("scenes/human_actions.yaml", 6, "as shipped");
  let checked = 0;
  for (const clip of summary.clips) {
    const truth = clip.records["captioner/test_truth"].truth as Truth;
    const person = truth.objects.find((o) => o.attributes.clothing);
    if (!person) continue;
    const clothing = person.attributes.clothing as Record<string, string>;
    const [garment, color] = Object.entries(clothing)[0];
    const other = color === "red" ? "green" : "red";
    assertEquals(disagreements(`A person in a ${color} ${garment}.`, clip, truth), []);
    assert(
      disagreements(`A person in a ${other} ${garment}.`, clip, truth).length > 0,
      `${other} ${garment}`,
    );
    const missing = garment === "skirt" ? "jacket" : "skirt";
    if (!(missing in clothing)) {
      assert(
        disagreements(`A person in a ${color} ${missing}.`, clip, truth).length > 0,
        `${color} ${missing}`,
      );
    }
    const pattern = person.attributes.top_pattern === "striped" ? "dotted" : "striped";
    assert(
      disagreements(`A person in a ${pattern} ${color} ${garment}.`, clip, truth).length > 0,
      pattern,
    );
    checked++;
  }
  assert(checked > 0, "some clips have a dressed person");
}); // deno-fmt-ignore

/** One-word lies about the camera, light, setting and clutter: each turns a true caption false. */
const LIES: [RegExp, (word: string) => string][] = [
  [/to the (left|right)/, (w) => w.endsWith("left") ? "to the right" : "to the left"],
  [
    /from (the left|the right|the front|behind)\b/,
    (w) =>
      ({
        "from the left": "from the right",
        "from the right": "from the left",
        "from the front": "from behind",
        "from behind": "from the front",
      })[w]!,
  ], // deno-fmt-ignore
  [/\b(warm|cool|bright|dim)\b/, (w) => ({ warm: "cool", cool: "warm", bright: "dim", dim: "bright" })[w]!],
  [
    /moves in toward|pulls back from|tilts up|tilts down/,
    (w) =>
      ({
        "moves in toward": "pulls back from",
        "pulls back from": "moves in toward",
        "tilts up": "tilts down",
        "tilts down": "tilts up",
      })[w]!,
  ], // deno-fmt-ignore
  [/\b(under a clear sky|at sunset|under an overcast sky|at dusk|in a studio)\b/, (w) =>
    w === "at sunset" ? "under a clear sky" : "at sunset"],
  [/\b(one|four) more object/, (w) => w.startsWith("one") ? "four more object" : "one more object"],
  [
    /a (?:white|beige|light gray|sage green|pale blue|terracotta|warm gray) (?:back wall|room)|(?:white|beige|light gray|sage green|pale blue|terracotta|warm gray) walls/,
    (w) =>
      w.replace(
        /white|beige|light gray|sage green|pale blue|terracotta|warm gray/,
        (c) => c === "beige" ? "terracotta" : "beige",
      ),
  ], // deno-fmt-ignore
];

Deno.test("the checker catches camera, light, setting and clutter words that contradict the labels", async () => {
  let told = 0;
  for (const scene of ["scenes/default.yaml", "scenes/something_something.yaml"]) {
    const summary = await planWithTruth(scene, 24, "with every randomizer");
    for (const clip of summary.clips) {
      const truth = clip.records["captioner/test_truth"].truth as Truth;
      const long = stripTag(clip.captions.find((c) => c.style === "long")!.text, "[synthetic]");
      assertEquals(disagreements(long, clip, truth), []);
      for (const [pattern, lie] of LIES) {
        const m = pattern.exec(long);
        if (!m) continue;
        const lying = long.slice(0, m.index) + lie(m[0]) + long.slice(m.index + m[0].length);
        assert(disagreements(lying, clip, truth).length > 0, `not caught: ${lying}`);
        told++;
      }
    }
  }
  assert(told >= 60, `only ${told} lies were tried`);
});

// ------------------------------------------------------------- fixed seeds

const FIXED_SCENE = `
name: fixed
seed: 5
clips: 4
frames: 24
fps: 24
size: [64, 48]
camera: { position: [0, 1.4, 3.5], look_at: [0, 0.4, 0], fov: 50 }
background: [0.2, 0.4, 0.9]
objects:
  - { name: floor, class: floor, mesh: plane, scale: [8, 1, 8], color: [0.5, 0.5, 0.5] }
  - { name: ball, class: ball, mesh: sphere, position: [-0.6, 0.3, 0.3], scale: 0.6, color: "#d62728", material: rubber }
  - { name: box, class: box, mesh: cube, position: [0.7, 0.25, -0.4], scale: 0.5, color: "#f2d21b", material: wood }
plugins:
  - { use: randomizer/scene, with: { type: { choice: [env, basic, empty] }, background: palette } }
  - { use: randomizer/lighting }
  - { use: action/fake_push, with: { speed: [0.1, 2] } }
  - { use: randomizer/camera, with: { movement: { choice: [static, pan, dolly, spin] }, on_screen: 0.8 } }
  - { use: captioner/generic }
  - { use: captioner/fine }
`;

/** Planned captions of FIXED_SCENE, tag removed, as "clip style: text" lines. */
async function fixedCaptions(): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "captions_" });
  try {
    await Deno.writeTextFile(`${dir}/scene.yaml`, FIXED_SCENE);
    const summary = await planDataset({
      scene: `${dir}/scene.yaml`,
      registry: [...await builtinRegistry(), ...STAND_INS],
      log: () => {},
    });
    return summary.clips.flatMap((c) =>
      c.captions.map((cap) => `${c.clip} ${cap.style}: ${stripTag(cap.text, "[synthetic]")}`)
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("captioners write the expected sentences for fixed seeds", async () => {
  assertEquals(await fixedCaptions(), [
    "0 generic: Pushing a ball from left to right.",
    "0 short: The video shows someone pushing a red ball from left to right.",
    "0 medium: At dusk, the video shows someone pushing a red rubber ball from left to right.",
    "0 long: At dusk, the video shows someone pushing a red rubber ball from left to right. A gray floor and a yellow wooden box are also in the scene. The scene is lit from the front, casting shadows away from the camera.",
    "1 generic: Pushing a box from left to right.",
    "1 short: Someone slowly pushes a yellow box from left to right.",
    "1 medium: At dusk, the video shows someone slowly pushing a yellow wooden box from left to right. The camera stays still.",
    "1 long: At dusk, the video shows someone slowly pushing a yellow wooden box from left to right. A static camera films the red ball in a close-up. The scene also contains a gray floor and a red rubber ball. Warm light comes from the front, casting shadows away from the camera.",
    "2 generic: Pushing a ball from left to right.",
    "2 short: Someone quickly pushes a red ball from left to right.",
    "2 medium: In a studio, the video shows someone quickly pushing a red rubber ball from left to right.",
    "2 long: In a studio, the video shows someone quickly pushing a red rubber ball from left to right. The scene also contains a gray floor and a yellow wooden box. The scene is lit by cool light from the front, casting shadows away from the camera.",
    "3 generic: Pushing a box from left to right.",
    "3 short: Someone pushes a yellow box from left to right.",
    "3 medium: Someone pushes a yellow wooden box from left to right inside a room with sage green walls. The camera pans to the left.",
    "3 long: Someone pushes a yellow wooden box from left to right inside a room with sage green walls and a gray floor. The camera pans to the left. A red rubber ball is also in the scene. Light comes from the left, casting shadows to the right.",
  ]);
});

// ------------------------------------------------------------- plan == render

const TINY_SCENE = `
name: tiny
seed: 11
clips: 2
frames: 4
size: [32, 32]
outputs: [rgb]
camera: { position: [0, 1.2, 3], look_at: [0, 0.3, 0], fov: 50 }
background: { choice: [[0.1, 0.1, 0.1], [0.9, 0.9, 0.9], [0.2, 0.4, 0.9]] }
lights:
  - { type: directional, direction: [[-1, -1, -1], [1, -1, 1]], temperature: [2500, 9000], intensity: [1, 5] }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [6, 1, 6], color: [0.5, 0.5, 0.5] }
  - { name: ball, class: ball, mesh: sphere, position: [[-0.5, 0.3, 0], [0.5, 0.3, 0]], scale: 0.5, color: { choice: ["#d62728", "#1f77b4"] }, material: { choice: [rubber, plastic] } }
  - { name: box, class: box, mesh: cube, position: [0.6, 0.25, -0.5], scale: 0.5, color: [[0, 0, 0], [1, 1, 1]] }
plugins:
  - { use: randomizer/scene, with: { type: { choice: [env, basic] } } }
  - { use: randomizer/lighting }
  - { use: randomizer/fake_camera }
  - { use: action/fake_push, with: { speed: [0.1, 2] } }
  - { use: randomizer/camera, with: { movement: { choice: [pan, dolly] } } }
  - { use: captioner/template }
  - { use: captioner/generic, with: { tag_position: trailing } }
  - { use: captioner/fine }
  - { use: captioner/test_truth }
`;

Deno.test({
  name: "planned and rendered clips with the same seed have the same captions",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const registry = [...captioners, ...randomizers, ...STAND_INS, truthPlugin];
    const { out, dir, summary } = await renderTestScene(TINY_SCENE, { registry });
    assertEquals(summary.failed, 0, summary.clips.find((c) => c.error)?.error);
    const planned = await planDataset({ scene: `${dir}/scene.yaml`, registry, log: () => {} });
    const manifest = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    let equal = 0;
    for (const clip of [0, 1]) {
      const rendered =
        JSON.parse(await Deno.readTextFile(`${out}/clip_0000${clip}/captions.json`)).captions;
      assert(
        rendered.length >= 5,
        `clip ${clip} has template, label, generic, short, medium and long captions`,
      );
      // Plan mode cannot tell what the render hides, so it names every object: the captions
      // agree wherever the labels show every object as seen (docs/captions.md).
      const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_0000${clip}/labels.json`));
      const seen = seenInLabels(labels);
      if (labels.objects.every((o: { id: number }) => seen.has(o.id))) {
        assertEquals(planned.clips[clip].captions, rendered);
        equal++;
      } else {
        assert(planned.clips[clip].captions.length === rendered.length);
      }
      const truth = labels.plugins["captioner/test_truth"]?.truth as Truth | undefined;
      if (truth) {
        const asLabelled = { ...planned.clips[clip], records: labels.plugins };
        for (const c of rendered) {
          assertEquals(disagreements(stripTag(c.text, "[synthetic]"), asLabelled, truth, seen), []);
        }
      }
      assertEquals(manifest[clip].captions, rendered);
      const fine = rendered.filter((c: { style: string }) =>
        ["short", "medium", "long"].includes(c.style)
      );
      assert(
        fine.every((c: { text: string; negative?: string }) =>
          c.text.startsWith("[synthetic] ") && c.negative === "[synthetic]"
        ),
      );
      const medium = rendered.find((c: { style: string }) => c.style === "medium").text;
      assert(/room|sky|sunset|dusk|studio/i.test(medium), `the setting is described: ${medium}`);
      const generic = rendered.find((c: { style: string }) => c.style === "generic");
      assert(generic.text.endsWith(" [synthetic]"), generic.text);
    }
    assert(equal >= 1, "some clip shows every object");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("captionStats counts vocabulary and distinct bigrams, ignoring the tag", () => {
  const s = captionStats(["[synthetic] A red ball rolls.", "A red ball stays still."]);
  assertEquals(s.vocabulary, 6);
  assertEquals(s.bigrams, 3 + 4);
  assertEquals(s.distinctBigrams, 5);
  assertEquals(s.distinctBigramRatio, 5 / 7);
});

Deno.test("a turn about the vertical axis is not a roll; about a horizontal axis it is", () => {
  const about = (axis: Vec3, degrees: number): Quat => {
    const h = (degrees * Math.PI) / 360;
    return [axis[0] * Math.sin(h), axis[1] * Math.sin(h), axis[2] * Math.sin(h), Math.cos(h)];
  };
  const start = about([0.6, 0, 0.8], 25); // any starting orientation
  const then = (q: Quat, r: Quat): Quat => [
    r[3] * q[0] + r[0] * q[3] + r[1] * q[2] - r[2] * q[1],
    r[3] * q[1] - r[0] * q[2] + r[1] * q[3] + r[2] * q[0],
    r[3] * q[2] + r[0] * q[1] - r[1] * q[0] + r[2] * q[3],
    r[3] * q[3] - r[0] * q[0] - r[1] * q[1] - r[2] * q[2],
  ];
  assertAlmostEquals(horizontalShare(start, then(start, about([0, 1, 0], 40))), 0, 1e-6);
  assertAlmostEquals(horizontalShare(start, then(start, about([0, 0, 1], 40))), 1, 1e-6);
  assertAlmostEquals(
    horizontalShare(start, then(start, about([Math.SQRT1_2, Math.SQRT1_2, 0], 40))),
    Math.SQRT1_2,
    1e-6,
  );
});
