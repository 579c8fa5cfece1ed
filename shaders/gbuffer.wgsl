// One render pass, five targets: lit rgb, depth, normals, instance id, forward flow.
// Depth and flow are written as raw float bits into uint targets because the GL
// backend cannot render to 32-bit float formats; the bytes read back are the floats.

@group(1) @binding(0) var textures: texture_2d_array<f32>;
@group(1) @binding(1) var texture_sampler: sampler;

struct GBufferOut {
  @location(0) rgb: vec4f,
  @location(1) depth: u32,
  @location(2) normal: vec4f,
  @location(3) id: u32,
  @location(4) flow: vec2u,
}

const PI: f32 = 3.14159265;

fn linear_to_srgb(c: vec3f) -> vec3f {
  let x = clamp(c, vec3f(0.0), vec3f(1.0));
  return select(1.055 * pow(x, vec3f(1.0 / 2.4)) - 0.055, x * 12.92, x <= vec3f(0.0031308));
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

@fragment
fn fs_main(in: VertexOut, @builtin(front_facing) front: bool) -> GBufferOut {
  let inst = instances[in.instance];
  var n = normalize(in.world_normal);
  if (!front) {
    n = -n; // open surfaces (planes) seen from behind
  }
  var albedo = inst.base_color.rgb;
  let layer = i32(inst.material.z);
  if (layer >= 0) {
    albedo *= textureSample(textures, texture_sampler, in.uv, layer).rgb;
  }
  let v = normalize(frame.camera_pos.xyz - in.world_pos);
  var color = frame.ambient.rgb * albedo;
  for (var i = 0u; i < frame.light_count; i++) {
    let light = frame.lights[i];
    let lr = light_radiance(light, in.world_pos);
    color += brdf(n, v, lr.xyz, albedo, inst.material.x, inst.material.y) * light.color.rgb * lr.w * PI;
  }

  var out: GBufferOut;
  out.rgb = vec4f(linear_to_srgb(color), 1.0);
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
