/**
 * The host arrays each frame is copied into from its staging buffer. They are
 * allocated once per renderer and reused for every frame, so a long run
 * allocates no per-frame pixel arrays. A RenderedFrame's arrays are these: they
 * hold the frame until its consumer returns (or its promise settles); whoever
 * keeps a frame longer copies it with copyFrame.
 */
import type { RenderedFrame } from "./renderer.ts";

export class HostFrame {
  readonly rgb: Uint8Array;
  readonly depth: Float32Array;
  readonly normals: Uint16Array;
  readonly instance: Uint32Array;
  readonly flow: Float32Array;

  constructor(readonly width: number, readonly height: number) {
    const pixels = width * height;
    this.rgb = new Uint8Array(pixels * 4);
    this.depth = new Float32Array(pixels);
    this.normals = new Uint16Array(pixels * 4);
    this.instance = new Uint32Array(pixels);
    this.flow = new Float32Array(pixels * 2);
  }

  /** The bytes of one target's array, to copy rows into. */
  bytes(name: "rgb" | "depth" | "normals" | "instance" | "flow"): Uint8Array {
    const array = this[name];
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  }
}

/** A frame whose arrays are its own (the renderer reuses a frame's arrays for the next one). */
export function copyFrame(frame: RenderedFrame): RenderedFrame {
  return {
    ...frame,
    rgb: frame.rgb.slice(),
    depth: frame.depth.slice(),
    normals: frame.normals.slice(),
    instance: frame.instance.slice(),
    flow: frame.flow.slice(),
  };
}
