/**
 * Clip recording: the recorder thread writes exactly what an in-process
 * ClipRecorder writes, the .npy streams hold the frames' values, lent host
 * frames are not reused before they come back, and failures are reported.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { ClipRecorder } from "../engine/dataset/clip_recorder.ts";
import { clipDocuments, type ClipSummary } from "../engine/dataset/clip_documents.ts";
import type { FrameState } from "../engine/scene/frame_state.ts";
import type { SceneObject } from "../engine/scene/scene.ts";
import { copyFrame, HostFramePool } from "../engine/gpu/host_frame.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";
import { RecorderThread } from "../engine/dataset/recorder_thread.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import type { OutputName } from "../engine/config/scene_file.ts";

const W = 18, H = 12, T = 6;
const OUTPUTS: OutputName[] = ["rgb", "depth", "normals", "instance", "flow", "alpha", "preview"];
const identity = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
const STATES = Array.from({ length: T + 1 }, () => ({
  intrinsics: { fx: 20, fy: 20, cx: W / 2, cy: H / 2 },
  worldFromCamera: identity,
  objects: [],
})) as unknown as FrameState[];
/** Ids 1 and 3 are foreground objects, 2 is the floor. */
const OBJECTS = new Map([
  [1, { name: "a", cls: "cube" }],
  [2, { name: "floor", cls: "floor" }],
  [3, { name: "b", cls: "sphere" }],
] as [number, SceneObject][]);

function summary(clip: number): ClipSummary {
  return {
    clip,
    seed: 1,
    scene: "test",
    fps: 24,
    maxId: 3,
    states: STATES,
    objects: OBJECTS,
    bounds: new Map(),
    framing: { measured: "masks", framed: 1, subjects: [] },
    events: [],
    captions: [{ style: "short", text: "Two shapes." }],
    sampled: {},
    records: {},
  };
}

/** Frame t's values, distinct per frame, pixel and channel. */
function fill(frame: RenderedFrame, t: number): RenderedFrame {
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 4; c++) frame.rgb[i * 4 + c] = (i * 7 + t * 31 + c * 60) & 255;
    frame.depth[i] = 1 + i / 100 + t;
    for (let c = 0; c < 4; c++) frame.normals[i * 4 + c] = c === 3 ? 0 : 0x3000 + i + t * 256 + c;
    frame.instance[i] = (i + t) % 4;
    frame.flow[i * 2] = t - i / 50;
    frame.flow[i * 2 + 1] = i / 30;
  }
  frame.meta = { clip: 0, frame: t, maxId: 3 };
  return frame;
}

function frameOf(pool: HostFramePool, t: number): RenderedFrame {
  const host = pool.take();
  return fill({ ...host, meta: { clip: 0, frame: t, maxId: 3 }, labels: [] }, t);
}

async function filesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of Deno.readDir(dir)) {
    files.set(entry.name, await Deno.readFile(`${dir}/${entry.name}`));
  }
  return files;
}

Deno.test("the recorder thread writes the same files as an in-process ClipRecorder", async () => {
  const root = await Deno.makeTempDir({ prefix: "synthvid_recorder_" });
  try {
    const pool = new HostFramePool(W, H);
    const thread = new RecorderThread(pool);
    try {
      await Deno.mkdir(`${root}/thread`);
      const recording = thread.open({
        clip: 0,
        dir: `${root}/thread`,
        frames: T,
        width: W,
        height: H,
        fps: 24,
        outputs: OUTPUTS,
        withAudio: false,
        gtFormat: "npy",
      });
      for (let t = 0; t < T; t++) {
        const frame = frameOf(pool, t);
        // frame 2 is a copy (not the pool's): the thread copies it into one of the pool's frames
        await recording.add(t === 2 ? copyFrame(frame) : frame);
      }
      await recording.finish(summary(0));
    } finally {
      thread.close();
    }

    await Deno.mkdir(`${root}/direct`);
    const direct = await ClipRecorder.create(`${root}/direct`, T, W, H, 24, OUTPUTS, false);
    const plain = new HostFramePool(W, H);
    for (let t = 0; t < T; t++) await direct.add(frameOf(plain, t));
    await direct.finish(clipDocuments(summary(0), [], T, W, H));

    const a = await filesOf(`${root}/thread`);
    const b = await filesOf(`${root}/direct`);
    assertEquals([...a.keys()].sort(), [...b.keys()].sort());
    for (const [name, bytes] of a) {
      assert(bytes.length > 0 && bytes.every((v, i) => v === b.get(name)![i]), `${name} differs`);
    }

    const depth = decodeNpy(a.get("depth.npy")!);
    const normals = decodeNpy(a.get("normals.npy")!);
    const instance = decodeNpy(a.get("instance.npy")!);
    const flow = decodeNpy(a.get("flow.npy")!);
    const alpha = decodeNpy(a.get("alpha.npy")!);
    assertEquals(depth.shape, [T, H, W]);
    assertEquals(normals.shape, [T, H, W, 3]);
    assertEquals([instance.dtype, ...instance.shape], ["<u2", T, H, W]);
    assertEquals(flow.shape, [T, H, W, 2]);
    const expected = new HostFramePool(W, H);
    for (let t = 0; t < T; t++) {
      const f = frameOf(expected, t);
      const n = W * H;
      for (let i = 0; i < n; i++) {
        assertEquals(depth.data[t * n + i], f.depth[i], `depth ${t}/${i}`);
        for (let c = 0; c < 3; c++) {
          assertEquals(normals.data[(t * n + i) * 3 + c], f.normals[i * 4 + c], `normal ${t}/${i}`);
        }
        assertEquals(instance.data[t * n + i], f.instance[i], `id ${t}/${i}`);
        assertEquals(flow.data[(t * n + i) * 2], f.flow[i * 2], `flow ${t}/${i}`);
        const foreground = f.instance[i] === 1 || f.instance[i] === 3;
        assertEquals(alpha.data[t * n + i], foreground ? 255 : 0, `alpha ${t}/${i}`);
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a host frame lent to the recorder is not reused until it comes back", () => {
  const pool = new HostFramePool(4, 4);
  const a = pool.take();
  pool.lend(a);
  pool.release(a);
  const b = pool.take();
  assert(b !== a, "a lent frame was handed out again");
  pool.release(b);
  pool.returned(a);
  const taken = new Set([pool.take(), pool.take()]);
  assert(taken.has(a) && taken.has(b), "returned frames are reused");
  assertEquals(pool.frames.length, 2);
  assert(pool.frames.every((f) => f.buffer instanceof SharedArrayBuffer));
  pool.release(a);
  pool.release(b);

  // The thread may give a frame back before the renderer releases it: still free only once.
  const c = pool.take();
  pool.lend(c);
  pool.returned(c);
  const d = pool.take();
  assert(d !== c, "a frame still held by its taker was handed out again");
  pool.release(c);
  pool.release(d);
  const next = [pool.take(), pool.take(), pool.take()];
  assertEquals(new Set(next).size, 3, "a frame freed twice was handed out twice");
  for (const f of next) pool.release(f);
  assertEquals(pool.inUse, 0);
  assertThrows(() => pool.release(c), "given back twice");
});

Deno.test("a clip the recorder thread cannot write fails with the reason, and the next clip works", async () => {
  const root = await Deno.makeTempDir({ prefix: "synthvid_recorder_" });
  const pool = new HostFramePool(W, H);
  const thread = new RecorderThread(pool);
  try {
    const options = {
      frames: T,
      width: W,
      height: H,
      fps: 24,
      outputs: ["depth", "instance"] as OutputName[],
      withAudio: false,
      gtFormat: "npy" as const,
    };
    const missing = `${root}/no/such/folder`;
    const broken = thread.open({ clip: 0, dir: missing, ...options });
    await assertRejects(async () => {
      for (let t = 0; t < T; t++) await broken.add(frameOf(pool, t));
      await broken.finish(summary(0));
    }, "no/such/folder");
    await Deno.mkdir(`${root}/ok`);
    const ok = thread.open({ clip: 1, dir: `${root}/ok`, ...options });
    for (let t = 0; t < T; t++) await ok.add(frameOf(pool, t));
    await ok.finish(summary(1));
    const depth = decodeNpy(await Deno.readFile(`${root}/ok/depth.npy`));
    assertEquals(depth.shape, [T, H, W]);
    assertEquals(thread.outstanding, 0, "frames still lent");
  } finally {
    thread.close();
    await Deno.remove(root, { recursive: true });
  }
});
