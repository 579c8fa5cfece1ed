/** engine/physics/world.ts without a GPU: free fall, rest, no deep interpenetration, determinism, contacts. */
import { primitives } from "../engine/scene/mesh.ts";
import {
  GRAVITY,
  initPhysics,
  MATERIAL_PRESETS,
  PhysicsWorld,
  PRESET_NAMES,
  shapeOf,
} from "../engine/physics/world.ts";
import { Scene, type SceneObject, type Vec3 } from "../engine/scene/scene.ts";
import { colliderFor, ensureMesh } from "../plugins/action/props.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";

await initPhysics();

function sceneWithPrimitives(): Scene {
  const scene = new Scene();
  for (const [key, make] of Object.entries(primitives)) scene.meshes.set(key, [{ mesh: make() }]);
  return scene;
}

/** A floor and the given objects, every one a body (the floor fixed). */
function world(
  objects: {
    mesh: string;
    position: Vec3;
    scale?: Vec3;
    preset?: string;
    rotation?: [number, number, number, number];
  }[],
  fps = 24,
): { scene: Scene; physics: PhysicsWorld; floor: SceneObject; bodies: SceneObject[] } {
  const scene = sceneWithPrimitives();
  ensureMesh(scene, "prop_mug");
  const floor = scene.add({
    name: "floor",
    mesh: "plane",
    scale: [6, 1, 6],
    material: { preset: "wood" },
  });
  const physics = new PhysicsWorld({ fps, settleSeconds: 0 });
  physics.addBody(scene, floor, { type: "fixed" });
  const bodies = objects.map((o) => {
    const object = scene.add({ ...o, material: { preset: o.preset ?? "plastic" } });
    physics.addBody(scene, object, { shape: colliderFor(object) });
    return object;
  });
  return { scene, physics, floor, bodies };
}

Deno.test("physics: a dropped body follows h0 − ½gt² until its first contact (within 1 %)", () => {
  const radius = 0.05;
  const h0 = 1.5; // height of the ball's bottom above the floor
  const { physics, bodies: [ball] } = world([
    { mesh: "sphere", position: [0, h0 + radius, 0], scale: [0.1, 0.1, 0.1] },
  ]);
  let checked = 0;
  for (let f = 1; f < 48; f++) {
    physics.advanceTo(f);
    if (physics.contacts.length) break;
    const t = f / physics.fps;
    const expected = h0 - 0.5 * GRAVITY * t * t;
    const height = ball.position[1] - radius;
    assert(Math.abs(height - expected) <= 0.01 * h0, `t=${t}: ${height} vs ${expected}`);
    checked++;
  }
  assert(checked >= 10, `checked ${checked} frames before the first contact`);
  const landing = physics.contacts[0];
  assertEquals(landing.bodies, [1, ball.id]);
  const fallTime = Math.sqrt((2 * h0) / GRAVITY);
  assertAlmostEquals(landing.time, fallTime, 1 / physics.fps, "lands when free fall says");
  assertAlmostEquals(landing.position[1], 0, 0.01, "contact point on the floor");
  const mass = physics.bodyOf(ball).mass;
  assert(landing.impulse > 0.5 * mass * GRAVITY * fallTime, `impulse ${landing.impulse} ~ m·v`);
});

Deno.test("physics: bodies of every shape come to rest with no interpenetration deeper than 1 cm", () => {
  const { physics, bodies } = world([
    {
      mesh: "cube",
      position: [-0.6, 0.4, 0],
      scale: [0.2, 0.1, 0.15],
      rotation: [0.2, 0.3, 0.1, 0.92],
    },
    { mesh: "sphere", position: [-0.2, 0.5, 0], scale: [0.1, 0.1, 0.1], preset: "rubber" },
    { mesh: "cylinder", position: [0.2, 0.3, 0], scale: [0.08, 0.12, 0.08], preset: "metal" },
    { mesh: "capsule", position: [0.6, 0.6, 0], scale: [0.2, 0.2, 0.2], preset: "wood" },
    { mesh: "cone", position: [0, 0.5, 0.5], scale: [0.1, 0.1, 0.1], preset: "glass" }, // hull
    { mesh: "prop_mug", position: [0, 0.3, -0.5], scale: [0.08, 0.088, 0.08], preset: "ceramic" },
    { mesh: "cube", position: [-0.6, 0.8, 0], scale: [0.1, 0.1, 0.1], preset: "cardboard" }, // lands on the first
  ]);
  for (let f = 1; f <= 96; f++) {
    physics.advanceTo(f);
    assert(physics.penetration() < 0.01, `frame ${f}: ${physics.penetration()} m`);
  }
  assert(physics.maxPenetration < 0.01);
  for (const body of bodies) {
    const { linear, angular } = physics.velocity(body);
    assert(Math.hypot(...linear) < 0.01, `${body.mesh} still moves: ${linear}`);
    assert(Math.hypot(...angular) < 0.1, `${body.mesh} still turns: ${angular}`);
    assert(body.position[1] > 0, `${body.mesh} above the floor`);
  }
  // The mug stands on its base: its centre rests half its height above the floor.
  assertAlmostEquals(bodies[5].position[1], 0.044, 0.003, "mug on its base");
  assertAlmostEquals(bodies[6].position[1], 0.1 + 0.05, 0.01, "stacked on the box");
});

Deno.test("physics: colliders follow the mesh and scale; presets set mass and look", () => {
  const scene = sceneWithPrimitives();
  const make = (mesh: string, scale: Vec3) => scene.add({ mesh, scale });
  assertEquals(shapeOf(scene, make("cube", [1, 2, 3])), {
    kind: "box",
    halfExtents: [0.5, 1, 1.5],
  });
  assertEquals(shapeOf(scene, make("sphere", [2, 2, 2])), { kind: "sphere", radius: 1 });
  assertEquals(shapeOf(scene, make("cylinder", [1, 3, 1])), {
    kind: "cylinder",
    radius: 0.5,
    halfHeight: 1.5,
  });
  assertEquals(shapeOf(scene, make("capsule", [2, 2, 2])), {
    kind: "capsule",
    radius: 0.5,
    halfHeight: 0.5,
  });
  assertEquals(
    shapeOf(scene, make("sphere", [1, 2, 1])).kind,
    "hull",
    "a squashed sphere is a hull",
  );
  assertEquals(shapeOf(scene, make("torus", [1, 1, 1])).kind, "hull");

  const physics = new PhysicsWorld({ fps: 24 });
  const masses: Record<string, number> = {};
  for (const preset of PRESET_NAMES) {
    const object = scene.add({ mesh: "cube", scale: [0.1, 0.1, 0.1] });
    physics.addBody(scene, object, { preset });
    masses[preset] = physics.bodyOf(object).mass;
    assertAlmostEquals(masses[preset], MATERIAL_PRESETS[preset].density * 0.001, 1e-4, preset);
    assertEquals(object.material.preset, preset);
    assertEquals(object.material.roughness, MATERIAL_PRESETS[preset].roughness);
    assertEquals(object.material.metalness, MATERIAL_PRESETS[preset].metalness);
  }
  assert(masses.metal > masses.wood && masses.wood > masses.cardboard);
  physics.free();
  assert(physics.freed);
});

Deno.test("physics: same inputs give bit-identical trajectories; advancing twice to a frame steps once", () => {
  const run = () => {
    const { physics, bodies } = world([
      {
        mesh: "cube",
        position: [0, 0.5, 0],
        scale: [0.1, 0.1, 0.1],
        rotation: [0.3, 0.1, 0.2, 0.93],
      },
      { mesh: "sphere", position: [0.03, 0.9, 0.02], scale: [0.08, 0.08, 0.08], preset: "rubber" },
    ]);
    const track: number[] = [];
    for (let f = 1; f <= 48; f++) {
      physics.advanceTo(f);
      physics.advanceTo(f); // a second plugin in the same frame must not step again
      for (const b of bodies) track.push(...b.position, ...b.rotation);
    }
    assertEquals(physics.frame, 48);
    return { track, contacts: JSON.stringify(physics.contacts) };
  };
  const [a, b] = [run(), run()];
  assertEquals(a.track, b.track);
  assertEquals(a.contacts, b.contacts);
  assert(a.contacts.length > 2, "the bodies touch");
});
