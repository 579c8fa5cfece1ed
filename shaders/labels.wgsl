// Reduces the id and depth targets to per-instance labels with atomics.
// Both reductions are full-screen fragment passes, one fragment per pixel, not compute
// dispatches: on llvmpipe a compute dispatch waits on the calling thread for the frame's
// rasterization and then runs there, while a draw is queued to the rasterizer threads.
// Every field starts at zero (clearBuffer), so minima are kept as maxima of
// their complement, and depth (a positive float) is compared by its bits,
// which order like the values themselves.

struct InstanceLabel {
  count: atomic<u32>,
  // 0xffffffff - min x, 0xffffffff - min y
  inv_min_x: atomic<u32>,
  inv_min_y: atomic<u32>,
  // max x + 1, max y + 1 (pixel-edge coordinates)
  end_x: atomic<u32>,
  end_y: atomic<u32>,
  inv_min_depth: atomic<u32>,
  max_depth: atomic<u32>,
  // pixels the instance covers when nothing occludes it (amodal)
  unoccluded: atomic<u32>,
}

@group(0) @binding(0) var id_target: texture_2d<u32>;
@group(0) @binding(1) var depth_target: texture_2d<u32>;
@group(0) @binding(2) var<storage, read_write> labels: array<InstanceLabel>;

// A triangle that covers the whole target.
@vertex
fn vs_full(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  let xy = vec2f(f32((i << 1u) & 2u), f32(i & 2u)) * 2.0 - 1.0;
  return vec4f(xy, 0.0, 1.0);
}

@fragment
fn reduce(@builtin(position) position: vec4f) {
  let gid = vec2u(position.xy);
  let id = textureLoad(id_target, gid, 0).x;
  if (id == 0u || id >= arrayLength(&labels)) {
    return;
  }
  let depth_bits = textureLoad(depth_target, gid, 0).x;
  atomicAdd(&labels[id].count, 1u);
  atomicMax(&labels[id].inv_min_x, 0xffffffffu - gid.x);
  atomicMax(&labels[id].inv_min_y, 0xffffffffu - gid.y);
  atomicMax(&labels[id].end_x, gid.x + 1u);
  atomicMax(&labels[id].end_y, gid.y + 1u);
  atomicMax(&labels[id].inv_min_depth, 0xffffffffu - depth_bits);
  atomicMax(&labels[id].max_depth, depth_bits);
}

// Counts the pixels of one instance rendered alone into the id target
// (used for meshes whose front faces may overlap themselves).
struct Isolated { id: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(1) @binding(0) var<uniform> isolated: Isolated;

@fragment
fn count_isolated(@builtin(position) position: vec4f) {
  if (textureLoad(id_target, vec2u(position.xy), 0).x == isolated.id) {
    atomicAdd(&labels[isolated.id].unoccluded, 1u);
  }
}
