/// <reference lib="deno.worker" />
/**
 * The recorder thread's side (see engine/dataset/recorder_thread.ts): one ClipRecorder
 * per open clip. Each clip's requests run one after another; different clips
 * overlap (the last clip's finish with the next clip's first frames).
 */
import { ClipRecorder } from "./clip_recorder.ts";
import { HostFrame } from "../gpu/host_frame.ts";
import type { RecorderReply, RecorderRequest } from "./recorder_messages.ts";

interface OpenClip {
  recorder: Promise<ClipRecorder>;
  /** The clip's requests so far, in order. */
  chain: Promise<void>;
  failure?: Error;
}

// V8 does not see the native memory behind encoders and file handles, so it collects rarely;
// a full collection every few clips keeps the thread's memory flat (as the runner does).
const COLLECT_EVERY = 10;
const clips = new Map<number, OpenClip>();
/** The render loop's host frames, by number, as their buffers arrive. */
const frames = new Map<number, HostFrame>();
let finished = 0;

function reply(message: RecorderReply) {
  self.postMessage(message);
}

/** Records the clip's first failure, releases its recorder and tells the render loop. */
function fail(clip: number, open: OpenClip, error: unknown) {
  if (open.failure) return;
  open.failure = error instanceof Error ? error : new Error(String(error));
  open.recorder.then((recorder) => {
    try {
      recorder.abandon();
    } catch {
      // closing what is left is best effort; the failure reported is the first one
    }
  }, () => {});
  reply({ op: "failed", clip, message: open.failure.message });
}

self.onmessage = (event: MessageEvent<RecorderRequest>) => {
  const request = event.data;
  if (request.op === "open") {
    const { clip, dir, frames, width, height, fps, outputs, withAudio, gtFormat, videoBitrate } =
      request;
    const recorder = ClipRecorder.create(
      dir,
      frames,
      width,
      height,
      fps,
      outputs,
      withAudio,
      gtFormat,
      videoBitrate,
    );
    const open: OpenClip = { recorder, chain: Promise.resolve() };
    open.chain = recorder.then(() => {}, (error: unknown) => fail(clip, open, error));
    clips.set(clip, open);
    return;
  }
  if (request.op === "frame" && request.buffer) {
    frames.set(request.slot, new HostFrame(request.width, request.height, request.buffer));
  }
  const open = clips.get(request.clip);
  if (!open) {
    if (request.op === "frame") reply({ op: "returned", slot: request.slot });
    return;
  }
  const { clip } = request;
  if (request.op === "frame") {
    const { meta, slot } = request;
    open.chain = open.chain.then(async () => {
      if (open.failure) return;
      await (await open.recorder).add({ ...frames.get(slot)!, meta });
    }).catch((error) => fail(clip, open, error))
      .finally(() => reply({ op: "returned", slot }));
    return;
  }
  clips.delete(clip);
  if (request.op === "abandon") {
    open.chain = open.chain.then(async () => {
      if (!open.failure) (await open.recorder).abandon();
    }).catch(() => {}).finally(() => reply({ op: "abandoned", clip }));
    return;
  }
  open.chain = open.chain.then(async () => {
    if (open.failure) return;
    await (await open.recorder).finish(request.documents, request.audio);
    reply({ op: "finished", clip });
  }).catch((error) => fail(clip, open, error)).finally(() => {
    if (++finished % COLLECT_EVERY === 0) (globalThis as { gc?: () => void }).gc?.();
  });
};
