// Procedural albedo textures, one 256² tile per dispatch, seamless under repeat
// addressing (every pattern is periodic over the tile). Writes sRGB-encoded
// bytes into an rgba8unorm storage texture; the store copies them into its
// rgba8unorm-srgb array, so sampling decodes them back to linear.

struct Params {
  // 0 noise, 1 checker, 2 stripes, 3 marble, 4 wood, 5 dots
  pattern: u32,
  seed: u32,
  // cells (checker, dots), stripes or rings per tile
  frequency: u32,
  _pad: u32,
  // linear rgb
  color_a: vec4f,
  color_b: vec4f,
}

// storage, not uniform: see the frame buffer in common.wgsl (lavapipe leaks on inlined uniforms)
@group(0) @binding(0) var<storage, read> params: Params;
@group(0) @binding(1) var target_tex: texture_storage_2d<rgba8unorm, write>;

const TAU: f32 = 6.28318531;

fn hash(x: u32) -> u32 {
  // PCG-style integer hash
  var h = x * 747796405u + 2891336453u;
  h = ((h >> ((h >> 28u) + 4u)) ^ h) * 277803737u;
  return (h >> 22u) ^ h;
}

fn lattice(ix: i32, iy: i32, period: i32, salt: u32) -> f32 {
  let x = u32(((ix % period) + period) % period);
  let y = u32(((iy % period) + period) % period);
  return f32(hash(x + hash(y + hash(params.seed ^ salt))) & 0xffffffu) / 16777215.0;
}

// Value noise with period `period` cells over the unit tile.
fn noise(p: vec2f, period: i32, salt: u32) -> f32 {
  let q = p * f32(period);
  let i = vec2i(floor(q));
  let f = fract(q);
  let u = f * f * (3.0 - 2.0 * f);
  let a = lattice(i.x, i.y, period, salt);
  let b = lattice(i.x + 1, i.y, period, salt);
  let c = lattice(i.x, i.y + 1, period, salt);
  let d = lattice(i.x + 1, i.y + 1, period, salt);
  return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

fn fbm(p: vec2f, base: i32) -> f32 {
  var sum = 0.0;
  var amp = 0.5;
  var period = base;
  for (var o = 0u; o < 5u; o++) {
    sum += amp * noise(p, period, o * 7919u);
    period *= 2;
    amp *= 0.5;
  }
  return sum / 0.96875;
}

fn encode_srgb(c: vec3f) -> vec3f {
  let x = clamp(c, vec3f(0.0), vec3f(1.0));
  return select(1.055 * pow(x, vec3f(1.0 / 2.4)) - 0.055, x * 12.92, x <= vec3f(0.0031308));
}

@compute @workgroup_size(8, 8)
fn generate(@builtin(global_invocation_id) gid: vec3u) {
  let size = textureDimensions(target_tex);
  if (gid.x >= size.x || gid.y >= size.y) {
    return;
  }
  let p = (vec2f(gid.xy) + 0.5) / vec2f(size);
  let k = f32(params.frequency);
  // a per-seed phase so equal patterns with other seeds still differ
  let phase = f32(hash(params.seed) & 0xffffu) / 65535.0;
  var t = 0.0;
  switch params.pattern {
    case 0u: {
      t = fbm(p, max(i32(params.frequency), 1));
    }
    case 1u: {
      let c = vec2i(floor(p * k));
      t = f32((c.x + c.y) & 1);
    }
    case 2u: {
      let wobble = 0.04 * (fbm(p, 4) - 0.5);
      t = step(0.5, fract(p.x * k + phase + wobble));
    }
    case 3u: {
      let turbulence = 5.0 * fbm(p, 4);
      t = 0.5 + 0.5 * sin(TAU * (p.x * k + p.y * 2.0 + phase) + turbulence);
      t = pow(t, 0.6);
    }
    case 4u: {
      let grain = fbm(vec2f(p.x, p.y), 8);
      let rings = fract(p.x * k + phase + 0.6 * fbm(p, 2) + 0.08 * sin(TAU * p.y * 2.0));
      t = clamp(smoothstep(0.0, 0.7, rings) * 0.8 + 0.2 * grain, 0.0, 1.0);
    }
    default: {
      let cell = floor(p * k);
      let f = fract(p * k) - 0.5;
      let jitter = vec2f(
        lattice(i32(cell.x), i32(cell.y), i32(params.frequency), 11u),
        lattice(i32(cell.x), i32(cell.y), i32(params.frequency), 13u),
      ) - 0.5;
      let radius = 0.22 + 0.12 * lattice(i32(cell.x), i32(cell.y), i32(params.frequency), 17u);
      t = 1.0 - smoothstep(radius - 0.03, radius, length(f - jitter * 0.3));
    }
  }
  let c = mix(params.color_a.rgb, params.color_b.rgb, t);
  textureStore(target_tex, gid.xy, vec4f(encode_srgb(c), 1.0));
}
