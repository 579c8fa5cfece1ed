/**
 * Blender's 8 world HDRIs (studiolights/world in Debian's `blender-data`): 1024×512 float EXR,
 * DWAB, with the sun's dynamic range kept (peaks of ~33 000 where the sun shows). Their
 * license.txt: "All HDRIs are licenses as CC0. These were created by Greg Zaal (HDRI Haven
 * https://hdrihaven.com)"; HDRI Haven is now Poly Haven. Debian's copyright file has no stanza
 * of its own for them (its `release/datafiles/*` stanza is about the fonts), so the licence
 * recorded is the one the folder itself states.
 *
 * Where the files come from (first found): $SYNTHVID_BLENDER_HDRI (a folder holding the .exr
 * files; when set, nothing else is looked at), the system's blender-data
 * (/usr/share/blender/datafiles/studiolights/world, or /usr/share/blender/<version>/datafiles/…
 * in other Debian releases), or the project's .cache/blender-data, which the render launcher fills
 * without root (apt-get download + dpkg-deb -x, ~31 MB download) the first time a scene names one.
 */

/** The Debian package that ships them. */
export const BLENDER_PACKAGE = "blender-data";

/** Library name → Blender's file, where it is (as a caption says it), indoors or not. */
export const BLENDER_HDRIS = {
  skyline: { file: "city", place: "by a city skyline", indoor: false },
  courtyard: { file: "courtyard", place: "in a courtyard", indoor: false },
  garden: { file: "forest", place: "on a garden path", indoor: false },
  hotel: { file: "interior", place: "in a hotel room", indoor: true },
  stars: { file: "night", place: "in a field under the stars", indoor: false },
  stage: { file: "studio", place: "on a studio stage", indoor: true },
  meadow: { file: "sunrise", place: "in a meadow at sunrise", indoor: false },
  lagoon: { file: "sunset", place: "on a lagoon shore at sundown", indoor: false },
} as const;

export type BlenderHdriName = keyof typeof BLENDER_HDRIS;
export const BLENDER_HDRI_NAMES = Object.keys(BLENDER_HDRIS) as BlenderHdriName[];

export const isBlenderHdri = (name: string): name is BlenderHdriName =>
  Object.hasOwn(BLENDER_HDRIS, name);

/** The folder inside the package (Debian bookworm's blender-data 3.4 puts it here). */
const WORLD = "datafiles/studiolights/world";
const SYSTEM = "/usr/share/blender";
/** The project's fetched copy. */
export const BLENDER_CACHE = "blender-data";

/** The project's root (its .cache holds a fetched copy). */
const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function holdsMaps(dir: string): boolean {
  try {
    return Object.values(BLENDER_HDRIS).every((m) => Deno.statSync(`${dir}/${m.file}.exr`).isFile);
  } catch {
    return false; // not there, or not readable here
  }
}

/** `<root>/datafiles/studiolights/world` or `<root>/<version>/datafiles/…`, whichever exists. */
function worldUnder(root: string): string | undefined {
  if (holdsMaps(`${root}/${WORLD}`)) return `${root}/${WORLD}`;
  let versions: string[] = [];
  try {
    versions = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name);
  } catch {
    return undefined;
  }
  // the newest version first ("4.0" after "3.6")
  versions.sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
  return versions.map((v) => `${root}/${v}/${WORLD}`).find(holdsMaps);
}

/** The folder of Blender's world .exr files, or undefined when none is found. */
export function blenderHdriFolder(projectRoot = PROJECT): string | undefined {
  const env = Deno.env.get("SYNTHVID_BLENDER_HDRI");
  if (env) return holdsMaps(env) ? env : undefined;
  return worldUnder(SYSTEM) ??
    worldUnder(`${projectRoot}/.cache/${BLENDER_CACHE}/usr/share/blender`);
}

/** How to get them, for error messages. */
export function blenderHdriHint(projectRoot = PROJECT): string {
  const env = Deno.env.get("SYNTHVID_BLENDER_HDRI");
  const where = env
    ? `SYNTHVID_BLENDER_HDRI=${env} holds no Blender world maps (city.exr … sunset.exr)`
    : `Blender's world HDRIs (Debian package ${BLENDER_PACKAGE}) are not installed`;
  return `${where}: \`deno task render\` fetches them on first use of one (no root needed; ` +
    `it fills ${projectRoot}/.cache/${BLENDER_CACHE}), or apt-get install ${BLENDER_PACKAGE}, ` +
    `or set SYNTHVID_BLENDER_HDRI to a folder of them (the 18 npm maps need nothing)`;
}

/** What a clip's labels say about one of them. */
export function blenderHdriCredit(name: BlenderHdriName) {
  const { file } = BLENDER_HDRIS[name];
  return {
    asset: `hdri/${name}`,
    source: `Debian ${BLENDER_PACKAGE} ${WORLD}/${file}.exr (from HDRI Haven, ` +
      `now Poly Haven, polyhaven.com)`,
    license: "CC0-1.0",
    attribution: "Greg Zaal, HDRI Haven / Poly Haven (CC0); packaged by the Blender Foundation",
  };
}
