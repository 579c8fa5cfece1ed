// Averages an N×-supersampled sRGB image down to the rgb target (in linear light).

struct Params { factor: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var source: texture_2d<f32>;
// storage, not uniform: see the frame buffer in common.wgsl (lavapipe leaks on inlined uniforms)
@group(0) @binding(1) var<storage, read> params: Params;

@fragment
fn fs_down(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let f = params.factor;
  let base = vec2u(pos.xy) * f;
  var sum = vec3f(0.0);
  for (var y = 0u; y < f; y++) {
    for (var x = 0u; x < f; x++) {
      sum += to_linear(textureLoad(source, base + vec2u(x, y), 0).rgb);
    }
  }
  return vec4f(to_srgb(sum / f32(f * f)), 1.0);
}
