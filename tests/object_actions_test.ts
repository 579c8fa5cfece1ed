/**
 * Object actions: every action really simulates, emits one event whose label names colour,
 * material and shape, and — rendered — its label agrees with the instance masks (the subject's
 * screen-space motion), not with the plan. One scene renders every action class, one per clip.
 */
import { decodeNpy } from "../engine/dataset/npy.ts";
import { planDataset } from "../engine/run/dataset_run.ts";
import type { ActionEvent } from "../engine/plugin/contract.ts";
import { MATERIAL_PRESETS } from "../engine/scene/materials.ts";
import { objectActions } from "../plugins/action/objects.ts";
import { objectActionPlugins } from "../plugins/action/object_action_list.ts";
import { PALETTE } from "../plugins/action/props.ts";
import { assert, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene } from "./helpers.ts";

const ACTIONS = objectActionPlugins.map((p) => p.spec.name);
const SIZE = 64;
const FRAMES = 40;

const SCENE = `
name: object_actions_test
seed: 5
clips: ${ACTIONS.length}
frames: ${FRAMES}
fps: 24
size: [${SIZE}, ${SIZE}]
outputs: [instance]
camera: { position: [0, 1.25, 0.95], look_at: [0, 0.75, 0], fov: 50 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [8, 1, 8], color: [0.5, 0.5, 0.5] }
  - { name: table, class: table, mesh: cube, position: [0, 0.37, 0], scale: [1.6, 0.74, 1.0], color: [0.6, 0.45, 0.3] }
plugins:
  - { use: action/something_something, name: ss, with: { order: cycle } }
`;

async function writeScene(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_objects_" });
  await Deno.writeTextFile(`${dir}/scene.yaml`, SCENE);
  return `${dir}/scene.yaml`;
}

Deno.test("object actions: at least 16 registered, each simulates and labels colour, material, shape", async () => {
  assert(ACTIONS.length >= 16, `${ACTIONS.length} actions`);
  const plan = await planDataset({
    scene: await writeScene(),
    registry: objectActions,
    log: () => {},
  });
  assertEquals(plan.failed, 0, plan.clips.map((c) => c.error).filter(Boolean).join("; "));
  const seen = new Set<string>();
  for (const clip of plan.clips) {
    assertEquals(clip.events.length, 1, `clip ${clip.clip}: one event`);
    const event = clip.events[0];
    seen.add(event.verb);
    assertEquals(event.verb, ACTIONS[clip.clip], "cycle order gives a balanced dataset");
    assert(
      event.start >= 0 && event.start < event.end && event.end < FRAMES,
      `${event.verb} window`,
    );
    assert(event.template && event.template.includes("[something]"), event.verb);
    const words = event.label!.split(" ");
    assert(words.some((w) => w in PALETTE), `colour in "${event.label}"`);
    const adjectives = Object.values(MATERIAL_PRESETS).map((p) => p.adjective);
    assert(words.some((w) => (adjectives as string[]).includes(w)), `material in "${event.label}"`);
    assert(!event.label!.includes("[something]"), event.label);
    const hands = event.args!.hands as number[];
    assert(hands.length >= 1, `${event.verb} has a visible cause`);
    const physics = clip.records.ss.physics as { max_penetration: number };
    assert(physics.max_penetration < 0.01, `${event.verb}: penetration ${physics.max_penetration}`);
    assert(Array.isArray(clip.records.ss.contacts), "contacts recorded");
  }
  assertEquals(seen.size, ACTIONS.length);
});

Deno.test("object actions: same seed gives the same trajectories, events and contacts", async () => {
  const scene = await writeScene();
  const run = () =>
    planDataset({ scene, registry: objectActions, log: () => {}, only: [2, 11, 14] });
  const [a, b] = [await run(), await run()];
  assertEquals(
    JSON.stringify(a.clips.map((c) => [c.events, c.records])),
    JSON.stringify(b.clips.map((c) => [c.events, c.records])),
  );
  const other = await planDataset({
    scene,
    registry: objectActions,
    log: () => {},
    only: [2],
    overrides: { seed: 6 },
  });
  assert(
    JSON.stringify(other.clips[0].events) !== JSON.stringify(a.clips[0].events),
    "another seed differs",
  );
});

/** Pixel statistics of one instance in one frame. */
interface Blob {
  area: number;
  cx: number;
  cy: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Principal-axis angle in degrees (0..180). */
  angle: number;
  mask: Set<number>;
}

function blob(ids: Uint32Array | Uint16Array, frame: number, id: number): Blob {
  const n = SIZE * SIZE;
  let area = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let x0 = SIZE, x1 = 0, y0 = SIZE, y1 = 0;
  const mask = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (ids[frame * n + i] !== id) continue;
    const x = (i % SIZE) + 0.5, y = Math.floor(i / SIZE) + 0.5;
    area++, sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    mask.add(i);
  }
  const cx = sx / area, cy = sy / area;
  const [vxx, vyy, vxy] = [sxx / area - cx * cx, syy / area - cy * cy, sxy / area - cx * cy];
  const angle = ((Math.atan2(2 * vxy, vxx - vyy) / 2) * 180 / Math.PI + 180) % 180;
  return { area, cx, cy, x0, x1, y0, y1, angle, mask };
}

/** Smallest difference between two axis angles (degrees, modulo 180). */
const axisTurn = (a: number, b: number) => {
  const d = Math.abs(a - b) % 180;
  return Math.min(d, 180 - d);
};

/** IoU of two masks after moving b's centroid onto a's. */
function shapeIou(a: Blob, b: Blob): number {
  const dx = Math.round(a.cx - b.cx), dy = Math.round(a.cy - b.cy);
  let both = 0;
  for (const i of b.mask) {
    const x = (i % SIZE) + dx, y = Math.floor(i / SIZE) + dy;
    if (x >= 0 && x < SIZE && y >= 0 && y < SIZE && a.mask.has(y * SIZE + x)) both++;
  }
  return both / (a.area + b.area - both);
}

type Check = (s: (frame: number, which?: number) => Blob, e: ActionEvent) => string | undefined;
const W = SIZE;
const dx = (s: (f: number, i?: number) => Blob, e: ActionEvent, i = 0) =>
  s(e.end, i).cx - s(e.start, i).cx;
const dy = (s: (f: number, i?: number) => Blob, e: ActionEvent, i = 0) =>
  s(e.end, i).cy - s(e.start, i).cy;
const sideways = (e: ActionEvent) => (e.args!.direction === "left_to_right" ? 1 : -1);
const spread = (s: (f: number, i?: number) => Blob, f: number) => Math.abs(s(f, 0).cx - s(f, 1).cx);

/** What each label means on screen, measured on the instance masks over [start, end]. */
const CHECKS: Record<string, Check> = {
  push_left_to_right: (s, e) => dx(s, e) > 0.15 * W ? undefined : `dx ${dx(s, e)}`,
  push_right_to_left: (s, e) => dx(s, e) < -0.15 * W ? undefined : `dx ${dx(s, e)}`,
  pull_toward: (s, e) => dy(s, e) > 0.05 * W ? undefined : `moved down ${dy(s, e)} px`,
  push_away: (s, e) =>
    dy(s, e) < -0.05 * W && s(e.end).area < s(e.start).area ? undefined : `dy ${dy(s, e)}`,
  drop: (s, e) => dy(s, e) > 0.1 * W ? undefined : `fell ${dy(s, e)} px`,
  pick_up: (s, e) => dy(s, e) < -0.1 * W ? undefined : `rose ${-dy(s, e)} px`,
  put_down: (s, e) => dy(s, e) > 0.1 * W ? undefined : `lowered ${dy(s, e)} px`,
  roll: (s, e) => sideways(e) * dx(s, e) > 0.15 * W ? undefined : `dx ${dx(s, e)}`,
  slide: (s, e) => {
    if (sideways(e) * dx(s, e) < 0.1 * W) return `dx ${dx(s, e)}`;
    const rest = Math.abs(s(FRAMES - 1).cx - s(e.end).cx) +
      Math.abs(s(FRAMES - 1).cy - s(e.end).cy);
    return rest < 0.5 ? undefined : `still moving after it stopped (${rest} px)`;
  },
  spin: (s) => {
    const [a, b] = [s(0), s(FRAMES - 1)];
    const drift = Math.hypot(b.cx - a.cx, b.cy - a.cy);
    const iou = shapeIou(a, b);
    return drift < 0.1 * W && iou < 0.85 ? undefined : `drift ${drift}, same-shape IoU ${iou}`;
  },
  topple: (s, e) => {
    const ratio = (b: Blob) => (b.y1 - b.y0 + 1) / (b.x1 - b.x0 + 1);
    const [a, b] = [ratio(s(e.start)), ratio(s(e.end))];
    return b < 0.6 * a ? undefined : `height/width ${a} → ${b}`;
  },
  throw: (s, e) => sideways(e) * dx(s, e) > 0.15 * W ? undefined : `dx ${dx(s, e)}`,
  move_closer: (s, e) =>
    spread(s, e.start) - spread(s, e.end) > 0.1 * W
      ? undefined
      : `spread ${spread(s, e.start)} → ${spread(s, e.end)}`,
  move_apart: (s, e) =>
    spread(s, e.end) - spread(s, e.start) > 0.1 * W
      ? undefined
      : `spread ${spread(s, e.start)} → ${spread(s, e.end)}`,
  stack: (s, e) => {
    const [top, base] = [s(e.end, 0), s(e.end, 1)];
    const ok = top.cy < base.cy && Math.abs(top.cx - base.cx) < 0.1 * W &&
      Math.abs(dx(s, e)) > 0.1 * W;
    return ok ? undefined : `top (${top.cx}, ${top.cy}) base (${base.cx}, ${base.cy})`;
  },
  tilt: (s, e) => {
    let turn = 0;
    for (let f = e.start; f <= e.end; f++) {
      turn = Math.max(turn, axisTurn(s(e.start).angle, s(f).angle));
    }
    const back = Math.hypot(dx(s, e), dy(s, e));
    return turn > 10 && back < 0.05 * W ? undefined : `axis turned ${turn}°, ended ${back} px away`;
  },
};

Deno.test("object actions: every label agrees with the rendered instance masks", async () => {
  assertEquals(Object.keys(CHECKS).sort(), [...ACTIONS].sort(), "one mask check per action class");
  const { out, summary } = await renderTestScene(SCENE, { registry: objectActions });
  assertEquals(summary.failed, 0, summary.clips.map((c) => c.error).filter(Boolean).join("; "));
  const problems: string[] = [];
  for (let clip = 0; clip < ACTIONS.length; clip++) {
    const labels = await readLabels(out, clip);
    const event = labels.events[0] as ActionEvent;
    const dir = `${out}/clip_${String(clip).padStart(5, "0")}`;
    const ids = decodeNpy(await Deno.readFile(`${dir}/instance.npy`)).data as Uint32Array;
    const s = (frame: number, which = 0) => blob(ids, frame, event.subjects[which]);
    for (const id of event.subjects) {
      assert(s(event.start, event.subjects.indexOf(id)).area > 0, `${event.verb}: subject visible`);
    }
    const hand = labels.objects.find((o: { id: number }) =>
      o.id === (event.args!.hands as number[])[0]
    );
    assertEquals(hand.class, "hand");
    const problem = CHECKS[event.verb](s, event);
    if (problem) {
      problems.push(`${event.verb} ("${event.label}", ${event.start}-${event.end}): ${problem}`);
    }
  }
  assertEquals(problems, []);
});
