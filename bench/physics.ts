/**
 * Physics cost against body count, simulated through the engine's PhysicsWorld (the same
 * substeps, contact events and per-frame records as a render): N boxes and balls either dropped
 * in a heap onto a floor (`heap`: every body moving and touching), or standing apart on the
 * floor as clutter does, created asleep with one ball rolled through them (`resting`: only what
 * the ball wakes costs anything). Reports milliseconds of physics per frame shown.
 */
import { initPhysics, PhysicsWorld } from "../engine/physics/world.ts";
import { cube, plane, sphere } from "../engine/scene/mesh.ts";
import { Rng } from "../engine/scene/rng.ts";
import { Scene } from "../engine/scene/scene.ts";

export type PhysicsLayout = "heap" | "resting";

export interface PhysicsResult {
  layout: PhysicsLayout;
  bodies: number;
  frames: number;
  /** Milliseconds per frame shown (settling before frame 0 included, spread over the frames). */
  msPerFrame: number;
  /** Bodies asleep after the last frame. */
  sleeping: number;
  contacts: number;
}

export async function measurePhysics(
  layout: PhysicsLayout,
  bodies: number,
  frames: number,
): Promise<PhysicsResult> {
  await initPhysics();
  const scene = new Scene();
  scene.meshes.set("plane", [{ mesh: plane() }]);
  scene.meshes.set("cube", [{ mesh: cube() }]);
  scene.meshes.set("sphere", [{ mesh: sphere({ segments: 16, rings: 8 }) }]);
  const rng = new Rng(99 + bodies);
  const world = new PhysicsWorld({ fps: 24, lastFrame: frames });
  const floor = scene.add({ name: "floor", mesh: "plane", scale: [40, 1, 40] });
  world.addBody(scene, floor, { type: "fixed", preset: "wood" });
  // heap: ~12 cm apart in layers 12 cm high; resting: one layer, 30 cm apart, asleep
  const heap = layout === "heap";
  const side = Math.ceil(Math.sqrt(heap ? bodies / 4 : bodies));
  const gap = heap ? 0.12 : 0.3;
  for (let i = 0; i < bodies; i++) {
    const layer = Math.floor(i / (side * side));
    const k = i % (side * side);
    const size = rng.uniform(0.05, 0.09);
    const object = scene.add({
      mesh: i % 3 === 0 ? "sphere" : "cube",
      position: [
        ((k % side) - side / 2) * gap + rng.uniform(-0.01, 0.01),
        heap ? 0.1 + layer * 0.12 : size / 2,
        (Math.floor(k / side) - side / 2) * gap + rng.uniform(-0.01, 0.01),
      ],
      scale: [size, size, size],
    });
    world.addBody(scene, object, { preset: i % 2 ? "plastic" : "wood", asleep: !heap });
  }
  if (!heap) {
    // a ball rolled along the first row wakes what it hits
    const ball = scene.add({
      name: "ball",
      mesh: "sphere",
      position: [-(side / 2 + 1) * gap, 0.06, -(side / 2) * gap],
      scale: [0.12, 0.12, 0.12],
    });
    world.addBody(scene, ball, { preset: "rubber" });
    world.makeDynamic(ball, [1.5, 0, 0]);
  }
  const started = performance.now();
  world.bake();
  const ms = performance.now() - started;
  let sleeping = 0;
  world.world.forEachRigidBody((body) => {
    if (body.isDynamic() && body.isSleeping()) sleeping++;
  });
  const result = {
    layout,
    bodies,
    frames,
    msPerFrame: ms / frames,
    sleeping,
    contacts: world.contacts.length,
  };
  world.free();
  return result;
}
