/**
 * A furnished room around the scene: a kitchen (a counter run of base and wall cabinets, sink,
 * cooker and hood, a fridge, things on the counter) or a living room (a sofa with side tables and
 * lamps, a coffee table on a rug, bookcases, a TV, armchairs, plants), real models of the
 * furniture library at their real sizes along the walls (room_sets.ts, room_layout.ts).
 *
 * Builds the walls (room.ts looks and baseboards; they cast no shadows, so a key light beyond
 * them still reaches the room) and a ceiling, unless randomizer/scene's basic type built a room
 * already, which it then furnishes. The pieces are set dressing (not in the matte, never the
 * camera's subject, not listed by captions), classed by their manifest category; the caption
 * names the room ("in a kitchen with white walls"). Nothing comes within `clearance` of the
 * action's table, its props or the camera. Later placers (clutter) keep off the pieces and
 * inside the walls (floor_space.ts).
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkNames } from "../../engine/plugin/checks.ts";
import { eulerToQuat } from "../../engine/scene/keyframes.ts";
import { assetManifest } from "../../engine/scene/asset_manifest.ts";
import { furnitureFolder } from "../../engine/scene/furniture_library.ts";
import {
  libraryModel,
  loadLibraryModels,
  useLibraryModel,
} from "../../engine/scene/library_model.ts";
import { isForeground } from "../../engine/scene/foreground.ts";
import type { Scene, Vec3 } from "../../engine/scene/scene.ts";
import { objectBounds } from "./bounds.ts";
import { type FloorRect, floorSpace } from "./floor_space.ts";
import { addRoom, shadowlessMesh, WALL_LOOKS, type WallLook } from "./room.ts";
import { footprint, layoutRoomSet, wallSides } from "./room_layout.ts";
import { ROOM_SET_PLACES, ROOM_SETS, roomSetKeys, type RoomSetName } from "./room_sets.ts";

/** Walls are 10 cm thick (room.ts); their inner faces lie this far inside the room's side. */
const HALF_WALL = 0.05;

export const roomSetRandomizer = definePlugin({
  id: "randomizer/room_set",
  kind: "randomizer",
  description:
    "A furnished kitchen or living room around the scene: walls, ceiling and real furniture " +
    "of the library along the walls, clear of the action",
  defaults: {
    /** Comma-separated sets, one drawn per clip: kitchen, living_room. */
    sets: "kitchen,living_room",
    /** Side of the square room, metres (grown when the camera would not fit). */
    room_size_range: [4.6, 6.4],
    /** Wall height, metres. */
    room_height_range: [2.5, 2.9],
    /** Comma-separated wall looks, one drawn per clip: paint, plaster, wallpaper. */
    wall_looks: "paint,plaster,wallpaper",
    /** Baseboard height, metres; [0, 0] leaves them out. */
    baseboard_height_range: [0.06, 0.12],
    /** Gap kept between the furniture and the action's table, props and camera, metres. */
    clearance: 0.35,
    /** Add a ceiling (it hides the environment's sky; it casts no shadow). */
    ceiling: true,
  },
  limits: {
    clearance: { min: 0 },
  },
  check: (o) => [
    ...(typeof o.sets === "string" ? checkNames("sets", o.sets, ROOM_SETS) : []),
    ...(typeof o.wall_looks === "string" ? checkNames("wall_looks", o.wall_looks, WALL_LOOKS) : []),
  ],
  creates: () => ({
    names: ["room_*"],
    classes: ["floor", "wall", "ceiling", "cabinet", "appliance", "sofa", "table", "chair"],
  }),
  create() {
    return {
      // the set's models from the GLB cache now, so no clip parses an OBJ
      setup: () => loadLibraryModels(roomSetKeys()),
      clipStart(ctx) {
        const o = ctx.options;
        const rng = ctx.rng;
        const scene = ctx.scene;
        const set = rng.choice(
          o.sets.split(",").map((s) => s.trim()).filter(Boolean),
        ) as RoomSetName;
        const cam = scene.camera.position;
        const existing = scene.find("room_wall_back");
        const record: Record<string, unknown> = { set, place: ROOM_SET_PLACES[set] };
        let half: number;
        let height: number;
        if (existing) {
          // randomizer/scene's basic room: furnish it as it stands
          half = existing.scale[0] / 2 - HALF_WALL;
          height = existing.scale[1];
          record.walls = "randomizer/scene";
        } else {
          // the camera at least a metre inside the walls
          const reach = Math.max(Math.abs(cam[0]), Math.abs(cam[2])) + 1 + HALF_WALL;
          const size = Math.max(rng.uniform(o.room_size_range[0], o.room_size_range[1]), 2 * reach);
          height = rng.uniform(o.room_height_range[0], o.room_height_range[1]);
          const ownFloor = scene.objects.some((ob) => ob.cls === "floor" || ob.cls === "ground");
          Object.assign(
            record,
            addRoom(rng, scene, {
              size,
              height,
              walls: o.wall_looks.split(",").map((w) => w.trim()).filter(Boolean) as WallLook[],
              baseboard: o.baseboard_height_range,
              ownFloor,
              wallShadows: false,
            }),
          );
          half = size / 2 - HALF_WALL;
          if (o.ceiling) addCeiling(scene, size, height);
        }
        const space = floorSpace(ctx);
        space.inside = { min: [-half, -half], max: [half, half] };
        const pieces = furnish(scene, set, half, height, o.clearance, rng);
        for (const p of pieces.filter((p) => p.position[1] - p.size[1] / 2 < 0.05)) {
          space.taken.push(footprint(p));
        }
        record.pieces = pieces.map((p) => ({
          name: p.name,
          id: p.id,
          asset: `library:${p.key}`,
          role: p.role,
          wall: p.wall,
          position: p.position,
          yaw: p.yaw,
        }));
        if (pieces.length === 0 && !furnitureFolder()) record.furniture = "library not installed";
        ctx.record("randomization", { room: record });

        function furnish(
          scene: Scene,
          set: RoomSetName,
          half: number,
          height: number,
          clearance: number,
          rng: typeof ctx.rng,
        ) {
          const folder = furnitureFolder();
          if (!folder) return [];
          const rows = new Map(assetManifest(folder).map((r) => [r.key, r]));
          const walls = wallSides([0, 0], half);
          // the wall the camera faces: its inward side points back at the camera most
          const forward = cameraForward(scene.camera.rotation);
          let main = 0;
          let best = Infinity;
          walls.forEach((w, i) => {
            const d = w.inward[0] * forward[0] + w.inward[1] * forward[1];
            if (d < best) [best, main] = [d, i];
          });
          const protect: FloorRect[] = scene.objects
            .filter((ob) => isForeground(ob) || ob.cls === "table")
            .map((ob) => {
              const b = objectBounds(scene, ob);
              return { min: [b.min[0], b.min[2]], max: [b.max[0], b.max[2]] } as FloorRect;
            });
          protect.push({ min: [cam[0] - 0.3, cam[2] - 0.3], max: [cam[0] + 0.3, cam[2] + 0.3] });
          const placed = layoutRoomSet(
            {
              set,
              walls,
              main,
              height,
              sizeOf: (k) => rows.get(k)?.size as Vec3 | undefined,
              protect,
              clearance,
            },
            rng,
          );
          return placed.flatMap((p, i) => {
            const model = libraryModel(p.key);
            if (!model) return [];
            const row = model.entry;
            const category = rows.get(p.key)!.category;
            const object = scene.add({
              name: `room_${p.role}_${i}`,
              class: category,
              mesh: useLibraryModel(scene, model),
              position: p.position,
              rotation: eulerToQuat([0, p.yaw, 0]),
              scale: p.size,
              attributes: {
                asset: `library:${p.key}`,
                category,
                creator: row.creator,
                licence: row.licence,
                room_set: set,
                role: p.role,
                // set dressing: not a subject, not in the matte, not a prop captions list
                foreground: false,
                background: true,
              },
            });
            return [{ ...p, name: object.name, id: object.id }];
          });
        }
      },
    };
  },
});

/** The camera's forward direction on the floor, (x, z), from its rotation quaternion. */
function cameraForward(q: readonly number[]): [number, number] {
  const [x, y, z, w] = q;
  // -z axis rotated by q
  const fx = -(2 * (x * z + w * y));
  const fz = -(1 - 2 * (x * x + y * y));
  const n = Math.hypot(fx, fz) || 1;
  return [fx / n, fz / n];
}

/** A white ceiling facing down at `height`, casting no shadow (lights above it still reach in). */
function addCeiling(scene: Scene, size: number, height: number): void {
  scene.add({
    name: "room_ceiling",
    class: "ceiling",
    mesh: shadowlessMesh(scene, "plane"),
    position: [0, height, 0],
    rotation: eulerToQuat([180, 0, 0]),
    scale: [size, 1, size],
    material: { color: [0.92, 0.92, 0.9], roughness: 0.9, metalness: 0, colorName: "white" },
  });
}
