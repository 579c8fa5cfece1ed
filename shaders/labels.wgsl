// Reduces the id and depth targets to per-instance labels with atomics.
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

@compute @workgroup_size(8, 8)
fn reduce(@builtin(global_invocation_id) gid: vec3u) {
  let size = textureDimensions(id_target);
  if (gid.x >= size.x || gid.y >= size.y) {
    return;
  }
  let id = textureLoad(id_target, gid.xy, 0).x;
  if (id == 0u || id >= arrayLength(&labels)) {
    return;
  }
  let depth_bits = textureLoad(depth_target, gid.xy, 0).x;
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

@compute @workgroup_size(8, 8)
fn count_isolated(@builtin(global_invocation_id) gid: vec3u) {
  let size = textureDimensions(id_target);
  if (gid.x >= size.x || gid.y >= size.y) {
    return;
  }
  if (textureLoad(id_target, gid.xy, 0).x == isolated.id) {
    atomicAdd(&labels[isolated.id].unoccluded, 1u);
  }
}
