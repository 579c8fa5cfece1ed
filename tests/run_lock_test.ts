/** One run per output folder: a second run refuses while the first holds it; a killed run's lock is taken over. */
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { testGpu } from "./helpers.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { FolderLockedError, lockRun } from "../engine/dataset/run_lock.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { builtins } from "../plugins/mod.ts";

/** Holds the first clip until the test lets go, so the first run surely holds the folder. */
let letGo: () => void = () => {};
const released = new Promise<void>((resolve) => letGo = resolve);
const hold = definePlugin({
  id: "action/hold",
  kind: "action",
  description: "waits for the test before the first clip",
  defaults: {},
  create: () => ({ clipStart: () => released }),
});

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
const SCENE = `
name: lock
seed: 1
clips: 6
frames: 6
size: [32, 24]
outputs: [rgb, depth]
camera: { position: [0, 1, 4], look_at: [0, 0.5, 0] }
objects:
  - { name: floor, mesh: plane, scale: [6, 1, 6] }
  - { name: ball, mesh: sphere, position: [0, 0.5, 0], scale: 0.5 }
plugins:
  - { use: action/hold }
`;

async function sceneFile() {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_lock_" });
  await Deno.writeTextFile(`${dir}/scene.yaml`, SCENE);
  return dir;
}

Deno.test({
  name: "two renders into one folder: the second refuses naming the first, which finishes whole",
  ...gpuTest,
  async fn() {
    const dir = await sceneFile();
    const out = `${dir}/out`;
    const registry = [...builtins, hold];
    const run = () =>
      renderDataset({ scene: `${dir}/scene.yaml`, out, registry, log: () => {} }).catch((e) => e);
    const gpu = await testGpu();
    const first = renderDataset({ scene: `${dir}/scene.yaml`, out, gpu, registry, log: () => {} });
    // Wait until the first run holds the folder.
    while (!(await Deno.stat(`${out}/.lock`).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const second = await run();
    assert(second instanceof FolderLockedError, String(second));
    assert(second.message.includes(`pid ${Deno.pid}`), second.message);
    letGo();
    const summary = await first;
    assertEquals(summary.failed, 0, JSON.stringify(summary.clips.filter((c) => c.error)));
    const lines = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n");
    assertEquals(lines.map((l) => JSON.parse(l).status), Array(6).fill("ok"));
    assertEquals(await Deno.stat(`${out}/.lock`).then(() => true, () => false), false);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("a lock held by a process killed with SIGKILL is taken over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_lock_" });
  const url = new URL("../engine/dataset/run_lock.ts", import.meta.url).href;
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { lockRun } = await import("${url}"); await lockRun("${dir}", ".lock");` +
      `console.log("held"); await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = holder.stdout.getReader();
  const { value } = await reader.read();
  assertEquals(new TextDecoder().decode(value).trim(), "held");
  await assertRejects(() => lockRun(dir, ".lock"), "pid");
  holder.kill("SIGKILL");
  await holder.status;
  reader.releaseLock();
  await holder.stdout.cancel();
  const lock = await lockRun(dir, ".lock");
  const held = JSON.parse(await Deno.readTextFile(`${dir}/.lock`));
  assertEquals(held.pid, Deno.pid);
  await lock.release();
  await Deno.remove(dir, { recursive: true });
});
