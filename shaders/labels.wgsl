// Reduces the id and depth targets to per-instance labels with atomics.
// Both reductions are fragment passes drawn into a narrow viewport: one fragment
// scans a segment of `segment` pixels of one row and issues its atomics once per
// run of equal ids. llvmpipe runs the loop body 8 lanes at a time, masked, so the
// cost is how often the body runs (loads per pixel) and how often the atomic block
// is reached (once per run here). Measured on llvmpipe/lavapipe, 256², 20 cubes, the
// reduce draw alone, CPU per frame: one fragment per pixel 1.1-1.4 ms (removing its
// atomics: ~0.95), segments of 8 0.8, plus read-only storage textures instead of
// sampled ones 0.5; a shader that returns at once 0.25. A compute dispatch of the
// same loop was no cheaper on lavapipe and slower in the GL frame (3.35 vs 2.97 ms).
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

@group(0) @binding(0) var id_target: texture_storage_2d<r32uint, read>;
@group(0) @binding(1) var depth_target: texture_storage_2d<r32uint, read>;
@group(0) @binding(2) var<storage, read_write> labels: array<InstanceLabel>;

// A triangle that covers the whole target.
// Pixels one fragment scans along its row: the pass is drawn into a viewport of
// ceil(width / segment) × height pixels.
override segment: u32;

// Adds one run (pixels first..last of row y, all of instance id) to its label.
fn add_run(id: u32, y: u32, first: u32, last: u32, min_depth: u32, max_depth: u32) {
  if (id == 0u) {
    return;
  }
  atomicAdd(&labels[id].count, last + 1u - first);
  atomicMax(&labels[id].inv_min_x, 0xffffffffu - first);
  atomicMax(&labels[id].inv_min_y, 0xffffffffu - y);
  atomicMax(&labels[id].end_x, last + 1u);
  atomicMax(&labels[id].end_y, y + 1u);
  atomicMax(&labels[id].inv_min_depth, 0xffffffffu - min_depth);
  atomicMax(&labels[id].max_depth, max_depth);
}

// One fragment per row segment: the outer loop takes one run of equal ids per
// iteration, so the atomics run once per run, not once per pixel.
@fragment
fn reduce(@builtin(position) position: vec4f) {
  let y = u32(position.y);
  let end = min((u32(position.x) + 1u) * segment, textureDimensions(id_target).x);
  let ids = arrayLength(&labels);
  var x = u32(position.x) * segment;
  while (x < end) {
    let first = x;
    let id = textureLoad(id_target, vec2u(x, y)).x;
    var min_depth = 0xffffffffu;
    var max_depth = 0u;
    loop {
      let depth_bits = textureLoad(depth_target, vec2u(x, y)).x;
      min_depth = min(min_depth, depth_bits);
      max_depth = max(max_depth, depth_bits);
      x++;
      if (x == end || textureLoad(id_target, vec2u(x, y)).x != id) {
        break;
      }
    }
    if (id < ids) {
      add_run(id, y, first, x - 1u, min_depth, max_depth);
    }
  }
}

// Counts the pixels of each instance in the id target, where non-convex instances were drawn
// in layers that do not overlap on screen (so each pixel shows what that instance alone would):
// their unoccluded areas. One atomic per run of equal ids, as in reduce.
@fragment
fn count_layer(@builtin(position) position: vec4f) {
  let y = u32(position.y);
  let end = min((u32(position.x) + 1u) * segment, textureDimensions(id_target).x);
  let ids = arrayLength(&labels);
  var x = u32(position.x) * segment;
  while (x < end) {
    let first = x;
    let id = textureLoad(id_target, vec2u(x, y)).x;
    loop {
      x++;
      if (x == end || textureLoad(id_target, vec2u(x, y)).x != id) {
        break;
      }
    }
    if (id != 0u && id < ids) {
      atomicAdd(&labels[id].unoccluded, x - first);
    }
  }
}
