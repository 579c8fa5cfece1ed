/** What the renderer hands to host memory: one frame's pixels and labels. */
import type { InstanceLabel } from "./label_pass.ts";

/**
 * One frame as delivered to host memory. Its arrays are reused for the next
 * frame: they hold this frame until the consumer returns (or its promise
 * settles). Keep a frame longer with copyFrame (engine/gpu/host_frame.ts). The
 * arrays are views of one SharedArrayBuffer (a HostFrame), so the recorder
 * thread can read the frame without a copy.
 */
export interface RenderedFrame {
  /** Caller's tag for the frame (clip index, frame index, …). */
  meta: FrameMeta;
  width: number;
  height: number;
  /** RGBA8 sRGB, top row first. */
  rgb: Uint8Array;
  /** Metres along the viewing axis; +Infinity for background. */
  depth: Float32Array;
  /** Camera-space (OpenCV frame) unit normals as float16 bits, 4 per pixel (xyz, 0). */
  normals: Uint16Array;
  /** Instance id per pixel; 0 = background. */
  instance: Uint32Array;
  /** Forward flow to the next frame in pixels (dx, dy) per pixel. */
  flow: Float32Array;
  /** Per-instance labels for ids 1..maxId. */
  labels: InstanceLabel[];
}

export interface FrameMeta {
  clip: number;
  frame: number;
  maxId: number;
}

export type FrameConsumer = (frame: RenderedFrame) => Promise<void> | void;
