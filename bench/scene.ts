/**
 * The benchmark scene: N cubes scattered in a box in front of the camera,
 * each sliding and turning between two keyframes, one directional light.
 * The same description feeds synthvid (as YAML) and Blender (bench/peer.ts),
 * so both render the same objects, camera and resolution.
 */
import { Rng } from "../engine/scene/rng.ts";

export interface BenchCube {
  name: string;
  /** Start and end positions (metres) and Y rotations (degrees). */
  from: [number, number, number];
  to: [number, number, number];
  spinFrom: number;
  spinTo: number;
  scale: number;
  /** sRGB 0..1. */
  color: [number, number, number];
}

export interface BenchScene {
  objects: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  camera: { position: [number, number, number]; lookAt: [number, number, number]; fovY: number };
  light: { direction: [number, number, number]; intensity: number };
  ambient: number;
  background: [number, number, number];
  cubes: BenchCube[];
  /** Draw this GLB (bench/dense_mesh.ts) instead of cubes: the rows that grow triangles. */
  mesh?: { file: string; triangles: number };
  /** The scene's `lod:` (pixels of screen error for dense meshes' levels of detail). */
  lod?: number;
}

/** A deterministic scene with `objects` cubes; cubes shrink as their number grows so they stay apart. */
export function benchScene(
  objects: number,
  width: number,
  height: number,
  frames: number,
): BenchScene {
  const rng = new Rng(1234 + objects);
  const spread = 2.2;
  const scale = Math.min(0.5, 1.2 / Math.cbrt(objects));
  const cubes: BenchCube[] = [];
  for (let i = 0; i < objects; i++) {
    const from: [number, number, number] = [
      rng.uniform(-spread, spread),
      rng.uniform(-spread * 0.6, spread * 0.6),
      rng.uniform(-spread, spread * 0.5),
    ];
    const to: [number, number, number] = [
      from[0] + rng.uniform(-0.4, 0.4),
      from[1],
      from[2] + rng.uniform(-0.2, 0.2),
    ];
    cubes.push({
      name: `cube${i}`,
      from,
      to,
      spinFrom: rng.uniform(0, 90),
      spinTo: rng.uniform(90, 270),
      scale,
      color: [rng.uniform(0.1, 0.95), rng.uniform(0.1, 0.95), rng.uniform(0.1, 0.95)],
    });
  }
  return {
    objects,
    width,
    height,
    frames,
    fps: 24,
    camera: { position: [0, 0.5, 6], lookAt: [0, 0, 0], fovY: 45 },
    light: { direction: [-0.5, -1, -0.4], intensity: 3 },
    ambient: 0.3,
    background: [0.1, 0.12, 0.16],
    cubes,
  };
}

const v = (a: readonly number[]) => `[${a.map((x) => +x.toFixed(4)).join(", ")}]`;

/** The scene as synthvid YAML (all outputs on unless `outputs` says otherwise). */
export function benchSceneYaml(
  s: BenchScene,
  clips: number,
  outputs = ["rgb", "depth", "normals", "instance", "flow", "preview"],
): string {
  const lines = [
    `name: bench_${s.objects}`,
    "seed: 1",
    `clips: ${clips}`,
    `frames: ${s.frames}`,
    `fps: ${s.fps}`,
    `size: [${s.width}, ${s.height}]`,
    `outputs: [${outputs.join(", ")}]`,
    `camera: { position: ${v(s.camera.position)}, look_at: ${
      v(s.camera.lookAt)
    }, fov: ${s.camera.fovY} }`,
    `background: ${v(s.background)}`,
    `ambient: { color: [1, 1, 1], intensity: ${s.ambient} }`,
    "lights:",
    `  - { type: directional, direction: ${
      v(s.light.direction)
    }, color: [1, 1, 1], intensity: ${s.light.intensity} }`,
    ...(s.mesh ? [`assets: { dense: ${JSON.stringify(s.mesh.file)} }`] : []),
    ...(s.lod !== undefined ? [`lod: ${s.lod}`] : []),
    "objects:",
  ];
  const last = s.frames - 1;
  const [cls, mesh] = s.mesh ? ["ball", "dense"] : ["cube", "cube"];
  for (const c of s.cubes) {
    lines.push(
      `  - { name: ${c.name}, class: ${cls}, mesh: ${mesh}, scale: ${+c.scale.toFixed(4)}, color: ${
        v(c.color)
      }, roughness: 0.5,` +
        ` motion: [{ frame: 0, position: ${v(c.from)}, rotation: [0, ${+c.spinFrom.toFixed(
          3,
        )}, 0] },` +
        ` { frame: ${last}, position: ${v(c.to)}, rotation: [0, ${+c.spinTo.toFixed(3)}, 0] }] }`,
    );
  }
  return lines.join("\n") + "\n";
}
