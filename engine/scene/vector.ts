/** The tuple types every part of the scene model shares (camera.ts and scene.ts import them). */
export type Vec3 = [number, number, number];
/** A unit quaternion as [x, y, z, w]. */
export type Quat = [number, number, number, number];
