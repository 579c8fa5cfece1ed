// One render pass, five targets: lit rgb, depth, normals, instance id, forward flow.
// Depth and flow are written as raw float bits into uint targets because the GL
// backend cannot render to 32-bit float formats; the bytes read back are the floats.
// Lighting: metal-roughness BRDF per light, filtered PCF shadows for the key light,
// and an optional equirectangular environment (SH diffuse + mip-blurred specular)
// that can also fill the background (fs_sky, drawn last at the far plane).

// Features compiled in or out per pipeline (GBufferPass picks the variant each frame).
// Software rasterizers (llvmpipe, lavapipe) run both sides of a branch for every pixel
// block, so a feature switched off by a uniform still costs its full price unless it is
// compiled out.
override SHADOWS: bool = true;
override ENVIRONMENT: bool = true;
override TEXTURES: bool = true;
// Tone mapping curve of object pixels (0 none, 1 PBR Neutral, 2 ACES fit); the sky reads frame.tone.x.
override TONE: u32 = 1u;
// Ambient and environment light dimmed by the occlusion AoPass traced (shaders/ao.wgsl).
override AO: bool = false;
// fs_main shades rgb; off when a colour pass of its own draws rgb afterwards.
override SHADE: bool = true;
// Soft shadows by the key light's size (PCSS) with this many samples; 0 = the fixed filter.
override SOFT_SHADOW_SAMPLES: u32 = 0u;
// Some instance has a normal, metallic-roughness, occlusion or emissive map or emits light.
override MATERIAL_MAPS: bool = false;

@group(1) @binding(0) var textures: texture_2d_array<f32>;
@group(1) @binding(1) var texture_sampler: sampler;
// linear data maps (normal, metallic-roughness, occlusion), engine/gpu/texture_store.ts
@group(1) @binding(2) var data_textures: texture_2d_array<f32>;

@group(2) @binding(0) var shadow_map: texture_depth_2d;
@group(2) @binding(1) var shadow_sampler: sampler_comparison;
@group(2) @binding(2) var env_map: texture_2d<f32>;
@group(2) @binding(3) var env_sampler: sampler;
@group(2) @binding(4) var ao_map: texture_2d<f32>;
// split-sum table (engine/scene/brdf_lut.ts): r = A, g = B at (n·v, roughness)
@group(2) @binding(5) var brdf_lut: texture_2d<f32>;
@group(2) @binding(6) var clamp_sampler: sampler;
// the shadow map again as plain floats for the soft shadows' blocker search: GL cannot load
// texels of a depth texture
@group(2) @binding(7) var shadow_depths: texture_2d<f32>;

struct GBufferOut {
  @location(0) rgb: vec4f,
  @location(1) depth: u32,
  @location(2) normal: vec4f,
  @location(3) id: u32,
  @location(4) flow: vec2u,
}

const PI: f32 = 3.14159265;

// Khronos PBR Neutral: identity below START apart from the black offset; highlights roll off.
fn tone_neutral(c_in: vec3f) -> vec3f {
  let start = 0.8 - 0.04;
  let low = min(c_in.r, min(c_in.g, c_in.b));
  let offset = select(0.04, low - 6.25 * low * low, low < 0.08);
  var c = c_in - offset;
  let peak = max(c.r, max(c.g, c.b));
  if (peak < start) {
    return c;
  }
  let d = 1.0 - start;
  let new_peak = 1.0 - d * d / (peak + d - start);
  c *= new_peak / peak;
  let t = 1.0 - 1.0 / (0.15 * (peak - new_peak) + 1.0);
  return mix(c, vec3f(new_peak), t);
}

// Linear radiance -> display sRGB with curve `mode` (engine/scene/tone_mapping.ts is the reference).
fn display_with(radiance: vec3f, mode: u32) -> vec3f {
  let x = max(radiance * frame.tone.y, vec3f(0.0));
  var c = x;
  if (mode == 1u) {
    c = tone_neutral(x);
  } else if (mode == 2u) {
    let y = x * 0.6; // the fit takes ACES-exposed input (Narkowicz 2015)
    c = y * (2.51 * y + 0.03) / (y * (2.43 * y + 0.59) + 0.14);
  }
  return to_srgb(c);
}

fn display(radiance: vec3f) -> vec3f {
  return display_with(radiance, TONE);
}

fn display_sky(radiance: vec3f) -> vec3f {
  return display_with(radiance, u32(frame.tone.x));
}

// GGX / Smith / Schlick: the usual metal-roughness model.
fn brdf(n: vec3f, v: vec3f, l: vec3f, albedo: vec3f, roughness: f32, metalness: f32) -> vec3f {
  let h = normalize(v + l);
  let n_l = max(dot(n, l), 0.0);
  let n_v = max(dot(n, v), 1e-4);
  let n_h = max(dot(n, h), 0.0);
  let v_h = max(dot(v, h), 0.0);
  let a = max(roughness * roughness, 1e-3);
  let a2 = a * a;
  let d_denom = n_h * n_h * (a2 - 1.0) + 1.0;
  let d = a2 / (PI * d_denom * d_denom);
  let k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
  let g = (n_v / (n_v * (1.0 - k) + k)) * (n_l / (n_l * (1.0 - k) + k));
  let f0 = mix(vec3f(0.04), albedo, metalness);
  let f = f0 + (1.0 - f0) * pow(1.0 - v_h, 5.0);
  let specular = d * g * f / max(4.0 * n_v * n_l, 1e-4);
  let diffuse = (1.0 - f) * (1.0 - metalness) * albedo / PI;
  return (diffuse + specular) * n_l;
}

fn light_radiance(light: Light, p: vec3f) -> vec4f {
  // returns (direction to light, attenuation folded into w)
  if (light.kind == 0u) {
    return vec4f(-normalize(light.direction.xyz), 1.0);
  }
  let to_light = light.position.xyz - p;
  let dist2 = max(dot(to_light, to_light), 1e-6);
  let l = to_light * inverseSqrt(dist2);
  var att = 1.0 / dist2;
  if (light.kind == 2u) {
    let cos_angle = dot(-l, normalize(light.direction.xyz));
    att *= smoothstep(light.spot.y, light.spot.x, cos_angle);
  }
  return vec4f(l, att);
}

// Fraction of the key light reaching p: a 5×5 grid of hardware-filtered depth compares
// one texel apart. Those 25 bilinear taps weigh a 6×6 texel block by (1-f, 1, 1, 1, 1, f)
// per axis (f: the sample's fraction between texels), so each pair of columns (rows) is
// one bilinear tap placed to give the pair's two weights: 3×3 taps, the same filter.
fn shadow_factor(p: vec3f, n: vec3f, l: vec3f) -> f32 {
  // normal offset (shadow.w metres at grazing light) keeps lit surfaces out of their own map
  let slope = 1.0 - clamp(dot(n, l), 0.0, 1.0);
  let q = frame.shadow_view_proj * vec4f(p + n * frame.shadow.w * (0.5 + slope), 1.0);
  if (q.w <= 0.0) {
    return 1.0;
  }
  let ndc = q.xyz / q.w;
  let uv = vec2f(ndc.x * 0.5 + 0.5, 0.5 - ndc.y * 0.5);
  if (any(uv < vec2f(0.0)) || any(uv > vec2f(1.0)) || ndc.z > 1.0) {
    return 1.0;
  }
  let texel = frame.shadow.z;
  // texel coordinates, texel i's centre at i: the 5×5 grid's first tap sits at first - 2 + f
  let s = uv / texel - 0.5;
  let first = floor(s);
  let f = s - first;
  // per axis, tap k covers texels first - 2 + 2k and first - 1 + 2k, weighing weight[k] in all
  let weight_x = vec3f(2.0 - f.x, 2.0, 1.0 + f.x);
  let weight_y = vec3f(2.0 - f.y, 2.0, 1.0 + f.y);
  let at_x = first.x + vec3f(-2.0 + 1.0 / weight_x.x, 0.5, 2.0 + f.x / weight_x.z);
  let at_y = first.y + vec3f(-2.0 + 1.0 / weight_y.x, 0.5, 2.0 + f.y / weight_y.z);
  var lit = 0.0;
  for (var y = 0; y < 3; y++) {
    for (var x = 0; x < 3; x++) {
      let tap = (vec2f(at_x[x], at_y[y]) + 0.5) * texel;
      lit += weight_x[x] * weight_y[y] *
        textureSampleCompareLevel(shadow_map, shadow_sampler, tap, ndc.z - 1e-4);
    }
  }
  return lit / 25.0;
}

// The i-th of n points of a Vogel (golden-angle) disc of radius 1, turned by `turn` radians.
fn vogel(i: u32, n: u32, turn: f32) -> vec2f {
  let r = sqrt((f32(i) + 0.5) / f32(n));
  let a = f32(i) * 2.39996323 + turn;
  return r * vec2f(cos(a), sin(a));
}

// Per-pixel turn of the sample disc (interleaved gradient noise, Jimenez 2014): fixed per
// pixel, so the same scene gives the same bytes.
fn pixel_turn(pixel: vec2f) -> f32 {
  return 6.2831853 * fract(52.9829189 * fract(dot(floor(pixel), vec2f(0.06711056, 0.00583715))));
}

// Percentage-closer soft shadows (Fernando 2005): the average depth of the blockers around p
// sets the penumbra, as wide as a light of the key light's angular size casts at that distance,
// and the lit fraction is filtered over a disc that wide.
fn soft_shadow_factor(p: vec3f, n: vec3f, l: vec3f, pixel: vec2f) -> f32 {
  let slope = 1.0 - clamp(dot(n, l), 0.0, 1.0);
  let q = frame.shadow_view_proj * vec4f(p + n * frame.shadow.w * (0.5 + slope), 1.0);
  let ndc = q.xyz / q.w;
  let uv = vec2f(ndc.x * 0.5 + 0.5, 0.5 - ndc.y * 0.5);
  if (any(uv < vec2f(0.0)) || any(uv > vec2f(1.0)) || ndc.z > 1.0) {
    return 1.0;
  }
  let texel = frame.shadow.z;
  let size = vec2i(textureDimensions(shadow_map));
  let per_depth = frame.shadow_soft.x;
  let widest = frame.shadow_soft.y;
  let turn = pixel_turn(pixel);
  let receiver = ndc.z - 1e-4;
  // blockers: anything nearer the light within the widest penumbra a blocker could cast here
  let search = clamp(receiver * per_depth, 1.5, widest);
  var blocker_sum = 0.0;
  var blockers = 0.0;
  for (var i = 0u; i < SOFT_SHADOW_SAMPLES; i++) {
    let at = vec2i(floor(uv / texel + vogel(i, SOFT_SHADOW_SAMPLES, turn) * search));
    let d = textureLoad(shadow_depths, clamp(at, vec2i(0), size - 1), 0).r;
    if (d < receiver) {
      blocker_sum += d;
      blockers += 1.0;
    }
  }
  if (blockers == 0.0) {
    return 1.0;
  }
  let penumbra = clamp((receiver - blocker_sum / blockers) * per_depth, 1.0, widest);
  var lit = 0.0;
  for (var i = 0u; i < SOFT_SHADOW_SAMPLES; i++) {
    let tap = uv + vogel(i, SOFT_SHADOW_SAMPLES, turn + 1.0) * penumbra * texel;
    lit += textureSampleCompareLevel(shadow_map, shadow_sampler, tap, receiver);
  }
  return lit / f32(SOFT_SHADOW_SAMPLES);
}

fn env_uv(d: vec3f) -> vec2f {
  let u = atan2(d.x, -d.z) / (2.0 * PI) + 0.5 + frame.env.y / (2.0 * PI);
  let v = acos(clamp(d.y, -1.0, 1.0)) / PI;
  return vec2f(u, v);
}

fn env_radiance(d: vec3f, lod: f32) -> vec3f {
  return textureSampleLevel(env_map, env_sampler, env_uv(d), lod).rgb * frame.env.x;
}

// Diffuse irradiance / π of the environment for normal n (see engine/scene/environment.ts).
fn env_diffuse(n: vec3f) -> vec3f {
  let c = frame.env_sh;
  let r = c[0].rgb * 0.282095 + c[1].rgb * (0.488603 * n.y) + c[2].rgb * (0.488603 * n.z) +
    c[3].rgb * (0.488603 * n.x) + c[4].rgb * (1.092548 * n.x * n.y) +
    c[5].rgb * (1.092548 * n.y * n.z) + c[6].rgb * (0.315392 * (3.0 * n.z * n.z - 1.0)) +
    c[7].rgb * (1.092548 * n.x * n.z) + c[8].rgb * (0.546274 * (n.x * n.x - n.y * n.y));
  return max(r, vec3f(0.0)) * frame.env.x;
}

// Traced occlusion at this fragment: the 1× map, bilinear, at the fragment's screen position
// (the same at any supersampling factor).
fn ambient_occlusion(clip: vec4f) -> f32 {
  let size = vec2i(textureDimensions(ao_map));
  let p = clip_to_pixel(clip) - 0.5;
  let first = vec2i(floor(p));
  let f = p - floor(p);
  let a = clamp(first, vec2i(0), size - 1);
  let b = clamp(first + 1, vec2i(0), size - 1);
  let top = mix(textureLoad(ao_map, a, 0).r, textureLoad(ao_map, vec2i(b.x, a.y), 0).r, f.x);
  let bottom = mix(textureLoad(ao_map, vec2i(a.x, b.y), 0).r, textureLoad(ao_map, b, 0).r, f.x);
  return mix(top, bottom, f.y);
}

// Tangent-space normal `t` (x along u, y up the image, i.e. towards -v: glTF's convention) on
// the surface of normal n, in the tangent frame of the screen-space derivatives of position
// and uv (the cotangent frame, Schüler 2013): no vertex tangents needed. The frame's sign is
// the uv map's own (det), so mirrored uvs and either screen-y convention come out right.
fn perturb_normal(n: vec3f, dp_dx: vec3f, dp_dy: vec3f, duv_dx: vec2f, duv_dy: vec2f, t: vec3f) -> vec3f {
  let dp_dy_perp = cross(dp_dy, n);
  let dp_dx_perp = cross(n, dp_dx);
  let det = dot(dp_dx, dp_dy_perp);
  // gradients of u and v along the surface, up to the common factor 1 / det
  let grad_u = dp_dy_perp * duv_dx.x + dp_dx_perp * duv_dy.x;
  let grad_v = dp_dy_perp * duv_dx.y + dp_dx_perp * duv_dy.y;
  let len2 = max(dot(grad_u, grad_u), dot(grad_v, grad_v));
  if (len2 < 1e-30 || det == 0.0) {
    return n; // no uv variation here: nothing to orient the map by
  }
  let s = sign(det) * inverseSqrt(len2);
  return normalize(grad_u * (s * t.x) - grad_v * (s * t.y) + n * t.z);
}

// Linear radiance leaving the surface towards the camera.
fn shade(in: VertexOut, front: bool) -> vec3f {
  let inst = instances[in.instance];
  var n = normalize(in.world_normal);
  if (!front) {
    n = -n; // open surfaces (planes) seen from behind
  }
  // the interpolated normal: shadow-map offsets follow the geometry, not the normal map
  let n_geometric = n;
  // derivatives in uniform control flow, before any per-instance branch
  var dp_dx = vec3f(0.0);
  var dp_dy = vec3f(0.0);
  var duv_dx = vec2f(0.0);
  var duv_dy = vec2f(0.0);
  if (MATERIAL_MAPS) {
    dp_dx = dpdx(in.world_pos);
    dp_dy = dpdy(in.world_pos);
    duv_dx = dpdx(in.uv);
    duv_dy = dpdy(in.uv);
  }
  var albedo = inst.base_color.rgb;
  let layer = i32(inst.material.z);
  if (TEXTURES && layer >= 0) {
    albedo *= textureSampleLevel(textures, texture_sampler, in.uv, layer, 0.0).rgb;
  }
  var roughness = inst.material.x;
  var metalness = inst.material.y;
  let v = normalize(frame.camera_pos.xyz - in.world_pos);
  var occlusion = 1.0;
  if (AO) {
    occlusion = ambient_occlusion(in.clip_now);
  }
  var emitted = vec3f(0.0);
  if (MATERIAL_MAPS) {
    let maps = inst.maps;
    if (maps.x >= 0.0) {
      let t = textureSampleLevel(data_textures, texture_sampler, in.uv, i32(maps.x), 0.0).xyz;
      let tn = t * 2.0 - 1.0;
      n = perturb_normal(n, dp_dx, dp_dy, duv_dx, duv_dy, vec3f(tn.xy * maps.w, tn.z));
    }
    if (maps.y >= 0.0) {
      let mr = textureSampleLevel(data_textures, texture_sampler, in.uv, i32(maps.y), 0.0);
      roughness *= mr.g;
      metalness *= mr.b;
    }
    if (maps.z >= 0.0) {
      let ao = textureSampleLevel(data_textures, texture_sampler, in.uv, i32(maps.z), 0.0).r;
      occlusion *= 1.0 + inst.material.w * (ao - 1.0);
    }
    emitted = inst.emissive.rgb;
    if (inst.emissive.w >= 0.0) {
      emitted *= textureSampleLevel(textures, texture_sampler, in.uv, i32(inst.emissive.w), 0.0).rgb;
    }
  }
  var color = frame.ambient.rgb * albedo * occlusion;
  for (var i = 0u; i < frame.light_count; i++) {
    let light = frame.lights[i];
    let lr = light_radiance(light, in.world_pos);
    var visible = 1.0;
    if (SHADOWS && frame.shadow.x > 0.5 && u32(frame.shadow.y) == i) {
      if (SOFT_SHADOW_SAMPLES > 0u && frame.shadow_soft.x > 0.0) {
        visible = soft_shadow_factor(in.world_pos, n_geometric, lr.xyz, in.clip.xy);
      } else {
        visible = shadow_factor(in.world_pos, n_geometric, lr.xyz);
      }
    }
    color += brdf(n, v, lr.xyz, albedo, roughness, metalness) * light.color.rgb * lr.w * PI * visible;
  }
  if (ENVIRONMENT && frame.env.x > 0.0) {
    let n_v = max(dot(n, v), 0.0);
    let f0 = mix(vec3f(0.04), albedo, metalness);
    // split-sum specular (Karis 2013) with the energy single scattering loses put back
    // (Fdez-Agüera 2019), so a rough white metal reflects all the light it gets
    let dfg = textureSampleLevel(brdf_lut, clamp_sampler, vec2f(n_v, roughness), 0.0).rg;
    let single = f0 * dfg.x + dfg.y;
    let f = single * (1.0 + f0 * (1.0 / max(dfg.x + dfg.y, 1e-3) - 1.0));
    // specular occlusion from the diffuse one (Lagarde & de Rousiers 2014)
    let specular_occlusion = clamp(
      pow(n_v + occlusion, exp2(-16.0 * roughness - 1.0)) - 1.0 + occlusion,
      0.0,
      1.0,
    );
    color += (1.0 - f) * (1.0 - metalness) * albedo * env_diffuse(n) * occlusion;
    color += f * env_radiance(reflect(-v, n), roughness * frame.env.w) * specular_occlusion;
  }
  return color + emitted;
}

@fragment
fn fs_main(in: VertexOut, @builtin(front_facing) front: bool) -> GBufferOut {
  let inst = instances[in.instance];
  var n = normalize(in.world_normal);
  if (!front) {
    n = -n;
  }
  var out: GBufferOut;
  out.rgb = vec4f(0.0, 0.0, 0.0, 1.0);
  if (SHADE) {
    out.rgb = vec4f(display(shade(in, front)), 1.0);
  }
  // metric depth along the viewing axis (camera looks down -z in view space)
  out.depth = bitcast<u32>(-in.view_pos.z);
  // camera-space normal in the OpenCV frame (x right, y down, z forward)
  let n_view = normalize((frame.view * vec4f(n, 0.0)).xyz);
  out.normal = vec4f(n_view.x, -n_view.y, -n_view.z, 0.0);
  out.id = inst.ids.x;
  let flow = clip_to_pixel(in.clip_next) - clip_to_pixel(in.clip_now);
  out.flow = vec2u(bitcast<u32>(flow.x), bitcast<u32>(flow.y));
  return out;
}

// Colour only: the supersampled rgb pass (labels come from fs_main at 1×).
@fragment
fn fs_color(in: VertexOut, @builtin(front_facing) front: bool) -> @location(0) vec4f {
  return vec4f(display(shade(in, front)), 1.0);
}

struct SkyOut {
  @builtin(position) clip: vec4f,
  @location(0) ndc: vec2f,
}

// A full-screen triangle on the far plane: it only lands where nothing was drawn.
@vertex
fn vs_sky(@builtin(vertex_index) i: u32) -> SkyOut {
  let xy = vec2f(f32((i << 1u) & 2u), f32(i & 2u)) * 2.0 - 1.0;
  var out: SkyOut;
  out.clip = vec4f(xy, 1.0, 1.0);
  out.ndc = xy;
  return out;
}

fn sky_direction(ndc: vec2f) -> vec3f {
  // invert the projection (see projectionFromIntrinsics) and the view rotation
  let ray_view = vec3f(
    (ndc.x + frame.proj[2][0]) / frame.proj[0][0],
    (ndc.y + frame.proj[2][1]) / frame.proj[1][1],
    -1.0,
  );
  let r = mat3x3f(frame.view[0].xyz, frame.view[1].xyz, frame.view[2].xyz);
  return normalize(transpose(r) * ray_view);
}

@fragment
fn fs_sky(in: SkyOut) -> GBufferOut {
  var out: GBufferOut;
  out.rgb = vec4f(display_sky(env_radiance(sky_direction(in.ndc), 0.0)), 1.0);
  out.depth = 0x7f800000u; // +inf: background
  out.normal = vec4f(0.0);
  out.id = 0u;
  out.flow = vec2u(0u);
  return out;
}

@fragment
fn fs_sky_color(in: SkyOut) -> @location(0) vec4f {
  return vec4f(display_sky(env_radiance(sky_direction(in.ndc), 0.0)), 1.0);
}
