/**
 * The HDRI library: 18 CC0 equirectangular environments (512×256, half-float EXR, DWAB) from Poly
 * Haven, as packaged by npm `@pmndrs/assets` 1.7.0 (installed by `npm install`). Each carries its
 * credit; a clip that uses one records it in labels.json.
 */
import { decodeExr } from "./exr.ts";
import type { EnvironmentImage } from "./render_settings.ts";

export const HDRI_NAMES = [
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
export type HdriName = typeof HDRI_NAMES[number];

/** Indoor ones (for captions and for scenes that want a room). */
export const INDOOR_HDRIS: readonly HdriName[] = [
  "apartment",
  "hall",
  "lab",
  "lobby",
  "studio",
  "warehouse",
  "workshop",
];

/** Where each map was taken, as a caption says it. */
export const HDRI_PLACES: Readonly<Record<HdriName, string>> = {
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
  return {
    asset: `hdri/${name}`,
    source: `npm @pmndrs/assets@1.7.0 hdri/${name}.exr (from Poly Haven, polyhaven.com)`,
    license: "CC0-1.0",
    attribution: "Poly Haven (CC0); packaged by Poimandres (pmndrs)",
  };
}

const cache = new Map<HdriName, Promise<EnvironmentImage>>();

/** The decoded environment `name` (decoded once per process). */
export function loadHdri(name: HdriName): Promise<EnvironmentImage> {
  let image = cache.get(name);
  if (!image) {
    image = (async () => {
      // The package ships each EXR as a module exporting a base64 data URL.
      const module = await import(`@pmndrs/assets/hdri/${name}.exr.js`);
      const url = module.default as string;
      const binary = atob(url.slice(url.indexOf(",") + 1));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return decodeExr(bytes, `@pmndrs/assets/hdri/${name}.exr`);
    })();
    cache.set(name, image);
  }
  return image;
}
