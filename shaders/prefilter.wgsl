// Prefiltered specular environment: each level of the output holds the environment
// convolved with the GGX lobe of one roughness (level / last level), assuming n = v = r
// as the split-sum approximation does. Filtered importance sampling (Křivánek & Colbert
// 2008): each sample reads the box-filtered source at the mip whose texels match the solid
// angle the sample stands for, so a few hundred samples give a smooth result.

struct Params {
  roughness: f32,
  samples: u32,
  // output level size
  width: f32,
  height: f32,
  // source level 0 size and its mip count
  source_width: f32,
  source_height: f32,
  source_levels: f32,
  _pad: f32,
}

@group(0) @binding(0) var source: texture_2d<f32>;
@group(0) @binding(1) var source_sampler: sampler;
@group(0) @binding(2) var<storage, read> params: Params;

const PI: f32 = 3.14159265;

// The equirectangular mapping of engine/scene/environment.ts (rotation 0).
fn direction(uv: vec2f) -> vec3f {
  let phi = (uv.x - 0.5) * 2.0 * PI;
  let theta = uv.y * PI;
  return vec3f(sin(phi) * sin(theta), cos(theta), -cos(phi) * sin(theta));
}

fn uv_of(d: vec3f) -> vec2f {
  return vec2f(atan2(d.x, -d.z) / (2.0 * PI) + 0.5, acos(clamp(d.y, -1.0, 1.0)) / PI);
}

fn radical_inverse(i: u32) -> f32 {
  return f32(reverseBits(i)) * 2.3283064365386963e-10;
}

@fragment
fn fs_prefilter(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let n = direction(pos.xy / vec2f(params.width, params.height));
  let up = select(vec3f(1.0, 0.0, 0.0), vec3f(0.0, 1.0, 0.0), abs(n.y) < 0.999);
  let t = normalize(cross(up, n));
  let b = cross(n, t);
  let a = params.roughness * params.roughness;
  let a2 = a * a;
  // solid angle of one source texel at the equator
  let texel = (2.0 * PI / params.source_width) * (PI / params.source_height);
  var sum = vec3f(0.0);
  var weight = 0.0;
  for (var i = 0u; i < params.samples; i++) {
    let phi = 2.0 * PI * (f32(i) + 0.5) / f32(params.samples);
    let u = radical_inverse(i);
    let cos_t = sqrt((1.0 - u) / (1.0 + (a2 - 1.0) * u));
    let sin_t = sqrt(1.0 - cos_t * cos_t);
    let h = t * (sin_t * cos(phi)) + b * (sin_t * sin(phi)) + n * cos_t;
    let l = 2.0 * dot(n, h) * h - n;
    let n_l = dot(n, l);
    if (n_l <= 0.0) {
      continue;
    }
    // pdf of l with n = v: D(h) / 4
    let d_denom = cos_t * cos_t * (a2 - 1.0) + 1.0;
    let pdf = a2 / (PI * d_denom * d_denom) / 4.0;
    let sample_angle = 1.0 / (f32(params.samples) * pdf);
    let texel_angle = texel * max(sqrt(1.0 - l.y * l.y), 1e-3);
    let lod = clamp(0.5 * log2(sample_angle / texel_angle) + 1.0, 0.0, params.source_levels - 1.0);
    sum += textureSampleLevel(source, source_sampler, uv_of(l), lod).rgb * n_l;
    weight += n_l;
  }
  return vec4f(sum / max(weight, 1e-6), 1.0);
}
