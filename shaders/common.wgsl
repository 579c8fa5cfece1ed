// Shared declarations, prepended to every synthvid shader.

const MAX_LIGHTS: u32 = 8u;

struct Light {
  // kind: 0 directional, 1 point, 2 spot
  kind: u32,
  cast_shadow: u32,
  _pad0: u32,
  _pad1: u32,
  // world position (point, spot)
  position: vec4f,
  // world direction the light travels (directional, spot)
  direction: vec4f,
  // linear rgb * intensity
  color: vec4f,
  // x: cos(inner cone), y: cos(outer cone), z: range (0 = infinite)
  spot: vec4f,
}

struct Frame {
  view: mat4x4f,
  proj: mat4x4f,
  view_next: mat4x4f,
  proj_next: mat4x4f,
  // world-space camera position
  camera_pos: vec4f,
  // x: width, y: height
  viewport: vec4f,
  // linear rgb * intensity
  ambient: vec4f,
  light_count: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
  lights: array<Light, MAX_LIGHTS>,
  // light-from-world projection of the key (shadow-casting) light
  shadow_view_proj: mat4x4f,
  // x: 1 when a shadow map is bound for light `y`, y: that light's index,
  // z: texel size (1 / map size), w: depth bias in clip units
  shadow: vec4f,
  // x: environment intensity (0 = none), y: rotation (radians),
  // z: 1 when the environment fills the background, w: last mip level
  env: vec4f,
  // diffuse irradiance of the environment, 9 SH coefficients (rgb, pre-scaled)
  env_sh: array<vec4f, 9>,
  // x: tone mapping curve (0 none, 1 PBR Neutral, 2 ACES fit), y: exposure scale (2^EV)
  tone: vec4f,
  // soft shadows of the key light: x: penumbra radius in texels per unit of map depth between
  // blocker and receiver (0 = not a directional light: the fixed filter), y: widest radius
  shadow_soft: vec4f,
}

// One drawn part of an object; several parts may share one instance id.
struct Instance {
  model: mat4x4f,
  model_next: mat4x4f,
  // inverse-transpose of model (upper 3x3 used)
  normal_matrix: mat4x4f,
  // linear rgba
  base_color: vec4f,
  // x: roughness, y: metalness, z: texture layer (-1 = none), w: occlusion map strength
  material: vec4f,
  // layers in the data array (-1 = none): x: normal map, y: metallic-roughness map,
  // z: occlusion map; w: normal map scale
  maps: vec4f,
  // rgb: emitted linear radiance, w: emissive texture layer in the colour array (-1 = none)
  emissive: vec4f,
  // x: instance id (0 = background)
  ids: vec4u,
  // xy: texture repeats across the mesh's uv square (Material.uvScale); zw unused
  uv_scale: vec4f,
}

// A read-only storage buffer, not a uniform buffer: lavapipe (Mesa 22.3) inlines uniform values
// that steer branches, JIT-compiles a new shader variant on every pipeline bind and never frees
// it (+1.3 MB resident and +2 ms per frame measured). Same bytes, same layout either way.
@group(0) @binding(0) var<storage, read> frame: Frame;
@group(0) @binding(1) var<storage, read> instances: array<Instance>;

struct VertexIn {
  @location(0) position: vec3f,
  @location(1) normal: vec3f,
  @location(2) uv: vec2f,
  // Where this vertex is in the next frame before the instance's next model matrix: the same
  // position for rigid meshes, the next pose's for skinned ones (engine/gpu/mesh_store.ts).
  @location(3) next_position: vec3f,
  @builtin(instance_index) instance: u32,
}

struct VertexOut {
  @builtin(position) clip: vec4f,
  @location(0) world_pos: vec3f,
  @location(1) view_pos: vec3f,
  @location(2) world_normal: vec3f,
  @location(3) uv: vec2f,
  @location(4) clip_now: vec4f,
  @location(5) clip_next: vec4f,
  @location(6) @interpolate(flat) instance: u32,
}

@vertex
fn vs_main(v: VertexIn) -> VertexOut {
  let inst = instances[v.instance];
  let world = inst.model * vec4f(v.position, 1.0);
  let world_next = inst.model_next * vec4f(v.next_position, 1.0);
  let view = frame.view * world;
  var out: VertexOut;
  out.clip = frame.proj * view;
  out.clip_now = out.clip;
  out.clip_next = frame.proj_next * (frame.view_next * world_next);
  out.world_pos = world.xyz;
  out.view_pos = view.xyz;
  out.world_normal = (inst.normal_matrix * vec4f(v.normal, 0.0)).xyz;
  out.uv = v.uv * inst.uv_scale.xy;
  out.instance = v.instance;
  return out;
}

// Pixel position (x right, y down, pixel-edge units) of a clip-space point.
fn clip_to_pixel(c: vec4f) -> vec2f {
  let ndc = c.xy / c.w;
  return vec2f(ndc.x * 0.5 + 0.5, 0.5 - ndc.y * 0.5) * frame.viewport.xy;
}
