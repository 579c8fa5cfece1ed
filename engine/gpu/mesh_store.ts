/**
 * Keeps every mesh of a scene in one vertex and one index buffer on the GPU,
 * and each frame's posed (skinned) vertices in a second vertex buffer.
 */
import type { MeshData } from "../scene/mesh.ts";
import type { Posed } from "../scene/skin.ts";

/** One instanced draw of a mesh range. */
export interface Draw {
  firstIndex: number;
  indexCount: number;
  baseVertex: number;
  firstInstance: number;
  instanceCount: number;
  /** A posed (skinned) mesh: its vertices sit in MeshStore.posedBuffer, next frame's at this vertex. */
  nextVertex?: number;
  /** The camera passes may skip back faces (closed convex meshes seen from outside; view_cull.ts). */
  cullBack?: boolean;
}

/** Where one mesh lives in the shared buffers. */
export interface MeshRange {
  firstIndex: number;
  indexCount: number;
  baseVertex: number;
  /** How the unoccluded-area pass may count this mesh's fragments. */
  coverage: "convex" | "flat" | "other";
}

const FLOATS_PER_VERTEX = 8; // position 3, normal 3, uv 2
/**
 * Meshes made per clip (people, props, hands) are new objects every clip; kept
 * for the whole run they grew memory without bound. Past this many bytes, and
 * when a frame draws less than half of what is stored, the store starts over.
 */
const KEEP_BYTES = 8 << 20;

export class MeshStore {
  vertexBuffer: GPUBuffer;
  indexBuffer: GPUBuffer;
  #ranges = new Map<MeshData, MeshRange>();
  // CPU copies with spare capacity: #vertexFloats / #indexCount are the parts in use.
  #vertices: Float32Array<ArrayBuffer> = new Float32Array(1 << 14);
  #indices: Uint32Array<ArrayBuffer> = new Uint32Array(1 << 14);
  #vertexFloats = 0;
  #indexCount = 0;
  #uploadedVertices = 0;
  #uploadedIndices = 0;
  /** This frame's skinned vertices: each posed mesh's vertices now, then where they go next. */
  posedBuffer: GPUBuffer;
  #posed: Float32Array<ArrayBuffer> = new Float32Array(1 << 14);
  #posedFloats = 0;

  constructor(private readonly device: GPUDevice) {
    this.vertexBuffer = this.#createBuffer("vertex", 1 << 16, GPUBufferUsage.VERTEX);
    this.indexBuffer = this.#createBuffer("index", 1 << 16, GPUBufferUsage.INDEX);
    this.posedBuffer = this.#createBuffer("posed", 1 << 16, GPUBufferUsage.VERTEX);
  }

  /**
   * Adds a skinned mesh's vertices for this frame (`now`) and the next (`next`, read only for
   * flow) to the posed buffer; returns where each copy starts. Indices come from `range(mesh)`.
   */
  pose(mesh: MeshData, now: Posed, next: Posed): { baseVertex: number; nextVertex: number } {
    const count = mesh.positions.length / 3;
    const baseVertex = this.#posedFloats / FLOATS_PER_VERTEX;
    this.#posed = reserve(this.#posed, this.#posedFloats + 2 * count * FLOATS_PER_VERTEX);
    const out = this.#posed;
    let o = this.#posedFloats;
    for (const posed of [now, next]) {
      for (let v = 0; v < count; v++, o += FLOATS_PER_VERTEX) {
        out.set(posed.positions.subarray(v * 3, v * 3 + 3), o);
        out.set(posed.normals.subarray(v * 3, v * 3 + 3), o + 3);
        out.set(mesh.uvs.subarray(v * 2, v * 2 + 2), o + 6);
      }
    }
    this.#posedFloats = o;
    return { baseVertex, nextVertex: baseVertex + count };
  }

  /**
   * Records `draws` in `pass`: static meshes from the shared buffer, posed ones from this
   * frame's posed vertices. Slot 1 is the same buffer again, at each vertex's next-frame copy
   * (a static vertex's own position: its motion is in the instance's next model matrix).
   */
  drawAll(pass: GPURenderPassEncoder, draws: readonly Draw[]): void {
    pass.setIndexBuffer(this.indexBuffer, "uint32");
    let bound: GPUBuffer | undefined;
    let boundNext = -1;
    for (const d of draws) {
      const buffer = d.nextVertex === undefined ? this.vertexBuffer : this.posedBuffer;
      const next = d.nextVertex === undefined
        ? 0
        : (d.nextVertex - d.baseVertex) * FLOATS_PER_VERTEX * 4;
      if (buffer !== bound) pass.setVertexBuffer(0, buffer), bound = buffer, boundNext = -1;
      if (next !== boundNext) pass.setVertexBuffer(1, buffer, next), boundNext = next;
      pass.drawIndexed(d.indexCount, d.instanceCount, d.firstIndex, d.baseVertex, d.firstInstance);
    }
  } // deno-fmt-ignore

  /**
   * Called with the meshes a frame draws, before their ranges are looked up: forgets every
   * mesh when the store has grown past KEEP_BYTES and holds over twice what the frame needs.
   * Frames already submitted still read the old contents: the queue runs in order.
   */
  beginFrame(meshes: Iterable<MeshData>): void {
    this.#posedFloats = 0;
    const stored = (this.#vertexFloats + this.#indexCount) * 4;
    if (stored <= KEEP_BYTES) return;
    let needed = 0;
    for (const mesh of meshes) {
      needed += ((mesh.positions.length / 3) * FLOATS_PER_VERTEX + mesh.indices.length) * 4;
    }
    if (stored <= 2 * needed) return;
    this.#ranges = new Map();
    this.#vertexFloats = this.#indexCount = 0;
    this.#uploadedVertices = this.#uploadedIndices = 0;
  }

  /** Range of `mesh`, uploading it the first time it is seen. */
  range(mesh: MeshData): MeshRange {
    let range = this.#ranges.get(mesh);
    if (range) return range;
    const vertexCount = mesh.positions.length / 3;
    const baseVertex = this.#vertexFloats / FLOATS_PER_VERTEX;
    this.#vertices = reserve(this.#vertices, this.#vertexFloats + vertexCount * FLOATS_PER_VERTEX);
    this.#indices = reserve(this.#indices, this.#indexCount + mesh.indices.length);
    const out = this.#vertices;
    for (let v = 0, o = this.#vertexFloats; v < vertexCount; v++, o += FLOATS_PER_VERTEX) {
      out.set(mesh.positions.subarray(v * 3, v * 3 + 3), o);
      out.set(mesh.normals.subarray(v * 3, v * 3 + 3), o + 3);
      out.set(mesh.uvs.subarray(v * 2, v * 2 + 2), o + 6);
    }
    this.#indices.set(mesh.indices, this.#indexCount);
    range = {
      firstIndex: this.#indexCount,
      indexCount: mesh.indices.length,
      baseVertex,
      coverage: mesh.convex ? "convex" : isFlat(mesh) ? "flat" : "other",
    };
    this.#vertexFloats += vertexCount * FLOATS_PER_VERTEX;
    this.#indexCount += mesh.indices.length;
    this.#ranges.set(mesh, range);
    return range;
  }

  /** Uploads meshes added since the last call and this frame's posed vertices; call before recording draws. */
  flush(): void {
    if (this.#posedFloats * 4 > this.posedBuffer.size) {
      this.posedBuffer.destroy();
      this.posedBuffer = this.#createBuffer(
        "posed",
        grow(this.#posedFloats * 4),
        GPUBufferUsage.VERTEX,
      );
    }
    if (this.#posedFloats > 0) {
      this.device.queue.writeBuffer(this.posedBuffer, 0, this.#posed, 0, this.#posedFloats);
    }
    const vBytes = this.#vertexFloats * 4;
    const iBytes = this.#indexCount * 4;
    if (vBytes > this.vertexBuffer.size || iBytes > this.indexBuffer.size) {
      this.vertexBuffer.destroy();
      this.indexBuffer.destroy();
      this.vertexBuffer = this.#createBuffer("vertex", grow(vBytes), GPUBufferUsage.VERTEX);
      this.indexBuffer = this.#createBuffer("index", grow(iBytes), GPUBufferUsage.INDEX);
      this.#uploadedVertices = 0;
      this.#uploadedIndices = 0;
    }
    if (this.#uploadedVertices < this.#vertexFloats) {
      const from = this.#uploadedVertices;
      const count = this.#vertexFloats - from;
      this.device.queue.writeBuffer(this.vertexBuffer, from * 4, this.#vertices, from, count);
      this.#uploadedVertices = this.#vertexFloats;
    }
    if (this.#uploadedIndices < this.#indexCount) {
      const from = this.#uploadedIndices;
      const count = this.#indexCount - from;
      this.device.queue.writeBuffer(this.indexBuffer, from * 4, this.#indices, from, count);
      this.#uploadedIndices = this.#indexCount;
    }
  }

  /** Slot 0: position, normal, uv; slot 1: the next frame's position (see drawAll). */
  static readonly layouts: GPUVertexBufferLayout[] = [{
    arrayStride: FLOATS_PER_VERTEX * 4,
    attributes: [
      { shaderLocation: 0, offset: 0, format: "float32x3" },
      { shaderLocation: 1, offset: 12, format: "float32x3" },
      { shaderLocation: 2, offset: 24, format: "float32x2" },
    ],
  }, {
    arrayStride: FLOATS_PER_VERTEX * 4,
    attributes: [{ shaderLocation: 3, offset: 0, format: "float32x3" }],
  }];

  destroy(): void {
    this.vertexBuffer.destroy();
    this.indexBuffer.destroy();
    this.posedBuffer.destroy();
  }

  #createBuffer(kind: string, size: number, usage: number): GPUBuffer {
    return this.device.createBuffer({
      label: `MeshStore.${kind}`,
      size,
      usage: usage | GPUBufferUsage.COPY_DST,
    });
  }
}

function grow(bytes: number): number {
  return Math.max(1 << 16, 2 ** Math.ceil(Math.log2(bytes)));
}

/** `a`, or a copy with at least `length` elements (doubling, so appends stay cheap). */
function reserve<T extends Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(
  a: T,
  length: number,
): T {
  if (length <= a.length) return a;
  const out = new (a.constructor as { new (n: number): T })(2 ** Math.ceil(Math.log2(length)));
  out.set(a);
  return out;
}

/** True when every vertex lies in one plane: such a surface covers each pixel once. */
function isFlat(mesh: MeshData): boolean {
  const p = mesh.positions;
  const idx = mesh.indices;
  if (idx.length < 3) return true;
  const a = [p[idx[0] * 3], p[idx[0] * 3 + 1], p[idx[0] * 3 + 2]];
  const b = [p[idx[1] * 3] - a[0], p[idx[1] * 3 + 1] - a[1], p[idx[1] * 3 + 2] - a[2]];
  const c = [p[idx[2] * 3] - a[0], p[idx[2] * 3 + 1] - a[1], p[idx[2] * 3 + 2] - a[2]];
  const n = [b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]];
  const len = Math.hypot(n[0], n[1], n[2]) || 1;
  for (let v = 0; v < p.length; v += 3) {
    const d = ((p[v] - a[0]) * n[0] + (p[v + 1] - a[1]) * n[1] + (p[v + 2] - a[2]) * n[2]) / len;
    if (Math.abs(d) > 1e-6) return false;
  }
  return true;
}
