/**
 * The HDRI library: 18 CC0 equirectangular environments (512×256, half-float EXR, DWAB) from Poly
 * Haven, as packaged by npm `@pmndrs/assets` 1.7.0 (installed by `npm install`), and, where
 * Debian's `blender-data` is found, Blender's 8 CC0 world maps (1024×512 float EXR, DWAB, the
 * sun's full range; engine/scene/blender_hdris.ts). Each carries its credit; a clip that uses one
 * records it in labels.json.
 */
import { decodeExr } from "./exr.ts";
import type { EnvironmentImage } from "./render_settings.ts";
import {
  BLENDER_HDRI_NAMES,
  BLENDER_HDRIS,
  blenderHdriCredit,
  blenderHdriFolder,
  blenderHdriHint,
  type BlenderHdriName,
  isBlenderHdri,
} from "./blender_hdris.ts";

/** The maps npm `@pmndrs/assets` ships (always there). */
export const NPM_HDRI_NAMES = [
  "apartment",
  "bridge",
  "city",
  "dawn",
  "esplanade",
  "forest",
  "hall",
  "lab",
  "lobby",
  "night",
  "park",
  "sky",
  "studio",
  "sunrise",
  "sunset",
  "venice",
  "warehouse",
  "workshop",
] as const;
export type NpmHdriName = typeof NPM_HDRI_NAMES[number];
export type HdriName = NpmHdriName | BlenderHdriName;

/** Every library name: the npm maps, then Blender's (which need blender-data). */
export const HDRI_NAMES: readonly HdriName[] = [...NPM_HDRI_NAMES, ...BLENDER_HDRI_NAMES];

/** Indoor ones (for captions and for scenes that want a room). */
export const INDOOR_HDRIS: readonly HdriName[] = [
  "apartment",
  "hall",
  "lab",
  "lobby",
  "studio",
  "warehouse",
  "workshop",
  ...BLENDER_HDRI_NAMES.filter((n) => BLENDER_HDRIS[n].indoor),
];

/** The names that can be loaded here: the npm maps, and Blender's where blender-data is found. */
export function availableHdris(): HdriName[] {
  return blenderHdriFolder() ? [...HDRI_NAMES] : [...NPM_HDRI_NAMES];
}

/** Why `name` cannot be loaded here (Blender's maps without blender-data), else undefined. */
export function hdriProblem(name: string): string | undefined {
  if (!isBlenderHdri(name) || blenderHdriFolder()) return undefined;
  return `"${name}" is one of Blender's HDRIs; ${blenderHdriHint()}`;
}

export class HdriMissingError extends Error {
  override name = "HdriMissingError";
}

/** Where each map was taken, as a caption says it. */
export const HDRI_PLACES: Readonly<Record<HdriName, string>> = {
  ...Object.fromEntries(BLENDER_HDRI_NAMES.map((n) => [n, BLENDER_HDRIS[n].place])) as Record<
    BlenderHdriName,
    string
  >,
  apartment: "in an apartment",
  bridge: "outdoors by a bridge",
  city: "in a city",
  dawn: "outdoors at dawn",
  esplanade: "on an esplanade",
  forest: "in a forest",
  hall: "in a hall",
  lab: "in a lab",
  lobby: "in a lobby",
  night: "outdoors at night",
  park: "in a park",
  sky: "under an open sky",
  studio: "in a photo studio",
  sunrise: "outdoors at sunrise",
  sunset: "outdoors at sunset",
  venice: "in Venice",
  warehouse: "in a warehouse",
  workshop: "in a workshop",
};

export interface AssetCredit {
  asset: string;
  source: string;
  license: string;
  attribution: string;
}

export function hdriCredit(name: HdriName): AssetCredit {
  if (isBlenderHdri(name)) return blenderHdriCredit(name);
  return {
    asset: `hdri/${name}`,
    source: `npm @pmndrs/assets@1.7.0 hdri/${name}.exr (from Poly Haven, polyhaven.com)`,
    license: "CC0-1.0",
    attribution: "Poly Haven (CC0); packaged by Poimandres (pmndrs)",
  };
}

const cache = new Map<string, Promise<EnvironmentImage>>();

/** The decoded environment `name` (decoded once per process and file). */
export function loadHdri(name: HdriName): Promise<EnvironmentImage> {
  if (isBlenderHdri(name)) {
    // looked for each time: the folder may have been fetched (or taken away) since
    const folder = blenderHdriFolder();
    if (!folder) {
      return Promise.reject(new HdriMissingError(`hdri "${name}": ${blenderHdriHint()}`));
    }
    const path = `${folder}/${BLENDER_HDRIS[name].file}.exr`;
    return cached(path, async () => decodeExr(await Deno.readFile(path), path));
  }
  return cached(name, async () => {
    // The package ships each EXR as a module exporting a base64 data URL.
    const module = await import(`@pmndrs/assets/hdri/${name}.exr.js`);
    const url = module.default as string;
    const binary = atob(url.slice(url.indexOf(",") + 1));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return decodeExr(bytes, `@pmndrs/assets/hdri/${name}.exr`);
  });
}

function cached(key: string, decode: () => Promise<EnvironmentImage>) {
  let image = cache.get(key);
  if (!image) {
    image = decode();
    cache.set(key, image);
    image.catch(() => cache.delete(key));
  }
  return image;
}
