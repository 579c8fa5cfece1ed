// Depth-only pass from the key light (frame.shadow_view_proj) into the shadow map.

@vertex
fn vs_shadow(v: VertexIn) -> @builtin(position) vec4f {
  let inst = instances[v.instance];
  return frame.shadow_view_proj * (inst.model * vec4f(v.position, 1.0));
}
