// Procedural textures, one 256² tile per dispatch, seamless under repeat
// addressing (every pattern is periodic over the tile). Albedo (output 0): writes
// sRGB-encoded bytes into an rgba8unorm storage texture; the store copies them into
// its rgba8unorm-srgb array, so sampling decodes them back to linear. Surface maps
// (output 1: tangent-space normal, 2: cavity-roughness-metalness) are linear data for
// the store's rgba8unorm array.

struct Params {
  // albedo: 0 noise, 1 checker, 2 stripes, 3 marble, 4 wood, 5 dots, 6 planks, 7 tiles,
  // 8 carpet, 9 wallpaper;
  // surface: 0 wood, 1 painted, 2 ceramic, 3 brushed, 4 fabric, 5 paper, 6 cardboard, 7 planks,
  // 8 tiles, 9 carpet
  pattern: u32,
  seed: u32,
  // cells (checker, dots), stripes or rings per tile; rings, cells, threads or flutes (surfaces)
  frequency: u32,
  // 0 albedo, 1 normal map, 2 cavity-roughness-metalness map
  output: u32,
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

// A lattice value of a grid with `period` cells per side, and value noise over it.
fn lattice(ix: i32, iy: i32, period: i32, salt: u32) -> f32 {
  return lattice2(ix, iy, vec2i(period), salt);
}

fn noise(p: vec2f, period: i32, salt: u32) -> f32 {
  return noise2(p, vec2i(period), salt);
}

// Value noise with its own period per axis (streaks: many cells across, few along).
fn lattice2(ix: i32, iy: i32, period: vec2i, salt: u32) -> f32 {
  let x = u32(((ix % period.x) + period.x) % period.x);
  let y = u32(((iy % period.y) + period.y) % period.y);
  return f32(hash(x + hash(y + hash(params.seed ^ salt))) & 0xffffffu) / 16777215.0;
}

fn noise2(p: vec2f, period: vec2i, salt: u32) -> f32 {
  let q = p * vec2f(period);
  let i = vec2i(floor(q));
  let f = fract(q);
  let u = f * f * (3.0 - 2.0 * f);
  let a = lattice2(i.x, i.y, period, salt);
  let b = lattice2(i.x + 1, i.y, period, salt);
  let c = lattice2(i.x, i.y + 1, period, salt);
  let d = lattice2(i.x + 1, i.y + 1, period, salt);
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

const PI: f32 = 3.14159265;

// One point of a finish: height (0 … 1, times `relief` in tile units), roughness factor
// (multiplies the material's) and cavity (ambient occlusion of crevices).
struct Surface {
  height: f32,
  roughness: f32,
  cavity: f32,
}

// Distance to the nearest edge of a periodic jittered grid of k×k cells (crazing).
fn cell_edge(p: vec2f, k: i32) -> f32 {
  let q = p * f32(k);
  let cell = vec2i(floor(q));
  var d1 = 9.0;
  var d2 = 9.0;
  for (var y = -1; y <= 1; y++) {
    for (var x = -1; x <= 1; x++) {
      let c = cell + vec2i(x, y);
      let at = vec2f(c) + vec2f(
        lattice(c.x, c.y, k, 31u),
        lattice(c.x, c.y, k, 37u),
      ) * 0.8 + 0.1;
      let d = length(q - at);
      if (d < d1) {
        d2 = d1;
        d1 = d;
      } else if (d < d2) {
        d2 = d;
      }
    }
  }
  return (d2 - d1) / f32(k);
}

// Floor boards: k boards across u, each cut into PLANK_LENGTHS lengths along v, the joints of
// each board shifted by its own amount (as boards are laid). The albedo and the planks finish
// share it, so with one seed and frequency the grooves fall on the painted seams.
const PLANK_LENGTHS: i32 = 2;

struct Plank {
  // distance past the board's seam (its left or top edge), in tile units
  edge: f32,
  // 0 … 1, one value per length of board
  tone: f32,
  // 0 … 1, this length's grain: streaks along v, shifted per length
  grain: f32,
}

fn plank(p: vec2f, k: i32) -> Plank {
  let across = p.x * f32(k);
  let board = i32(floor(across));
  let along = p.y * f32(PLANK_LENGTHS) + lattice(board, 0, k, 41u);
  let piece = i32(floor(along));
  let period = vec2i(k, PLANK_LENGTHS);
  // from the board's own left and top edges only: a seam is one texel wide, not one each side
  let du = fract(across) / f32(k);
  let dv = fract(along) / f32(PLANK_LENGTHS);
  let tone = lattice2(board, piece, period, 43u);
  // shifting v by a per-length amount keeps the noise periodic and gives each its own streaks
  let q = fract(p + vec2f(0.0, lattice2(board, piece, period, 47u)));
  let streaks = noise2(q, vec2i(12 * k, 3), 53u) * 0.65 + noise2(q, vec2i(40 * k, 5), 59u) * 0.35;
  return Plank(min(du, dv), tone, smoothstep(0.25, 0.75, streaks));
}

// Square tiles, k per tile each way, with grout between them: distance to the nearest grout
// line's centre (tile units) and the tile's cell.
struct Tile {
  edge: f32,
  cell: vec2i,
}

fn tile(p: vec2f, k: i32) -> Tile {
  let q = p * f32(k);
  let f = fract(q);
  let d = min(min(f.x, 1.0 - f.x), min(f.y, 1.0 - f.y)) / f32(k);
  return Tile(d, vec2i(floor(q)));
}

// Half the width of a grout line or a board seam: a bit over one texel of the 256² tile.
const SEAM: f32 = 0.6 / 256.0;

fn surface(p: vec2f) -> Surface {
  let k = max(i32(params.frequency), 1);
  let phase = f32(hash(params.seed) & 0xffffu) / 65535.0;
  var s = Surface(0.0, 1.0, 1.0);
  switch params.pattern {
    case 0u: {
      // wood: the albedo pattern's rings (same seed and frequency line up), fine grain along v
      let rings = fract(p.x * f32(k) + phase + 0.6 * fbm(p, 2) + 0.08 * sin(TAU * p.y * 2.0));
      let grain = noise2(p, vec2i(96, 3), 3u) * 0.6 + noise2(p, vec2i(40, 2), 5u) * 0.4;
      let late = smoothstep(0.0, 0.7, rings);
      s.height = 0.55 * late + 0.45 * grain;
      s.roughness = 0.75 + 0.25 * grain * late;
      s.cavity = 0.85 + 0.15 * grain;
    }
    case 1u: {
      // painted / plastic: orange peel
      s.height = 0.7 * noise(p, 24, 3u) + 0.3 * noise(p, 48, 5u);
      s.roughness = 0.9 + 0.1 * noise(p, 6, 7u);
    }
    case 2u: {
      // ceramic: glaze waviness and faint crazing
      let crack = 1.0 - smoothstep(0.0, 0.004, cell_edge(p, k));
      s.height = 0.3 * noise(p, 6, 3u) - 0.7 * crack;
      s.roughness = 0.85 + 0.15 * crack;
      s.cavity = 1.0 - 0.3 * crack;
    }
    case 3u: {
      // brushed metal: streaks along u
      let streak = noise2(p, vec2i(3, 160), 3u) * 0.6 + noise2(p, vec2i(2, 64), 5u) * 0.4;
      s.height = streak;
      s.roughness = 0.7 + 0.3 * noise2(p, vec2i(4, 96), 7u);
    }
    case 4u: {
      // plain weave, n (even) threads per tile each way: warp along v, weft along u
      let n = f32(2 * ((8 * k + 1) / 2));
      let q = p * n;
      let cell = vec2i(floor(q));
      let f = fract(q);
      let side = select(-1.0, 1.0, ((cell.x + cell.y) & 1) == 0);
      let warp = 0.5 + 0.5 * side * sin(PI * f.y) + 0.5 * sqrt(sin(PI * f.x)) - 0.5;
      let weft = 0.5 - 0.5 * side * sin(PI * f.x) + 0.5 * sqrt(sin(PI * f.y)) - 0.5;
      let fuzz = noise(p, 64, 3u);
      s.height = max(warp, weft) + 0.1 * fuzz;
      s.roughness = 0.9 + 0.1 * fuzz;
      s.cavity = 0.55 + 0.45 * smoothstep(-0.2, 0.5, max(warp, weft));
    }
    case 5u: {
      // paper: short fibres both ways, matte
      s.height = 0.4 * fbm(p, 16) + 0.3 * noise2(p, vec2i(128, 24), 3u) +
        0.3 * noise2(p, vec2i(24, 128), 5u);
      s.roughness = 0.95 + 0.05 * noise(p, 8, 7u);
    }
    case 6u: {
      // cardboard: the liner over corrugation flutes along u, fibres
      let flutes = f32(3 * k);
      let ridge = 0.5 + 0.5 * cos(TAU * p.y * flutes);
      let fibre = noise2(p, vec2i(96, 24), 3u);
      s.height = sqrt(ridge) + 0.15 * fibre;
      s.roughness = 0.92 + 0.08 * fibre;
      s.cavity = 0.85 + 0.15 * ridge;
    }
    case 7u: {
      // planks: a V groove at every seam, grain streaks, boards a little uneven; the varnish
      // wears differently on each length
      let b = plank(p, k);
      let groove = smoothstep(SEAM, 3.0 * SEAM, b.edge);
      s.height = 0.7 * groove + 0.2 * b.grain + 0.1 * b.tone;
      s.roughness = mix(1.0, 0.6 + 0.25 * b.tone + 0.15 * b.grain, groove);
      s.cavity = 0.55 + 0.45 * groove;
    }
    case 8u: {
      // tiles: glazed faces, slightly wavy, over recessed matte grout
      let t = tile(p, k);
      let face = smoothstep(SEAM, 2.5 * SEAM, t.edge);
      s.height = 0.85 * face + 0.15 * noise(p, 2 * k, 61u);
      s.roughness = mix(1.0, 0.35 + 0.1 * lattice(t.cell.x, t.cell.y, k, 67u), face);
      s.cavity = 0.7 + 0.3 * face;
    }
    default: {
      // carpet: dense tufts of pile, dark between them, matte
      let pile = 0.6 * noise(p, 128, 71u) + 0.4 * noise(p, 32 * k, 73u);
      s.height = pile;
      // the tufts' tips catch a faint sheen
      s.roughness = 1.0 - 0.1 * pile;
      s.cavity = 0.7 + 0.3 * pile;
    }
  }
  return s;
}

// Relief of a finish: height units per tile (the slope scale of its normal map).
fn relief() -> f32 {
  let k = f32(max(params.frequency, 1u));
  switch params.pattern {
    case 0u: {
      return 0.004;
    }
    case 1u: {
      return 0.0025;
    }
    case 2u: {
      return 0.0015;
    }
    case 3u: {
      return 0.0006;
    }
    case 4u: {
      return 0.25 / (8.0 * k);
    }
    case 5u: {
      return 0.0025;
    }
    case 6u: {
      return 0.05 / (3.0 * k);
    }
    case 7u: {
      return 0.003;
    }
    case 8u: {
      return 0.002;
    }
    default: {
      return 0.0015;
    }
  }
}

fn write_surface(gid: vec2u, size: vec2u) {
  let p = (vec2f(gid) + 0.5) / vec2f(size);
  if (params.output == 2u) {
    let s = surface(p);
    textureStore(target_tex, gid, vec4f(s.cavity, clamp(s.roughness, 0.0, 1.0), 1.0, 1.0));
    return;
  }
  // tangent-space normal from central differences (periodic: the tile wraps): +x along u,
  // +y up the image (towards -v, the glTF convention)
  let e = 1.0 / vec2f(size);
  let du = (surface(fract(p + vec2f(e.x, 0.0))).height - surface(fract(p - vec2f(e.x, 0.0))).height) /
    (2.0 * e.x);
  let dv = (surface(fract(p + vec2f(0.0, e.y))).height - surface(fract(p - vec2f(0.0, e.y))).height) /
    (2.0 * e.y);
  let r = relief();
  let n = normalize(vec3f(-r * du, r * dv, 1.0));
  textureStore(target_tex, gid, vec4f(n * 0.5 + 0.5, 1.0));
}

// Surface maps: an entry point (and pipeline) of their own, so albedo-only scenes never compile them.
@compute @workgroup_size(8, 8)
fn generate_surface(@builtin(global_invocation_id) gid: vec3u) {
  let size = textureDimensions(target_tex);
  if (gid.x >= size.x || gid.y >= size.y) {
    return;
  }
  write_surface(gid.xy, size);
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
    case 6u: {
      // planks: each length its own tone and grain, dark seams between them
      let b = plank(p, i32(params.frequency));
      let wood = 0.05 + 0.35 * b.tone + 0.25 * b.grain;
      t = mix(1.0, wood, smoothstep(SEAM, 1.6 * SEAM, b.edge));
    }
    case 7u: {
      // tiles: near-white faces that differ a little tile to tile, grout in the second colour
      let c = tile(p, i32(params.frequency));
      let face = 0.1 * lattice(c.cell.x, c.cell.y, i32(params.frequency), 67u) +
        0.06 * noise(p, 16 * i32(params.frequency), 79u);
      t = mix(1.0, face, smoothstep(SEAM, 1.8 * SEAM, c.edge));
    }
    case 8u: {
      // carpet: fine speckle of tufts over broad, faint wear
      let tufts = 0.55 * noise(p, 128, 71u) + 0.45 * noise(p, 32 * i32(params.frequency), 73u);
      t = clamp(0.75 * tufts + 0.25 * fbm(p, 2), 0.0, 1.0);
    }
    case 9u: {
      // wallpaper: straight bands, a pinstripe on each light band, faint paper fibres
      let f = fract(p.x * k + phase);
      let w = k / 256.0; // one texel, in bands
      let band = smoothstep(0.5 - w, 0.5 + w, f) * (1.0 - smoothstep(1.0 - w, 1.0, f));
      let pin = 1.0 - smoothstep(0.02, 0.02 + w, abs(f - 0.25));
      t = clamp(0.6 * band + 0.8 * pin + 0.08 * noise(p, 64, 83u), 0.0, 1.0);
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
