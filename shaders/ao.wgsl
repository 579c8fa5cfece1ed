// Ground-truth ambient occlusion (GTAO, Jimenez et al. 2016) from the label targets: metric
// depth and camera-space normals of the 1× G-buffer. RGB only: the colour pass multiplies
// its ambient and environment light by the result; no label reads it.
// fs_occlusion traces horizons in `slices` screen directions per pixel (rotated by a 4×4
// pattern) into an rg16float target, fs_blur averages each 4×4 block with plane and normal
// weights, which removes the pattern and keeps edges, into the r8unorm result.

struct AoParams {
  // world radius of the search (metres)
  radius: f32,
  // visibility ^ strength
  strength: f32,
  slices: u32,
  steps: u32,
}

@group(1) @binding(0) var depth_map: texture_2d<u32>;
@group(1) @binding(1) var normal_map: texture_2d<f32>;
@group(1) @binding(2) var<storage, read> ao: AoParams;
@group(1) @binding(3) var raw_ao: texture_2d<f32>;

const AO_PI: f32 = 3.14159265;

fn depth_at(p: vec2i) -> f32 {
  return bitcast<f32>(textureLoad(depth_map, p, 0).r);
}

// View-space position (x right, y up, camera looking down -z) of pixel centre `pixel` at `depth`.
fn view_position(pixel: vec2f, depth: f32) -> vec3f {
  let ndc = vec2f(pixel.x / frame.viewport.x * 2.0 - 1.0, 1.0 - pixel.y / frame.viewport.y * 2.0);
  return vec3f(
    (ndc.x + frame.proj[2][0]) / frame.proj[0][0] * depth,
    (ndc.y + frame.proj[2][1]) / frame.proj[1][1] * depth,
    -depth,
  );
}

// The stored normal is in the OpenCV camera frame (x right, y down, z forward).
fn view_normal(p: vec2i) -> vec3f {
  let n = textureLoad(normal_map, p, 0).xyz;
  return vec3f(n.x, -n.y, -n.z);
}

// Cosine-weighted visible arc between the normal's angle n and horizon angle h (GTAO eq. 10).
fn arc(h: f32, n: f32) -> f32 {
  return 0.25 * (-cos(2.0 * h - n) + cos(n) + 2.0 * h * sin(n));
}

// A fixed 4×4 pattern in [0, 1): neighbouring pixels search different directions and
// distances, and fs_blur's 4×4 average sees each of them once.
fn pattern(p: vec2i) -> vec2f {
  let i = u32(p.x & 3) + 4u * u32(p.y & 3);
  let bayer = array<u32, 16>(0u, 8u, 2u, 10u, 12u, 4u, 14u, 6u, 3u, 11u, 1u, 9u, 15u, 7u, 13u, 5u);
  return vec2f((f32(bayer[i]) + 0.5) / 16.0, fract(f32(i) * 0.618034 + 0.31));
}

@fragment
fn fs_occlusion(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let p = vec2i(pos.xy);
  let depth = depth_at(p);
  if (!(depth < 3.0e38)) {
    return vec4f(1.0, 1.0, 0.0, 1.0); // background
  }
  let centre = view_position(pos.xy, depth);
  let v = normalize(-centre);
  let normal = view_normal(p);
  // the search radius in pixels at this depth, at most a quarter of the frame
  let radius_px = min(ao.radius * frame.proj[0][0] * 0.5 * frame.viewport.x / depth,
    0.25 * frame.viewport.x);
  if (radius_px < 1.0) {
    return vec4f(1.0, 1.0, 0.0, 1.0);
  }
  let jitter = pattern(p);
  let size = vec2i(frame.viewport.xy);
  // per slice, the visible arc and the whole arc the surface could see (the ratio of their
  // sums is the cosine-weighted visibility; a single slice may see more than the average)
  var visible = 0.0;
  var whole = 0.0;
  for (var s = 0u; s < ao.slices; s++) {
    let angle = (f32(s) + jitter.x) * AO_PI / f32(ao.slices);
    let screen_dir = vec2f(cos(angle), sin(angle)); // pixels, y down
    let dir = vec3f(screen_dir.x, -screen_dir.y, 0.0); // view space, y up
    let ortho = dir - dot(dir, v) * v;
    let axis = normalize(cross(dir, v));
    let projected = normal - axis * dot(normal, axis);
    let projected_len = length(projected);
    if (projected_len < 1e-4) {
      continue;
    }
    let cos_n = clamp(dot(projected, v) / projected_len, -1.0, 1.0);
    let n = sign(dot(ortho, projected)) * acos(cos_n);
    // highest elevation above the tangent plane on each side (0 = -dir, 1 = +dir). Measured
    // against the plane rather than as an angle to v: samples sit on whole pixels, a little
    // off the slice, and on a surface seen at a grazing angle that alone would read as an
    // occluder.
    var elevation = vec2f(0.0);
    for (var k = 0u; k < ao.steps; k++) {
      let t = (f32(k) + jitter.y) / f32(ao.steps);
      let offset = screen_dir * max(t * t * radius_px, 1.0 + f32(k));
      for (var side = 0; side < 2; side++) {
        let at = vec2i(pos.xy + select(-offset, offset, side == 1));
        if (any(at < vec2i(0)) || any(at >= size)) {
          continue;
        }
        let d = depth_at(at);
        if (!(d < 3.0e38)) {
          continue;
        }
        let delta = view_position(vec2f(at) + 0.5, d) - centre;
        let dist = length(delta);
        if (dist < 1e-5) {
          continue;
        }
        // occluders fade out over the last third of the radius
        let weight = clamp(3.0 * (1.0 - dist / ao.radius), 0.0, 1.0);
        let e = asin(clamp(dot(delta, normal) / dist, 0.0, 1.0)) * weight;
        elevation[side] = max(elevation[side], e);
      }
    }
    let h0 = n - 0.5 * AO_PI + elevation[0];
    let h1 = n + 0.5 * AO_PI - elevation[1];
    visible += projected_len * (arc(h0, n) + arc(h1, n));
    whole += projected_len * (cos(n) + n * sin(n));
  }
  return vec4f(visible, whole, 0.0, 1.0);
}

@fragment
fn fs_blur(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let p = vec2i(pos.xy);
  let depth = depth_at(p);
  if (!(depth < 3.0e38)) {
    return vec4f(1.0);
  }
  let centre = view_position(pos.xy, depth);
  let normal = view_normal(p);
  let size = vec2i(frame.viewport.xy);
  var sum = vec2f(0.0);
  for (var y = -2; y < 2; y++) {
    for (var x = -2; x < 2; x++) {
      let at = clamp(p + vec2i(x, y), vec2i(0), size - 1);
      let d = depth_at(at);
      if (!(d < 3.0e38)) {
        continue;
      }
      // same surface: within 1 % of the depth off this pixel's tangent plane (a floor seen
      // at a grazing angle changes depth fast from row to row, but stays on its plane) and
      // facing the same way
      let off_plane = abs(dot(view_position(vec2f(at) + 0.5, d) - centre, normal));
      let w = clamp(1.0 - off_plane / (0.01 * depth), 0.0, 1.0) *
        max(dot(view_normal(at), normal), 0.0);
      sum += w * textureLoad(raw_ao, at, 0).rg;
    }
  }
  // ratio of sums: exactly 1 for an open surface however few neighbours share its plane
  let visibility = select(1.0, sum.x / sum.y, sum.y > 1e-4);
  return vec4f(pow(clamp(visibility, 0.0, 1.0), ao.strength), 0.0, 0.0, 1.0);
}
