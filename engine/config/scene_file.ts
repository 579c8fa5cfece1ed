/**
 * Reads a scene YAML file into a validated SceneConfig. Every problem is
 * reported at once, each with file:line:column, the key path, what was
 * expected and what was found.
 */
import type { Quality } from "../scene/render_settings.ts";
import {
  furnitureEntry,
  furnitureFolder,
  furnitureHint,
  libraryId,
} from "../scene/furniture_library.ts";
import { GT_FORMATS, type GtFormat } from "./gt_format.ts";
import { expandCategoryMeshes } from "./category_meshes.ts";
import { type Document, isMap, LineCounter, parseDocument, visit } from "yaml";
import type { CheckContext, Options, PluginDefinition } from "../plugin/contract.ts";
import { checkFile } from "../plugin/checks.ts";
import { FINISHES, PATTERNS } from "../scene/procedural_texture.ts";
import { TABLE_MESHES } from "../scene/table_mesh.ts";
import {
  didYouMean,
  type Issue,
  type Schema,
  schemaFromDefaults,
  validate,
  withDefaults,
} from "../plugin/schema.ts";

export const OUTPUTS = [
  "rgb",
  "rgb_frames",
  "depth",
  "normals",
  "instance",
  "flow",
  "alpha",
  "coco_masks",
  "preview",
] as const;
export type OutputName = typeof OUTPUTS[number];

/** What a scene without `outputs:` writes (lossless rgb frames and COCO masks are asked for). */
export const DEFAULT_OUTPUTS: readonly OutputName[] = [
  "rgb",
  "depth",
  "normals",
  "instance",
  "flow",
  "alpha",
  "preview",
];

// deno-lint-ignore no-explicit-any
type AnyPlugin = PluginDefinition<any>;

export interface PluginEntry {
  /** Unique key of this instance: its `name`, or its id. */
  key: string;
  definition: AnyPlugin;
  /** Options as written (samplers not drawn), merged over the defaults. */
  options: Record<string, unknown>;
  schema: Schema;
}

export interface SceneConfig {
  file: string;
  dir: string;
  name: string;
  seed: number;
  clips: number;
  frames: number;
  fps: number;
  width: number;
  height: number;
  outputs: OutputName[];
  /** How depth, normals, instance ids and flow are stored (docs/scale.md, Storage). */
  gtFormat: GtFormat;
  /** A quality preset forced over the scene's (`--quality`: a quick low preview, a test). */
  quality?: Quality;
  /** Levels of detail for dense meshes: the screen error allowed, in pixels (scene `lod:`). */
  lod?: number;
  /** rgb.mp4's average bitrate in bits per second (scene `video:`); the encoder's default if unset. */
  videoBitrate?: number;
  /** Clips whose acting objects are framed in fewer than `minFramed` of frames are drawn again. */
  framing: { minFramed: number; redraws: number };
  /** Folders outside the scene's own that its files may come from (`read:`, absolute). */
  read: string[];
  /** The validated document (camera, lights, objects… may hold samplers). */
  doc: Record<string, unknown>;
  /** Mesh keys → absolute asset paths. */
  assets: Record<string, string>;
  plugins: PluginEntry[];
}

/** Share of frames a clip's acting objects should be framed in, unless the scene says otherwise. */
export const DEFAULT_MIN_FRAMED = 0.95;

/** Values given on the command line; they override the scene's. */
export interface SceneOverrides {
  clips?: number;
  seed?: number;
  frames?: number;
  fps?: number;
  width?: number;
  height?: number;
  gtFormat?: GtFormat;
  quality?: Quality;
}

export class SceneError extends Error {
  override name = "SceneError";
  constructor(readonly file: string, readonly problems: string[]) {
    super(
      `Cannot load scene "${file}": ${problems.length} problem${
        problems.length === 1 ? "" : "s"
      }\n` +
        problems.map((p) => `  ${p}`).join("\n"),
    );
  }
}

const num = (limit: { min?: number; max?: number; integer?: boolean } = {}): Schema => ({
  type: "number",
  limit,
});
const sampledNum = (limit: { min?: number; max?: number } = {}): Schema => ({
  type: "number",
  limit,
  sampled: true,
});
const vec3: Schema = { type: "vector", length: 3, sampled: true };
const color: Schema = { type: "vector", length: 3, color: true, sampled: true };
const str = (oneOf?: readonly string[]): Schema => ({
  type: "string",
  limit: oneOf ? { oneOf } : undefined,
});

/** `texture: checker` or `texture: { pattern: checker, frequency: 8, tint: [r, g, b] }`. */
const patternName: Schema = { type: "string", limit: { oneOf: PATTERNS }, sampled: true };
const textureSchema: Schema = {
  type: "object",
  required: ["pattern"],
  fields: { pattern: patternName, frequency: sampledNum({ min: 1, max: 64 }), tint: color },
};

/** `finish: wood` or `finish: { name: wood, frequency: 6, scale: 1.2 }`. */
const finishName: Schema = { type: "string", limit: { oneOf: FINISHES }, sampled: true };
const finishSchema: Schema = {
  type: "object",
  required: ["name"],
  fields: {
    name: finishName,
    frequency: sampledNum({ min: 1, max: 16 }),
    scale: sampledNum({ min: 0, max: 4 }),
  },
};

export const MESH_KEYS = [
  ...["cube", "sphere", "cylinder", "cone", "torus", "plane", "capsule"],
  ...Object.keys(TABLE_MESHES),
];

export const keyframeSchema: Schema = {
  type: "object",
  required: ["frame"],
  fields: { frame: num({ min: 0, integer: true }), position: vec3, rotation: vec3, scale: vec3 },
};

const objectSchema: Schema = {
  type: "object",
  required: ["mesh"],
  fields: {
    name: str(),
    class: str(),
    mesh: { type: "string", sampled: true },
    position: vec3,
    rotation: vec3,
    scale: { type: "any" }, // a number / scalar sampler (uniform) or a 3-vector; checked below
    color,
    roughness: sampledNum({ min: 0, max: 1 }),
    metalness: sampledNum({ min: 0, max: 1 }),
    texture: { type: "any" }, // a pattern name or { pattern, frequency, tint }; checked below
    finish: { type: "any" }, // a finish name or { name, frequency, scale }; checked below
    material: { type: "string", sampled: true },
    attributes: { type: "any" },
    motion: { type: "list", items: keyframeSchema },
  },
};

export const sceneSchema: Schema = {
  type: "object",
  fields: {
    name: str(),
    seed: num({ min: 0, integer: true }),
    clips: num({ min: 1, integer: true }),
    frames: num({ min: 1, max: 100000, integer: true }),
    fps: num({ min: 1, max: 1000 }),
    size: { type: "any" },
    outputs: { type: "list", items: str(OUTPUTS) },
    gt_format: str(GT_FORMATS),
    video: {
      type: "object",
      fields: {
        bitrate: num({ min: 10_000 }),
        bits_per_pixel: num({ min: 0.01, max: 24 }),
      },
    },
    read: { type: "list", items: str() },
    lod: num({ min: 0.05, max: 8 }),
    framing: {
      type: "object",
      fields: {
        min_framed: num({ min: 0, max: 1 }),
        redraws: num({ min: 0, max: 20, integer: true }),
      },
    },
    camera: {
      type: "object",
      fields: {
        position: vec3,
        look_at: vec3,
        up: { type: "vector", length: 3 },
        fov: sampledNum({ min: 1, max: 179 }),
        focal: sampledNum({ min: 1 }),
        principal: { type: "vector", length: 2 },
        near: num({ min: 1e-4 }),
        far: num({ min: 1e-3 }),
      },
    },
    background: { type: "vector", length: 3, color: true, sampled: true },
    ambient: { type: "object", fields: { color, intensity: sampledNum({ min: 0 }) } },
    lights: {
      type: "list",
      items: {
        type: "object",
        fields: {
          type: str(["directional", "point", "spot"]),
          color,
          temperature: sampledNum({ min: 1000, max: 40000 }),
          intensity: sampledNum({ min: 0 }),
          position: vec3,
          direction: vec3,
          angle: sampledNum({ min: 1, max: 89 }),
          cast_shadow: { type: "boolean" },
          size: sampledNum({ min: 0, max: 30 }),
        },
      },
    },
    assets: { type: "object", fields: {}, open: true },
    objects: { type: "list", items: objectSchema },
    import: { type: "list", items: str() },
    plugins: {
      type: "list",
      items: {
        type: "object",
        required: ["use"],
        fields: { use: str(), name: str(), with: { type: "any" } },
      },
    },
  },
};

export interface LoadOptions {
  /** Registered plugins (built-ins); scene `import:` modules add to these. */
  registry: readonly AnyPlugin[];
  overrides?: SceneOverrides;
}

export async function loadScene(file: string, options: LoadOptions): Promise<SceneConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new SceneError(file, [`${file}: cannot read: ${(error as Error).message}`]);
  }
  const dir = dirname(absolute(file));
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    throw new SceneError(
      file,
      doc.errors.map((e) => `${at(e.pos[0])} ${e.message.split("\n")[0]}`),
    );
  }
  let value: Record<string, unknown>;
  try {
    value = (doc.toJS() ?? {}) as Record<string, unknown>;
  } catch (error) {
    // The yaml library refuses aliases that would expand past its limit ("billion laughs").
    let where = 0;
    visit(doc, {
      Alias(_, node) {
        where = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    throw new SceneError(file, [
      `${at(where)} ${(error as Error).message.split("\n")[0]}; write the values out instead`,
    ]);
  }
  const problems: string[] = [];
  const report = (issue: Issue) =>
    problems.push(`${at(offsetOf(doc, issue))} ${formatPath(issue.path)}: ${issue.message}`);

  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SceneError(file, [
      `${file}:1:1 the scene must be a map of keys (name, seed, clips, …)`,
    ]);
  }
  uniformKeyframeScales(value);
  expandCategoryMeshes(value, report);
  validate(sceneSchema, value).forEach(report);
  const size = parseSize(value.size);
  if (value.size !== undefined && !size) {
    report({
      path: ["size"],
      message: `expected [width, height] or "WxH" with sizes 1..8192, got ${
        JSON.stringify(value.size)
      }`,
    });
  }
  const objects = Array.isArray(value.objects) ? value.objects as Record<string, unknown>[] : [];
  objects.forEach((o, i) => {
    if (o && typeof o === "object" && o.scale !== undefined) {
      const s = o.scale;
      const vector = Array.isArray(s) && s.length === 3;
      validate(vector ? vec3 : sampledNum({ min: 1e-6 }), s, ["objects", i, "scale"]).forEach(
        report,
      );
    }
    if (o && typeof o === "object" && o.texture !== undefined) {
      const t = o.texture as Record<string, unknown>;
      const form = typeof t === "object" && t !== null && "pattern" in t
        ? textureSchema
        : patternName;
      validate(form, t, ["objects", i, "texture"]).forEach(report);
    }
    if (o && typeof o === "object" && o.finish !== undefined) {
      const f = o.finish as Record<string, unknown>;
      const form = typeof f === "object" && f !== null && "name" in f ? finishSchema : finishName;
      validate(form, f, ["objects", i, "finish"]).forEach(report);
    }
  });

  // A keyframe past the last frame never shows; it is a typo or a scene cut short. Frame
  // `frames` is the look-ahead forward flow is computed from, so it may be keyed. The scene's
  // own `frames` counts: a shorter --frames only cuts the motion off.
  const frames = typeof value.frames === "number" ? value.frames : 24;
  objects.forEach((o, i) => {
    const motion = o && typeof o === "object" && Array.isArray(o.motion) ? o.motion : [];
    motion.forEach((k: unknown, j: number) => {
      const frame = (k as { frame?: unknown } | null)?.frame;
      if (typeof frame === "number" && frame > frames) {
        report({
          path: ["objects", i, "motion", j, "frame"],
          message: `frame ${frame} is past the clip's end, frame ${frames} ` +
            `(frames: ${frames}; the last is the flow look-ahead)`,
        });
      }
    });
  });

  // Assets: mesh keys from glTF files next to the scene, or `library:<id>` models.
  const assets: Record<string, string> = {};
  const rawAssets = (value.assets ?? {}) as Record<string, unknown>;
  // Folders besides the scene's own that file options may name (the render grants them).
  const read: string[] = [];
  for (const [i, path] of (Array.isArray(value.read) ? value.read : []).entries()) {
    if (typeof path !== "string") continue;
    const folder = normalizePath(path.startsWith("/") ? path : `${dir}/${path}`);
    let isDirectory = false;
    try {
      isDirectory = Deno.statSync(folder).isDirectory;
    } catch {
      // reported below
    }
    if (isDirectory) read.push(folder);
    else report({ path: ["read", i], message: `"${path}" is not a folder (${folder})` });
  }
  const resolve = (path: string) => resolveInside(dir, path, read);
  for (const [key, path] of Object.entries(rawAssets)) {
    if (typeof path !== "string") {
      report({
        path: ["assets", key],
        message: `expected a file path, got ${JSON.stringify(path)}`,
      });
      continue;
    }
    if (MESH_KEYS.includes(key)) {
      report({
        path: ["assets", key],
        atKey: true,
        message: `"${key}" is a built-in mesh; choose another key`,
      });
    }
    const id = libraryId(path);
    if (id !== undefined) {
      // a model of the furniture library (engine/scene/furniture_library.ts)
      const problem = libraryProblem(id);
      if (problem) report({ path: ["assets", key], message: problem });
      else assets[key] = path;
      continue;
    }
    const problem = checkFile(key, path, { resolve }, "a glTF/GLB file")[0];
    if (problem) report({ path: ["assets", key], message: problem.message });
    else assets[key] = resolve(path);
  }
  // Keys of assets with a bad path count too: their own error is reported once, above.
  const meshKeys = [...MESH_KEYS, ...Object.keys(rawAssets)];
  const names = new Map<string, number>();
  objects.forEach((o, i) => {
    // `mesh: cube`, or a sampler `mesh: { choice: [a, b] }` whose every choice must be known
    const choices = o && typeof o.mesh === "object" && o.mesh !== null &&
        Array.isArray((o.mesh as Record<string, unknown>).choice)
      ? ((o.mesh as Record<string, unknown>).choice as unknown[]).map((m, k) => ({
        mesh: m,
        path: ["objects", i, "mesh", "choice", k],
      }))
      : [{ mesh: o?.mesh, path: ["objects", i, "mesh"] }];
    for (const { mesh, path } of choices) {
      if (typeof mesh === "string" && !meshKeys.includes(mesh)) {
        report({
          path,
          message: `unknown mesh "${mesh}"${didYouMean(mesh, meshKeys)}; expected one of ${
            meshKeys.join(", ")
          } (or add a glTF file under assets:)`,
        });
      }
    }
    if (o && typeof o.name === "string") {
      const first = names.get(o.name);
      if (first !== undefined) {
        report({
          path: ["objects", i, "name"],
          message: `"${o.name}" is already the name of objects[${first}]; names must be unique`,
        });
      } else names.set(o.name, i);
    }
  });

  // Plugins: built-ins plus the scene's own modules.
  const registry = new Map(options.registry.map((p) => [p.id, p]));
  const imports = Array.isArray(value.import) ? value.import as string[] : [];
  for (const [i, path] of imports.entries()) {
    if (typeof path !== "string") continue;
    try {
      const module = await import(toFileUrl(resolve(path)).href);
      const found = Object.values(module).filter(isPluginDefinition);
      if (found.length === 0) {
        report({ path: ["import", i], message: `"${path}" exports no plugin (use definePlugin)` });
      }
      for (const def of found) registry.set(def.id, def);
    } catch (error) {
      report({
        path: ["import", i],
        message: `cannot import "${path}": ${(error as Error).message.split("\n")[0]}`,
      });
    }
  }
  const plugins: PluginEntry[] = [];
  const keys = new Set<string>();
  const entries = Array.isArray(value.plugins) ? value.plugins as Record<string, unknown>[] : [];
  // Options that name objects are checked against the scene's objects and what every plugin
  // (listed before or after) declares it adds: props, hands, people and rooms appear at clipStart.
  const named = objectNamesAndClasses(objects);
  for (const entry of entries) {
    const definition = entry && typeof entry.use === "string" ? registry.get(entry.use) : undefined;
    const created = definition?.creates?.(
      typeof entry.name === "string" ? entry.name : entry.use as string,
    );
    named.names.push(...created?.names ?? []);
    named.classes.push(...created?.classes ?? []);
  }
  const context: CheckContext = {
    meshKeys,
    resolve,
    objectNames: [...new Set(named.names)],
    objectClasses: [...new Set(named.classes)],
  };
  entries.forEach((entry, i) => {
    if (!entry || typeof entry.use !== "string") return;
    const definition = registry.get(entry.use);
    if (!definition) {
      report({
        path: ["plugins", i, "use"],
        message: `"${entry.use}" is not registered${didYouMean(entry.use, [...registry.keys()])}`,
      });
      return;
    }
    const key = typeof entry.name === "string" ? entry.name : entry.use;
    if (keys.has(key)) {
      report({
        path: ["plugins", i],
        message: `key "${key}" is used twice; give one of them a different name:`,
      });
    }
    keys.add(key);
    const schema = schemaFromDefaults(definition.defaults, definition.limits);
    const issues = validate(schema, entry.with ?? {}, ["plugins", i, "with"]);
    issues.forEach(report);
    const options = withDefaults(
      definition.defaults,
      (entry.with ?? {}) as Record<string, unknown>,
    );
    if (issues.length === 0 && definition.check) {
      for (const problem of definition.check(options as Options, context)) {
        report({ path: ["plugins", i, "with", problem.option], message: problem.message });
      }
    }
    plugins.push({
      key,
      definition,
      options,
      schema,
    });
  });

  const video = value.video as VideoKey | undefined;
  if (video?.bitrate !== undefined && video.bits_per_pixel !== undefined) {
    report({ path: ["video"], message: "give bitrate or bits_per_pixel, not both" });
  }
  if (problems.length > 0) throw new SceneError(file, problems);
  const o = options.overrides ?? {};
  const framing = value.framing as Record<string, unknown> | undefined;
  const width = o.width ?? size?.[0] ?? 256;
  const height = o.height ?? size?.[1] ?? 256;
  const fps = o.fps ?? (value.fps as number) ?? 24;
  return {
    file,
    dir,
    name: (value.name as string) ?? basename(file).replace(/\.ya?ml$/, ""),
    seed: o.seed ?? (value.seed as number) ?? 0,
    clips: o.clips ?? (value.clips as number) ?? 1,
    frames: o.frames ?? (value.frames as number) ?? 24,
    fps,
    width,
    height,
    outputs: (value.outputs as OutputName[]) ?? [...DEFAULT_OUTPUTS],
    gtFormat: o.gtFormat ?? (value.gt_format as GtFormat | undefined) ?? "npy",
    quality: o.quality,
    lod: value.lod as number | undefined,
    videoBitrate: video?.bitrate ??
      (video?.bits_per_pixel !== undefined
        ? Math.round(video.bits_per_pixel * width * height * fps)
        : undefined),
    framing: {
      minFramed: (framing?.min_framed as number | undefined) ?? DEFAULT_MIN_FRAMED,
      redraws: (framing?.redraws as number | undefined) ?? 0,
    },
    read,
    doc: value,
    assets,
    plugins,
  };
}

/** Why `library:<id>` cannot be used here (the library is missing, or has no such model). */
function libraryProblem(id: string): string | undefined {
  const folder = furnitureFolder();
  if (!folder) return furnitureHint();
  try {
    furnitureEntry(folder, id);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The scene's `video:` key: rgb.mp4's bitrate, in bits per second or bits per pixel. */
interface VideoKey {
  bitrate?: number;
  bits_per_pixel?: number;
}

export function parseSize(value: unknown): [number, number] | undefined {
  let w: unknown, h: unknown;
  if (typeof value === "string") {
    const m = /^(\d+)x(\d+)$/.exec(value.trim());
    if (!m) return undefined;
    [w, h] = [Number(m[1]), Number(m[2])];
  } else if (Array.isArray(value) && value.length === 2) {
    [w, h] = value;
  } else {
    return undefined;
  }
  const ok = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 8192;
  return ok(w) && ok(h) ? [w as number, h as number] : undefined;
}

// deno-lint-ignore no-explicit-any
function isPluginDefinition(v: any): v is AnyPlugin {
  return v && typeof v === "object" && typeof v.id === "string" && typeof v.kind === "string" &&
    typeof v.create === "function" && typeof v.defaults === "object";
}

/** Offset in the source of the value (or key) an issue is about; falls back to the nearest parent. */
function offsetOf(doc: Document, issue: Issue): number {
  const path = [...issue.path];
  if (issue.atKey && path.length > 0) {
    const key = path.pop();
    const parent = doc.getIn(path, true);
    if (isMap(parent)) {
      // deno-lint-ignore no-explicit-any
      const pair = parent.items.find((p: any) => p.key?.value === key);
      // deno-lint-ignore no-explicit-any
      const range = (pair?.key as any)?.range;
      if (range) return range[0];
    }
  }
  for (let n = path.length; n >= 0; n--) {
    // deno-lint-ignore no-explicit-any
    const node = doc.getIn(path.slice(0, n), true) as any;
    if (node?.range) return node.range[0];
  }
  return 0;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("") ||
    "(root)";
}

/** Resolves a path relative to `dir`, rejecting absolute paths and `..` escapes. */
/**
 * `path` (from a scene file in `dir`) as an absolute path, refused unless it stays inside `dir`
 * or inside one of the `read` folders the scene lists.
 */
export function resolveInside(dir: string, path: string, read: readonly string[] = []): string {
  const absolutePath = path.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(path);
  const base = normalizePath(dir);
  const full = normalizePath(absolutePath ? path : `${base}/${path}`);
  const inside = (root: string) => full === root || full.startsWith(`${root}/`);
  if (inside(base) || read.some(inside)) {
    if (!absolutePath || read.some(inside)) return full;
  }
  throw new SceneError(path, [
    absolutePath
      ? `"${path}": absolute paths are not allowed; use a path relative to the scene file ` +
        `(or list its folder under \`read:\`)`
      : `"${path}": ".." is not allowed; keep files inside the scene's folder ` +
        `(or list the folder under \`read:\`)`,
  ]);
}

/** `path` with "." and ".." parts resolved (no file system access). */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

function dirname(path: string): string {
  return path.replace(/\/[^/]*$/, "") || "/";
}

function basename(path: string): string {
  return path.replace(/^.*\//, "");
}

function toFileUrl(path: string): URL {
  return new URL(`file://${path.split("/").map(encodeURIComponent).join("/")}`);
}

/** `scale: 1.5` in a keyframe means [1.5, 1.5, 1.5], as it does on the object itself. */
function uniformKeyframeScales(doc: Record<string, unknown>): void {
  if (!Array.isArray(doc.objects)) return;
  for (const o of doc.objects) {
    if (!o || typeof o !== "object" || !Array.isArray((o as { motion?: unknown }).motion)) continue;
    for (const k of (o as { motion: unknown[] }).motion) {
      const key = k as { scale?: unknown };
      if (key && typeof key === "object" && typeof key.scale === "number") {
        key.scale = [key.scale, key.scale, key.scale];
      }
    }
  }
}

/** Names and classes of the scene file's objects, as buildScene will give them (see CheckContext). */
function objectNamesAndClasses(objects: readonly Record<string, unknown>[]) {
  const names: string[] = [];
  const classes: string[] = [];
  objects.forEach((o, i) => {
    if (!o || typeof o !== "object") return;
    // An object without `class` is of its mesh's class, and a mesh may be drawn from a choice.
    const mesh = o.mesh as { choice?: unknown } | undefined;
    const meshes = typeof mesh === "string"
      ? [mesh]
      : Array.isArray(mesh?.choice)
      ? mesh.choice.filter((m): m is string => typeof m === "string")
      : [];
    const own = typeof o.class === "string" ? [o.class] : meshes;
    classes.push(...own);
    // Scene objects are added first, in order, so an unnamed one gets id i + 1 (Scene.add).
    if (typeof o.name === "string") names.push(o.name);
    else names.push(...own.map((c) => `${c}_${i + 1}`));
  });
  return { names, classes };
}
