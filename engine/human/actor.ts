/**
 * One person in a clip: look, baked motion, the scene object (one instance
 * id; one skinned mesh asset, posed every frame through the object's joint
 * matrices, which frame states keep so the renderer has this frame's and the
 * next frame's pose of every vertex for flow), an optional stool, a following
 * camera, and the per-frame keypoint labels (COCO-17 and 21 per hand).
 */
import type { Camera } from "../scene/camera.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { Rng } from "../scene/rng.ts";
import type { Scene, SceneObject, Vec3 } from "../scene/scene.ts";
import { srgbToLinear } from "../scene/color.ts";
import { type Appearance, describe, garments } from "./appearance.ts";
import type { BakedFrame } from "./bake.ts";
import { Body, partBottom } from "./body.ts";
import { project, toCamera, visibility } from "./labels.ts";
import { lerp3 } from "./math.ts";
import { COCO17, footRadius, hand21, JOINT_INDEX, type JointName, JOINTS } from "./skeleton.ts";
import { footfalls } from "./footfalls.ts";

export interface FrameLabel {
  frame: number;
  joints_world: Vec3[];
  joints_camera: Vec3[];
  /** COCO-17 [u, v, visibility]; visibility is null until the frame is rendered. */
  keypoints: [number, number, number | null][];
  /** 21 keypoints per hand (wrist, then each finger knuckle to tip), [u, v, visibility]. */
  hands: { left: [number, number, number | null][]; right: [number, number, number | null][] };
  bbox: [number, number, number, number] | null;
  contact: { left: boolean; right: boolean };
}

export interface CameraFollow {
  /** Horizontal angle from the person's initial facing, radians (0 = in front). */
  azimuth: number;
  distance: number;
  height: number;
}

/** Effective mass (kg) stopped by a heel strike: the foot and shank, not the whole body. */
const LANDING_MASS = 3;
/** Foot length as a share of body height. */
const FOOT_LENGTH = 0.15;

export class Actor {
  readonly object: SceneObject;
  readonly appearance: Appearance;
  readonly labels: FrameLabel[] = [];
  stool?: SceneObject;
  #centre?: Vec3;

  constructor(
    readonly scene: Scene,
    readonly name: string,
    meshKey: string,
    readonly body: Body,
    readonly baked: BakedFrame[],
    readonly heading: number,
    /** False for a run that never draws (plan mode): the mesh is not built. */
    draw = true,
  ) {
    const appearance = body.appearance;
    const p = appearance.proportions;
    this.appearance = appearance;
    const first = this.baked[0];
    scene.meshes.set(meshKey, body.place(draw));
    for (const [key, texture] of body.textures) scene.textures.set(key, texture);
    this.object = scene.add({
      name,
      class: "person",
      mesh: meshKey,
      position: first.local.root,
      rotation: first.local.rootRotation,
      material: { ...this.body.topMaterial },
      attributes: {
        description: describe(appearance),
        figure: appearance.figure,
        age: appearance.figure === "boy" || appearance.figure === "girl" ? "child" : "adult",
        height: Math.round(p.height * 100) / 100,
        build: appearance.build,
        skin: appearance.skin,
        clothing: garments(appearance),
        top: appearance.clothes.top,
        top_pattern: appearance.clothes.pattern,
        bottom: appearance.clothes.bottom,
        shoes: appearance.shoes,
        hair: appearance.hairStyle === "bald" ? "none" : appearance.hair,
        hair_style: appearance.hairStyle,
      },
    });
    this.object.skinMatrices = body.skinMatrices(
      first.world,
      first.local.root,
      first.local.rootRotation,
    );
  }

  /** Moves the whole performance on the floor (before the first frame is posed). */
  translate(dx: number, dz: number): void {
    for (const b of this.baked) {
      b.local.root = [b.local.root[0] + dx, b.local.root[1], b.local.root[2] + dz];
      for (const p of b.world.positions) {
        p[0] += dx;
        p[2] += dz;
      }
    }
    this.object.position = [...this.baked[0].local.root];
  }

  /** Adds a stool under the pelvis at its lowest (seated) frame. */
  addStool(rng: Rng): SceneObject {
    let seated = 0;
    const pelvis = JOINT_INDEX.pelvis;
    this.baked.forEach((b, f) => {
      if (b.world.positions[pelvis][1] < this.baked[seated].world.positions[pelvis][1]) seated = f;
    });
    const hips = this.body.parts.find((x) => x.name === "hips")!;
    const pose = this.baked[seated].world;
    const top = partBottom(hips, pose);
    const at = pose.positions[pelvis];
    const back = [Math.sin(this.heading), Math.cos(this.heading)];
    const size = 0.4;
    const wood = rng.choice([[0.55, 0.38, 0.22], [0.35, 0.24, 0.15], [0.75, 0.6, 0.42]]);
    this.stool = this.scene.add({
      name: `${this.name}_stool`,
      class: "stool",
      mesh: "cube",
      position: [at[0] - 0.04 * back[0], top / 2, at[2] - 0.04 * back[1]],
      rotation: [0, Math.sin(this.heading / 2), 0, Math.cos(this.heading / 2)],
      scale: [size, top, size],
      material: {
        color: wood.map(srgbToLinear) as Vec3,
        roughness: 0.7,
        metalness: 0,
        preset: "wood",
      },
    });
    return this.stool;
  }

  /** Things that move with the body (carried props), placed on every frame. */
  readonly #attached: { place(frame: number): void }[] = [];

  attach(thing: { place(frame: number): void }): void {
    this.#attached.push(thing);
  }

  /**
   * The clip's footfalls as contacts between this person and `floor` (an instance id, 0 for
   * the ground), the way physics reports contacts, so audio/impacts makes footsteps: a rubber
   * sole the size of a foot strikes, as hard as the foot came down.
   */
  footfallContacts(floor: number, fps: number) {
    const p = this.appearance.proportions;
    return footfalls(this.baked, footRadius(p), fps).map((step) => ({
      frame: step.frame,
      time: Math.round(step.time * 1e6) / 1e6,
      bodies: [this.object.id, floor] as [number, number],
      position: step.position,
      impulse: LANDING_MASS * step.speed,
      strike: { material: "rubber", size: FOOT_LENGTH * p.height },
      foot: step.side,
    }));
  }

  /** Poses the body for `frame` (called from the plugin's frame hook). */
  pose(frame: number): void {
    for (const thing of this.#attached) thing.place(frame);
    const b = this.baked[Math.min(frame, this.baked.length - 1)];
    this.object.position = [...b.local.root];
    this.object.rotation = [...b.local.rootRotation];
    this.object.skinMatrices = this.body.skinMatrices(b.world, b.local.root, b.local.rootRotation);
  }

  /** Mean of the joints' world positions at `frame` (the body centre cameras aim at). */
  centre(frame: number): Vec3 {
    const positions = this.baked[Math.min(frame, this.baked.length - 1)].world.positions;
    return positions.reduce(
      (s, p) => [s[0] + p[0], s[1] + p[1], s[2] + p[2]],
      [0, 0, 0] as Vec3,
    )
      .map((v) => v / positions.length) as Vec3;
  }

  /** Keeps the camera at a fixed offset from the (smoothed) body centre, looking at it. */
  follow(camera: Camera, frame: number, f: CameraFollow): void {
    const centre = this.centre(frame);
    this.#centre = this.#centre ? lerp3(this.#centre, centre, 0.2) : centre;
    const a = this.heading + f.azimuth;
    const c = this.#centre;
    camera.position = [c[0] + f.distance * Math.sin(a), f.height, c[2] + f.distance * Math.cos(a)];
    camera.lookAt([c[0], c[1], c[2]]);
  }

  /** Joint labels for `frame` with the scene's current camera. */
  label(frame: number, width: number, height: number): FrameLabel {
    const b = this.baked[Math.min(frame, this.baked.length - 1)];
    const camera = this.scene.camera;
    const k = camera.intrinsics(width, height);
    const cam = b.world.positions.map((p) => toCamera(camera, p));
    const points = (joints: readonly JointName[]) =>
      joints.map((j) => {
        const uv = project(k, cam[JOINT_INDEX[j]]);
        return [uv?.[0] ?? NaN, uv?.[1] ?? NaN, null] as [number, number, number | null];
      });
    const label: FrameLabel = {
      frame,
      joints_world: b.world.positions.map((p) => [...p] as Vec3),
      joints_camera: cam,
      keypoints: points(COCO17),
      hands: { left: points(hand21("left")), right: points(hand21("right")) },
      bbox: null,
      contact: { ...b.contact },
    };
    this.labels[frame] = label;
    return label;
  }

  /** Fills visibility and the box of a rendered frame. */
  rendered(frame: RenderedFrame): void {
    const label = this.labels[frame.meta.frame];
    if (!label) return;
    const tolerance = 0.075 * this.appearance.proportions.height *
      this.appearance.proportions.build;
    const judge = (
      joints: readonly JointName[],
      kps: [number, number, number | null][],
      tol: number,
    ) =>
      joints.forEach((j, i) => {
        const kp = kps[i];
        const uv = Number.isFinite(kp[0]) ? [kp[0], kp[1]] as [number, number] : null;
        kp[2] = visibility(frame, this.object.id, uv, label.joints_camera[JOINT_INDEX[j]][2], tol);
      });
    judge(COCO17, label.keypoints, tolerance);
    // Finger joints sit a finger's radius under the skin.
    const fingers = 0.012 * this.appearance.proportions.height;
    judge(hand21("left"), label.hands.left, fingers);
    judge(hand21("right"), label.hands.right, fingers);
    label.bbox = frame.labels.find((l) => l.id === this.object.id)?.bbox ?? null;
  }

  /** The label record stored in labels.json. */
  record() {
    return {
      person: this.object.id,
      joint_names: JOINTS,
      coco17: COCO17,
      hand21: { left: hand21("left"), right: hand21("right") },
      frames: this.labels,
    };
  }
}
