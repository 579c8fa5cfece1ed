// Counts, per instance, the pixels it would cover if nothing occluded it.
// Drawn without depth test: for a closed convex mesh with back faces culled
// (or a flat surface, nothing culled) each covered pixel gets exactly one
// fragment, so the fragment count is the unoccluded area.

@group(1) @binding(0) var<storage, read_write> unoccluded: array<atomic<u32>>;

@fragment
fn fs_count(in: VertexOut) {
  let id = instances[in.instance].ids.x;
  // InstanceLabel is 8 u32; `unoccluded` is its last field
  atomicAdd(&unoccluded[id * 8u + 7u], 1u);
}

// Writes only the instance id: used to render one non-convex instance alone.
@fragment
fn fs_id(in: VertexOut) -> @location(0) u32 {
  return instances[in.instance].ids.x;
}
