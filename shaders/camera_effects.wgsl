// What a real camera does to the picture, applied to the finished rgb (RGB only: every label
// target is read, none is written). fs_motion_blur smears along the forward flow over the
// shutter time (McGuire et al. 2012: a moving object blurs over the still background behind
// it and the background shows through its trailing edge); fs_lens adds depth of field (a
// gather over the circle of confusion of a thin lens), vignetting, a white-balance error and
// sensor noise (Poisson-Gaussian, seeded per clip and frame: the same seed, the same bytes).
// Both work in linear light: the rgb target holds sRGB bytes.

struct Effects {
  // exposure time as a share of the frame interval (0.5 = a 180° shutter); 0 = no blur
  shutter: f32,
  // circle of confusion radius in pixels = coc_scale * |z - focus| / z (0 = no depth of field)
  coc_scale: f32,
  focus: f32,
  max_coc: f32,
  // white-balance gains (linear rgb multipliers), w: vignetting strength 0..1
  white_balance: vec4f,
  // sensor noise: variance = gain * x + floor (linear); z: frame, w: clip seed
  noise_gain: f32,
  noise_floor: f32,
  frame: u32,
  seed: u32,
}

@group(1) @binding(0) var source: texture_2d<f32>;
@group(1) @binding(1) var depth_map: texture_2d<u32>;
@group(1) @binding(2) var flow_map: texture_2d<u32>;
@group(1) @binding(3) var<storage, read> effects: Effects;

const BLUR_SAMPLES: i32 = 12;
const LENS_SAMPLES: u32 = 32u;

fn size() -> vec2i {
  return vec2i(frame.viewport.xy);
}

fn inside(p: vec2i) -> vec2i {
  return clamp(p, vec2i(0), size() - 1);
}

fn color_at(p: vec2i) -> vec3f {
  return to_linear(textureLoad(source, inside(p), 0).rgb);
}

// Metres along the view axis; background counts as very far.
fn depth_at(p: vec2i) -> f32 {
  let d = bitcast<f32>(textureLoad(depth_map, inside(p), 0).r);
  return select(1e6, d, d < 1e6);
}

fn flow_at(p: vec2i) -> vec2f {
  let f = textureLoad(flow_map, inside(p), 0).rg;
  return vec2f(bitcast<f32>(f.x), bitcast<f32>(f.y));
}

// 1 when a is in front of b (nearer), fading over 2 % of the depth.
fn in_front(a: f32, b: f32) -> f32 {
  return clamp(1.0 - (a - b) / (0.02 * b), 0.0, 1.0);
}

fn cone(distance: f32, reach: f32) -> f32 {
  return clamp(1.0 - distance / max(reach, 1e-3), 0.0, 1.0);
}

fn cylinder(distance: f32, reach: f32) -> f32 {
  return 1.0 - smoothstep(0.95 * reach, 1.05 * reach, distance);
}

// A fixed per-pixel offset in [-0.5, 0.5): the sample pattern differs between neighbours, so
// banding turns into fine grain.
fn dither(p: vec2i) -> f32 {
  return fract(52.9829189 * fract(dot(vec2f(p), vec2f(0.06711056, 0.00583715)))) - 0.5;
}

@fragment
fn fs_motion_blur(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let p = vec2i(pos.xy);
  let centre_depth = depth_at(p);
  let centre_motion = flow_at(p) * effects.shutter;
  // the fastest motion nearby: a still background pixel next to a moving object still
  // gathers along the object's path
  // (a 5×5 grid 3 px apart for small objects, a 3×3 one 12 px apart for long smears)
  var dominant = centre_motion;
  for (var y = -2; y <= 2; y++) {
    for (var x = -2; x <= 2; x++) {
      let near = flow_at(p + vec2i(x, y) * 3) * effects.shutter;
      if (dot(near, near) > dot(dominant, dominant)) {
        dominant = near;
      }
      if (abs(x) <= 1 && abs(y) <= 1) {
        let far = flow_at(p + vec2i(x, y) * 12) * effects.shutter;
        if (dot(far, far) > dot(dominant, dominant)) {
          dominant = far;
        }
      }
    }
  }
  // the centre counts less the faster it moves: its colour is spread over its path
  let centre_reach = length(centre_motion);
  var sum = color_at(p) / max(centre_reach, 1.0);
  var total = 1.0 / max(centre_reach, 1.0);
  if (length(dominant) < 0.5) {
    return textureLoad(source, p, 0);
  }
  let jitter = dither(p);
  for (var k = 0; k < BLUR_SAMPLES; k++) {
    let t = (f32(k) + 0.5 + jitter) / f32(BLUR_SAMPLES) - 0.5;
    let q = vec2i(floor(pos.xy + dominant * t));
    if (all(q == p)) {
      continue;
    }
    let distance = length(dominant * t);
    let sample_depth = depth_at(q);
    let sample_reach = length(flow_at(q) * effects.shutter);
    // the sample smears over p (it is in front and moves far enough), p's own motion covers
    // the sample (p is in front), or both move and overlap
    let w = in_front(sample_depth, centre_depth) * cone(distance, sample_reach * 0.5) +
      in_front(centre_depth, sample_depth) * cone(distance, centre_reach * 0.5) +
      2.0 * cylinder(distance, sample_reach * 0.5) * cylinder(distance, centre_reach * 0.5);
    sum += color_at(q) * w;
    total += w;
  }
  return vec4f(to_srgb(sum / total), 1.0);
}

fn coc(depth: f32) -> f32 {
  return min(effects.coc_scale * abs(depth - effects.focus) / depth, effects.max_coc);
}

fn hash(v: vec4u) -> u32 {
  // PCG-style mixing of four words
  var h = v.x * 747796405u + 2891336453u;
  h = (h ^ (h >> 16u)) * 0x7feb352du + v.y;
  h = (h ^ (h >> 15u)) * 0x846ca68bu + v.z;
  h = (h ^ (h >> 16u)) * 0x7feb352du + v.w;
  return h ^ (h >> 16u);
}

fn uniform01(v: vec4u) -> f32 {
  return (f32(hash(v) >> 8u) + 0.5) / 16777216.0;
}

@fragment
fn fs_lens(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let p = vec2i(pos.xy);
  var color = color_at(p);
  if (effects.coc_scale > 0.0) {
    // gather over a disc as wide as the widest circle of confusion around p; a sample counts
    // where its own blur reaches p, and one behind p only where p is blurred as much (a
    // sharp subject does not take colour from the blurred background)
    let centre_depth = depth_at(p);
    let centre_coc = coc(centre_depth);
    var radius = centre_coc;
    for (var i = 0u; i < 8u; i++) {
      let a = f32(i) * 0.785398;
      let q = p + vec2i(vec2f(cos(a), sin(a)) * effects.max_coc);
      radius = max(radius, coc(depth_at(q)));
    }
    if (radius >= 0.5) {
      var sum = color;
      var total = 1.0;
      let turn = 6.2831853 * (dither(p) + 0.5);
      for (var i = 0u; i < LENS_SAMPLES; i++) {
        let r = sqrt((f32(i) + 0.5) / f32(LENS_SAMPLES)) * radius;
        let a = f32(i) * 2.39996323 + turn;
        let q = vec2i(floor(pos.xy + r * vec2f(cos(a), sin(a))));
        let d = depth_at(q);
        let reach = coc(d);
        let behind = 1.0 - in_front(d, centre_depth);
        let w = clamp(reach - r + 0.5, 0.0, 1.0) *
          mix(1.0, clamp(centre_coc - r + 0.5, 0.0, 1.0), behind);
        sum += color_at(q) * w;
        total += w;
      }
      color = sum / total;
    }
  }
  // vignetting: cos⁴ of the angle off the optical axis, mixed by strength
  let f_px = frame.proj[0][0] * 0.5 * frame.viewport.x;
  let off = (pos.xy - 0.5 * frame.viewport.xy) / f_px;
  let cos2 = 1.0 / (1.0 + dot(off, off));
  color *= mix(1.0, cos2 * cos2, effects.white_balance.w);
  color *= effects.white_balance.rgb;
  if (effects.noise_gain > 0.0 || effects.noise_floor > 0.0) {
    let key = vec4u(vec2u(p), effects.frame, effects.seed);
    for (var c = 0u; c < 3u; c++) {
      // Box-Muller from two uniforms per channel
      let u1 = uniform01(key + vec4u(0u, 0u, 0u, 2u * c + 1u));
      let u2 = uniform01(key + vec4u(0u, 0u, 0u, 2u * c + 2u));
      let gaussian = sqrt(-2.0 * log(u1)) * cos(6.2831853 * u2);
      let x = max(color[c], 0.0);
      color[c] = x + gaussian * sqrt(effects.noise_gain * x + effects.noise_floor);
    }
  }
  return vec4f(to_srgb(color), 1.0);
}
