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
