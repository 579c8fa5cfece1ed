/**
 * Captioners: colour names, grammar, expected sentences for fixed facts, the
 * synthetic tag, captions agreeing with the labels over 200 planned clips of
 * every shipped scene, and planned captions equal to rendered ones.
 */
import { parse, stringify } from "yaml";
import { assert, assertEquals } from "./assert.ts";
import { renderTestScene } from "./helpers.ts";
import {
  COLOR_NAMES,
  materialColorName,
  nameLinearColor,
  nameSrgbColor,
} from "../engine/caption/color_names.ts";
import type { ClipFacts, ObjectFacts } from "../engine/caption/facts.ts";
import { article, listPhrase, sentence, thirdPerson } from "../engine/caption/grammar.ts";
import { applyTag, negativePrompt, stripTag } from "../engine/caption/tag.ts";
import { fineCaption } from "../plugins/captioner/fine.ts";
import { genericSentence } from "../plugins/captioner/generic.ts";
import { type ClipResult, planDataset } from "../engine/runner.ts";
import { definePlugin, type PluginDefinition } from "../engine/plugin.ts";
import type { Quat, Vec3 } from "../engine/scene.ts";
import { Rng } from "../engine/rng.ts";
import { srgbToLinear } from "../engine/color.ts";
import { captioners } from "../plugins/captioner/mod.ts";

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
    light: { warmth: "warm", brightness: "bright", from: "left" },
    setting: { background: "sky blue" },
  });
  assertEquals(
    fineCaption(push, "short", firstChoice),
    "Someone is pushing a red ball from left to right.",
  );
  assertEquals(
    fineCaption(push, "medium", firstChoice),
    "Someone is pushing a red rubber ball from left to right against a sky blue background. " +
      "The camera slowly pans to the left.",
  );
  assertEquals(
    fineCaption(push, "long", firstChoice),
    "Someone is pushing a red rubber ball from left to right against a sky blue background. " +
      "The camera slowly pans to the left. The scene also contains a gray floor and a yellow wooden box. " +
      "Warm, bright light comes from the left.",
  );

  const dance = facts({
    objects: [floor, person],
    actions: [{ verb: "dance", subjects: [person], motion: "uprock", start: 0 }],
    camera: { move: "orbit", direction: "clockwise", framing: "medium shot" },
    setting: { type: "room", roomColor: "beige" },
  });
  assertEquals(fineCaption(dance, "short", firstChoice), "A person performs an uprock.");
  assertEquals(
    fineCaption(dance, "long", firstChoice),
    "A person wearing a red shirt and blue jeans performs an uprock in a beige room. " +
      "The camera orbits clockwise around the person, framing the scene in a medium shot. " +
      "The scene also contains a gray floor.",
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
});

Deno.test("genericSentence is class level", () => {
  const person1 = { ...person };
  assertEquals(
    genericSentence(
      facts({ actions: [{ verb: "dance", subjects: [person1], start: 0, motion: "spin" }] }),
    ),
    "A person dances.",
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
  defaults: { speed: [0.1, 2] as unknown as number },
  create() {
    let target: { id: number; start: Vec3 } | undefined;
    let sign = 1;
    return {
      clipStart(ctx) {
        const props = ctx.scene.objects.filter((o) =>
          !["floor", "wall", "ceiling", "person", "human"].includes(o.cls)
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
        rate = ctx.rng.choice([-1, 1]) * ctx.rng.uniform(5, 40); // degrees per second about +Y
        ctx.record("camera", {
          move: "pan",
          direction: rate > 0 ? "left" : "right",
          speed: Math.abs(rate) < 15 ? "slow" : "fast",
        });
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

// ------------------------------------------------------------- ground truth

interface TruthObject {
  id: number;
  cls: string;
  colorName?: string;
  color: Vec3;
  texture?: string;
  preset?: string;
  metalness: number;
  attributes: Record<string, unknown>;
  first: Vec3;
  last: Vec3;
  turned: number;
  frames: number;
}
interface Truth {
  objects: TruthObject[];
  cameraMoved: boolean;
  camera: { rotation: Quat };
  lights: { type: string; temperature?: number; color: Vec3; intensity: number; direction: Vec3 }[];
  background: number[];
}

const angleBetween = (a: Quat, b: Quat) =>
  (2 * Math.acos(Math.min(1, Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]))) *
    180) / Math.PI;

/** Records what labels.json would hold (poses per frame, materials, camera, lights), independently. */
const truthPlugin = definePlugin({
  id: "captioner/test_truth",
  kind: "captioner",
  description: "test: ground truth for caption checks",
  defaults: {},
  create() {
    const objects = new Map<number, TruthObject & { rotation: Quat }>();
    let camera: { position: Vec3; rotation: Quat; moved: boolean } | undefined;
    return {
      clipStart() {
        objects.clear();
        camera = undefined;
      },
      frame(ctx) {
        if (ctx.frame >= ctx.frames) return;
        for (const o of ctx.scene.objects) {
          const t = objects.get(o.id);
          if (!t) {
            objects.set(o.id, {
              id: o.id,
              cls: o.cls,
              color: o.material.color,
              colorName: o.material.colorName,
              texture: o.material.texture,
              preset: o.material.preset,
              metalness: o.material.metalness,
              attributes: o.attributes,
              first: [...o.position],
              last: [...o.position],
              turned: 0,
              frames: 1,
              rotation: [...o.rotation],
            });
          } else {
            t.turned += angleBetween(t.rotation, o.rotation);
            t.rotation = [...o.rotation];
            t.last = [...o.position];
            t.frames++;
            Object.assign(t, {
              color: o.material.color,
              colorName: o.material.colorName,
              preset: o.material.preset,
              metalness: o.material.metalness,
            });
          }
        }
        const c = ctx.scene.camera;
        if (!camera) {
          camera = { position: [...c.position], rotation: [...c.rotation], moved: false };
        } else if (
          angleBetween(camera.rotation, c.rotation) > 1e-3 ||
          c.position.some((v, i) => Math.abs(v - camera!.position[i]) > 1e-5)
        ) {
          camera.moved = true;
        }
      },
      clipEnd(ctx) {
        const truth: Truth = {
          objects: [...objects.values()],
          cameraMoved: camera?.moved ?? false,
          camera: { rotation: camera ? [...camera.rotation] : [...ctx.scene.camera.rotation] },
          lights: ctx.scene.lights.map((l) => ({
            ...l,
            temperature: (l as { temperature?: number }).temperature,
          })),
          background: [...ctx.scene.background],
        };
        ctx.record("truth", truth);
      },
    };
  },
});

// ------------------------------------------------------------- the checker

const MATERIAL_OF: Record<string, string> = {
  wooden: "wood",
  metal: "metal",
  plastic: "plastic",
  rubber: "rubber",
  glass: "glass",
  ceramic: "ceramic",
  cardboard: "cardboard",
  stone: "stone",
  fabric: "fabric",
  leather: "leather",
  paper: "paper",
  concrete: "concrete",
};

function rotate(q: Quat, v: Vec3): Vec3 {
  // v' = q v q*, written out.
  const [x, y, z, w] = q;
  const ix = w * v[0] + y * v[2] - z * v[1];
  const iy = w * v[1] + z * v[0] - x * v[2];
  const iz = w * v[2] + x * v[1] - y * v[0];
  const iw = -x * v[0] - y * v[1] - z * v[2];
  return [
    ix * w + iw * -x + iy * -z - iz * -y,
    iy * w + iw * -y + iz * -x - ix * -z,
    iz * w + iw * -z + ix * -y - iy * -x,
  ];
}

/** Problems with one caption against the ground truth, events and records; [] when it agrees. */
function disagreements(text: string, clip: ClipResult, truth: Truth): string[] {
  const problems: string[] = [];
  const t = text.toLowerCase();
  const colorOf = (o: TruthObject) =>
    materialColorName({ color: o.color, colorName: o.colorName, texture: o.texture });
  const nounOf = (o: TruthObject) => o.cls === "human" ? "person" : o.cls.replace(/_/g, " ");
  const cameraRecord = Object.values(clip.records).map((r) => r.camera).find((c) => c) as
    | { move: string; direction?: string; speed?: string }
    | undefined;

  // Objects a noun phrase can mean: "<colour>? <material|metallic>? <noun>".
  const candidates = (color: string | undefined, material: string | undefined, nounWords: string) =>
    truth.objects.filter((o) =>
      nounWords === nounOf(o) &&
      (color === undefined || colorOf(o) === color) &&
      (material === undefined || (material === "metallic"
        ? !o.preset && o.metalness > 0.5
        : o.preset === MATERIAL_OF[material]))
    );

  // 1. Colours and materials: each must qualify an object (or clothing, the background) that has it.
  const colorAlt = [...COLOR_NAMES, "crimson", "teal", "sand"].map((c) => c.replace(" ", "\\s"))
    .join("|");
  const materialAlt = [...Object.keys(MATERIAL_OF), "metallic"].join("|");
  const np = new RegExp(`\\b(?:(${colorAlt}) )?(?:(${materialAlt}) )?([a-z]+(?: [a-z]+)?)`, "g");
  for (const m of t.matchAll(new RegExp(`\\b(${colorAlt}|${materialAlt})\\b`, "g"))) {
    const from = m.index!;
    np.lastIndex = from;
    const hit = np.exec(t)!;
    const [, color, material, rest] = hit;
    const head = rest.split(" ");
    if (color && (head[0] === "background" || (head[0] === "plain"))) {
      const bg = nameSrgbColor(truth.background);
      if (bg !== color) problems.push(`background called ${color}, is ${bg}`);
      continue;
    }
    if (color && !material && /^(shirt|jeans)$/.test(head[0])) {
      const named = truth.objects.some((o) => {
        const clothing = o.attributes.clothing as Record<string, unknown> | undefined;
        const v = clothing?.[head[0]];
        return (typeof v === "string"
          ? v
          : v
          ? materialColorName(v as { color: Vec3 })
          : undefined) === color;
      });
      if (!named) problems.push(`${head[0]} called ${color}, nobody wears one`);
      continue;
    }
    const ok = candidates(color, material, rest).length > 0 ||
      candidates(color, material, head[0]).length > 0;
    if (!ok) problems.push(`"${hit[0]}" matches no object`);
    // Skip past this phrase so its material is not checked again on its own.
    if (color && material) m.index = hit.index + hit[0].length;
  }

  // 2. Motions and their directions and speeds, for measured motion clauses.
  const clause = new RegExp(
    `(?:a|an) ((?:(?:${colorAlt}|${materialAlt}) )*)([a-z]+) (rolls|moves|travels|spins|turns|rotates)( slowly| quickly)?( in place| from left to right| from right to left| toward the camera| away from the camera| upward| downward)?`,
    "g",
  );
  const cam = truth.camera.rotation;
  const right = rotate(cam, [1, 0, 0]);
  const fwd = rotate(cam, [0, 0, -1]);
  for (const m of t.matchAll(clause)) {
    const [, , nounWord, verb, speed, where] = m;
    const objs = truth.objects.filter((o) => nounOf(o) === nounWord);
    if (objs.length === 0) {
      problems.push(`motion clause "${m[0]}" names no object`);
      continue;
    }
    const fits = objs.some((o) => {
      const d: Vec3 = [o.last[0] - o.first[0], o.last[1] - o.first[1], o.last[2] - o.first[2]];
      const travel = Math.hypot(...d);
      const r = d[0] * right[0] + d[2] * right[2];
      const f = d[0] * fwd[0] + d[2] * fwd[2];
      const big = Math.max(Math.abs(r), Math.abs(f), Math.abs(d[1]));
      if (
        (verb === "spins" || verb === "turns" || verb === "rotates") &&
        !(o.turned >= 20 && travel < 0.2)
      ) return false;
      if (verb === "rolls" && !(travel >= 0.2 && o.turned >= 20)) return false;
      if ((verb === "moves" || verb === "travels") && travel < 0.2) return false;
      const v = travel / (Math.max(1, o.frames - 1) / 24);
      if (speed === " slowly" && v > 0.45) return false;
      if (speed === " quickly" && v < 1) return false;
      switch (where) {
        case " from left to right":
          return r > 0 && r >= 0.5 * big;
        case " from right to left":
          return r < 0 && -r >= 0.5 * big;
        case " toward the camera":
          return f < 0 && -f >= 0.5 * big;
        case " away from the camera":
          return f > 0 && f >= 0.5 * big;
        case " upward":
          return d[1] > 0 && d[1] >= 0.5 * big;
        case " downward":
          return d[1] < 0 && -d[1] >= 0.5 * big;
      }
      return true;
    });
    if (!fits) problems.push(`"${m[0]}" disagrees with the measured motion`);
  }
  for (const m of t.matchAll(/(?<!camera) (stays?) (still|motionless)/g)) {
    const before = t.slice(0, m.index);
    const still = truth.objects.filter((o) => before.includes(nounOf(o)));
    if (
      still.some((o) =>
        Math.hypot(o.last[0] - o.first[0], o.last[1] - o.first[1], o.last[2] - o.first[2]) >=
          0.25 || o.turned >= 30
      )
    ) {
      problems.push(`"${m[0]}" but something named before it moved`);
    }
  }

  // 3. Actions: templates (with their direction words) and named human motions come from events.
  for (const m of t.matchAll(/(pushing) .*? (from left to right|from right to left)/g)) {
    if (
      !clip.events.some((e) =>
        e.template?.toLowerCase().endsWith(m[2]) &&
        e.args?.direction === m[2].slice(5).replace(/ /g, "_")
      )
    ) {
      problems.push(`"${m[0]}" has no matching event`);
    }
  }
  for (const m of t.matchAll(/(?:performs|does) an? ([a-z]+)/g)) {
    if (!clip.events.some((e) => e.args?.motion === m[1])) {
      problems.push(`named motion "${m[1]}" has no event`);
    }
  }

  // 4. Camera words agree with the camera record, or with a camera that never moved.
  if (
    /\b(static|stays still)\b/.test(t) && /camera/.test(t) &&
    (truth.cameraMoved || (cameraRecord && cameraRecord.move !== "static"))
  ) {
    problems.push("caption calls a moving camera static");
  }
  for (
    const m of t.matchAll(
      /camera (slowly |quickly )?(pans|tilts|dollies|trucks|pedestals|zooms|orbits|spins|follows)( to the left| to the right| up| down| in| out)?/g,
    )
  ) {
    const move = {
      pans: "pan",
      tilts: "tilt",
      dollies: "dolly",
      trucks: "truck",
      pedestals: "pedestal",
      zooms: "zoom",
      orbits: "orbit",
      spins: "spin",
      follows: "follow",
    }[m[2]];
    if (cameraRecord?.move !== move) {
      problems.push(`camera ${m[2]} but the record says ${cameraRecord?.move}`);
    }
    if (m[3] && !m[3].endsWith(cameraRecord?.direction ?? "?")) {
      problems.push(`camera direction ${m[3]} vs ${cameraRecord?.direction}`);
    }
    if (m[1] && (m[1] === "slowly ") !== (cameraRecord?.speed === "slow")) {
      problems.push(`camera speed ${m[1]} vs ${cameraRecord?.speed}`);
    }
  }

  // 5. Light words agree with the key light.
  const key =
    [...truth.lights].sort((a, b) =>
      Number(b.type === "directional") - Number(a.type === "directional") ||
      b.intensity - a.intensity
    )[0];
  const lightText =
    /\b((?:warm|cool|bright|dim|, )+)?\s*light\b(?: comes| falls on the scene)?\s*(from the left|from the right|from the front|from behind|from above)?/
      .exec(t);
  if (lightText && key) {
    const adjectives = lightText[1] ?? "";
    if (
      /warm/.test(adjectives) &&
      !(key.temperature !== undefined ? key.temperature <= 4500 : key.color[2] < key.color[0])
    ) problems.push("warm light is not warm");
    if (
      /cool/.test(adjectives) &&
      !(key.temperature !== undefined ? key.temperature >= 6500 : key.color[0] < key.color[2])
    ) problems.push("cool light is not cool");
    if (/bright/.test(adjectives) && key.intensity < 3.5) problems.push("bright light is dim");
    if (/dim/.test(adjectives) && key.intensity > 2) problems.push("dim light is bright");
    const from = /from the (left|right)/.exec(t.slice(lightText.index));
    if (from && key.type === "directional") {
      const side = key.direction[0] * right[0] + key.direction[2] * right[2];
      if ((from[1] === "left") !== (side > 0)) {
        problems.push(`light from the ${from[1]} travels ${side > 0 ? "right" : "left"}`);
      }
    }
  } else if (/\b(warm|cool|bright|dim)\b/.test(t)) {
    problems.push("light adjective outside a light phrase");
  }
  return problems;
}

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
async function planWithTruth(scene: string, clips: number, standIns: boolean) {
  const doc = parse(await Deno.readTextFile(scene)) as Record<string, unknown>;
  const plugins = [...((doc.plugins as Record<string, unknown>[]) ?? [])];
  const has = (id: string) => plugins.some((p) => p.use === id);
  if (standIns) {
    plugins.unshift({ use: "randomizer/fake_palette" }, { use: "randomizer/fake_camera" });
    plugins.push({ use: "action/fake_push" }, { use: "action/fake_dance" });
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
  for (const standIns of [false, true]) {
    Deno.test(`captions agree with the labels over 200 planned clips of ${scene}${standIns ? " with stand-in actions" : ""}`, async () => {
      const summary = await planWithTruth(scene, 200, standIns);
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
  const summary = await planWithTruth("scenes/default.yaml", 3, true);
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
  - { use: randomizer/fake_camera }
  - { use: action/fake_push }
  - { use: captioner/template }
  - { use: captioner/generic, with: { tag_position: trailing } }
  - { use: captioner/fine }
`;

Deno.test({
  name: "planned and rendered clips with the same seed have the same captions",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const registry = [...captioners, ...STAND_INS];
    const { out, dir, summary } = await renderTestScene(TINY_SCENE, { registry });
    assertEquals(summary.failed, 0, summary.clips.find((c) => c.error)?.error);
    const planned = await planDataset({ scene: `${dir}/scene.yaml`, registry, log: () => {} });
    const manifest = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    for (const clip of [0, 1]) {
      const rendered =
        JSON.parse(await Deno.readTextFile(`${out}/clip_0000${clip}/captions.json`)).captions;
      assert(
        rendered.length >= 5,
        `clip ${clip} has template, label, generic, short, medium and long captions`,
      );
      assertEquals(planned.clips[clip].captions, rendered);
      assertEquals(manifest[clip].captions, rendered);
      const fine = rendered.filter((c: { style: string }) =>
        ["short", "medium", "long"].includes(c.style)
      );
      assert(
        fine.every((c: { text: string; negative?: string }) =>
          c.text.startsWith("[synthetic] ") && c.negative === "[synthetic]"
        ),
      );
      const generic = rendered.find((c: { style: string }) => c.style === "generic");
      assert(generic.text.endsWith(" [synthetic]"), generic.text);
    }
    await Deno.remove(dir, { recursive: true });
  },
});
