// Maps a URL path onto a file inside one root folder, refusing anything that could leave it:
// ".." segments, absolute or drive-style paths, NUL bytes, and symlinks whose target lies
// outside the root (checked on the resolved real path, so a link chain cannot sneak out).

export type Resolved =
  | { ok: true; path: string; isFile: boolean; isDirectory: boolean }
  | { ok: false; status: 403 | 404; reason: string };

/** Real path of the root, resolved once; the prefix every served file must start with. */
export async function realRoot(root: string): Promise<string> {
  const real = await Deno.realPath(root);
  const info = await Deno.stat(real);
  if (!info.isDirectory) throw new Error(`${root} is not a directory`);
  return real;
}

/** Splits an already-decoded relative path, or returns null when it is not a plain relative path. */
export function relativeSegments(relative: string): string[] | null {
  if (relative.includes("\0") || relative.includes("\\")) return null;
  if (relative.startsWith("/") || /^[A-Za-z]:/.test(relative)) return null;
  const segments = relative.split("/");
  // Empty segments ("a//b") would let "/etc" hide behind a double slash; refuse them too.
  if (segments.some((s) => s === "" || s === "." || s === "..")) return null;
  return segments;
}

/** Resolves `relative` (URL-decoded, no leading slash) inside the real root `root`. */
export async function resolveInside(root: string, relative: string): Promise<Resolved> {
  const segments = relativeSegments(relative);
  if (!segments) return { ok: false, status: 403, reason: "path leaves the dataset folder" };
  let real: string;
  try {
    real = await Deno.realPath(`${root}/${segments.join("/")}`);
  } catch {
    return { ok: false, status: 404, reason: "not found" };
  }
  if (real !== root && !real.startsWith(root.endsWith("/") ? root : `${root}/`)) {
    return { ok: false, status: 403, reason: "link points outside the dataset folder" };
  }
  const info = await Deno.stat(real);
  return { ok: true, path: real, isFile: info.isFile, isDirectory: info.isDirectory };
}
