/** How a dataset stores depth, normals, instance ids and flow (scene key `gt_format`). */
export const GT_FORMATS = ["npy", "npz", "png16"] as const;

/** npy: raw arrays; npz: the same arrays deflated (lossless); png16: Kubric-style 16-bit PNGs. */
export type GtFormat = typeof GT_FORMATS[number];

/** [min, max] of a clip's finite values. */
export type Range = [number, number];

/** The clip's ranges for png16's quantized outputs (labels.json ground_truth). */
export interface GtRanges {
  depth?: Range;
  flow?: Range;
}

/**
 * zlib level for npz and PNG output. Measured on the bench scene (256², 20 objects, lavapipe,
 * 2-core VM): level 3 writes as small as level 6 (npz 98 vs 95 KiB per frame, png16 41 vs
 * 39 KiB) at the speed of level 1 (npz write stage 168 vs 113 fps, png16 99 vs 80 fps).
 */
export const DEFLATE_LEVEL = 3;
