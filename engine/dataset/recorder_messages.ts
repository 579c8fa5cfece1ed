/** The messages between the render loop's RecorderThread and its worker (recorder_worker.ts). */
import type { ClipDocuments } from "./clip_documents.ts";
import type { FrameMeta } from "../gpu/frame.ts";
import type { GtFormat } from "../config/gt_format.ts";
import type { OutputName } from "../config/scene_file.ts";

export interface ClipOptions {
  clip: number;
  dir: string;
  frames: number;
  width: number;
  height: number;
  fps: number;
  outputs: readonly OutputName[];
  withAudio: boolean;
  gtFormat: GtFormat;
  /** rgb.mp4's bitrate (bits per second); the encoder's default when not given. */
  videoBitrate?: number;
}

/** Messages to the worker (engine/dataset/recorder_worker.ts). */
export type RecorderRequest =
  | ({ op: "open" } & ClipOptions)
  | {
    op: "frame";
    clip: number;
    meta: FrameMeta;
    /** The pool's frame number; `buffer` comes with a frame's first loan only. */
    slot: number;
    width: number;
    height: number;
    buffer?: SharedArrayBuffer;
  }
  | { op: "finish"; clip: number; documents: ClipDocuments; audio?: Float32Array }
  | { op: "abandon"; clip: number };

/** Messages from the worker. */
export type RecorderReply =
  | { op: "returned"; slot: number }
  | { op: "failed"; clip: number; message: string }
  | { op: "finished"; clip: number }
  | { op: "abandoned"; clip: number };
