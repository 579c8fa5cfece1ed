/** Keeps every mesh of a scene in one vertex and one index buffer on the GPU. */
import type { MeshData } from "./mesh.ts";

/** Where one mesh lives in the shared buffers. */
export interface MeshRange {
  firstIndex: number;
  indexCount: number;
  baseVertex: number;
  /** How the unoccluded-area pass may count this mesh's fragments. */
  coverage: "convex" | "flat" | "other";
}

const FLOATS_PER_VERTEX = 8; // position 3, normal 3, uv 2

export class MeshStore {
  vertexBuffer: GPUBuffer;
  indexBuffer: GPUBuffer;
  readonly #ranges = new Map<MeshData, MeshRange>();
  #vertices: Float32Array<ArrayBuffer> = new Float32Array(0);
  #indices: Uint32Array<ArrayBuffer> = new Uint32Array(0);
  #uploadedVertices = 0;
  #uploadedIndices = 0;

  constructor(private readonly device: GPUDevice) {
    this.vertexBuffer = this.#createBuffer("vertex", 1 << 16, GPUBufferUsage.VERTEX);
    this.indexBuffer = this.#createBuffer("index", 1 << 16, GPUBufferUsage.INDEX);
  }

  /** Range of `mesh`, uploading it the first time it is seen. */
  range(mesh: MeshData): MeshRange {
    let range = this.#ranges.get(mesh);
    if (range) return range;
    const vertexCount = mesh.positions.length / 3;
    const baseVertex = this.#vertices.length / FLOATS_PER_VERTEX;
    const interleaved = new Float32Array(vertexCount * FLOATS_PER_VERTEX);
    for (let v = 0; v < vertexCount; v++) {
      interleaved.set(mesh.positions.subarray(v * 3, v * 3 + 3), v * 8);
      interleaved.set(mesh.normals.subarray(v * 3, v * 3 + 3), v * 8 + 3);
      interleaved.set(mesh.uvs.subarray(v * 2, v * 2 + 2), v * 8 + 6);
    }
    range = {
      firstIndex: this.#indices.length,
      indexCount: mesh.indices.length,
      baseVertex,
      coverage: mesh.convex ? "convex" : isFlat(mesh) ? "flat" : "other",
    };
    this.#vertices = concat(this.#vertices, interleaved);
    this.#indices = concat(this.#indices, mesh.indices);
    this.#ranges.set(mesh, range);
    return range;
  }

  /** Uploads meshes added since the last call; call before recording draws. */
  flush(): void {
    const vBytes = this.#vertices.byteLength;
    const iBytes = this.#indices.byteLength;
    if (vBytes > this.vertexBuffer.size || iBytes > this.indexBuffer.size) {
      this.vertexBuffer.destroy();
      this.indexBuffer.destroy();
      this.vertexBuffer = this.#createBuffer("vertex", grow(vBytes), GPUBufferUsage.VERTEX);
      this.indexBuffer = this.#createBuffer("index", grow(iBytes), GPUBufferUsage.INDEX);
      this.#uploadedVertices = 0;
      this.#uploadedIndices = 0;
    }
    if (this.#uploadedVertices < this.#vertices.length) {
      const from = this.#uploadedVertices;
      this.device.queue.writeBuffer(this.vertexBuffer, from * 4, this.#vertices, from);
      this.#uploadedVertices = this.#vertices.length;
    }
    if (this.#uploadedIndices < this.#indices.length) {
      const from = this.#uploadedIndices;
      this.device.queue.writeBuffer(this.indexBuffer, from * 4, this.#indices, from);
      this.#uploadedIndices = this.#indices.length;
    }
  }

  static readonly layout: GPUVertexBufferLayout = {
    arrayStride: FLOATS_PER_VERTEX * 4,
    attributes: [
      { shaderLocation: 0, offset: 0, format: "float32x3" },
      { shaderLocation: 1, offset: 12, format: "float32x3" },
      { shaderLocation: 2, offset: 24, format: "float32x2" },
    ],
  };

  destroy(): void {
    this.vertexBuffer.destroy();
    this.indexBuffer.destroy();
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

function concat<T extends Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(
  a: T,
  b: ArrayLike<number>,
): T {
  const out = new (a.constructor as { new (n: number): T })(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
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
