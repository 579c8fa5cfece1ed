/**
 * Fetches a Debian package's files into the project's .cache without root: `apt-get download`
 * into a temporary folder, `dpkg-deb -x`, keep what is wanted, then one rename, so a killed fetch
 * leaves nothing half-extracted behind. The furniture library (fetch_furniture.ts) and Blender's
 * world HDRIs (below) come this way.
 */
import { BLENDER_CACHE, BLENDER_PACKAGE, blenderHdriFolder } from "../scene/blender_hdris.ts";

export interface DebianFetch {
  /** The package, e.g. "sweethome3d-furniture". */
  package: string;
  /** The folder under .cache that receives the package's tree (usr/share/…). */
  into: string;
  /** Download size for the log line, e.g. "~120 MB". */
  size: string;
  /** Paths inside the extracted tree to keep (others are dropped); all when absent. */
  keep?: (tree: string) => string[];
}

/** Fetches `spec.package` into `<projectRoot>/.cache/<spec.into>` (replacing what is there). */
export async function fetchDebianPackage(
  projectRoot: string,
  spec: DebianFetch,
  log: (line: string) => void,
) {
  const cache = `${projectRoot}/.cache`;
  await Deno.mkdir(cache, { recursive: true });
  const work = await Deno.makeTempDir({ dir: cache, prefix: `${spec.into}_fetch_` });
  try {
    log(`fetching ${spec.package} from Debian (once, ${spec.size}) into ${cache}/${spec.into}`);
    await run("apt-get", ["download", spec.package], work);
    const deb = [...Deno.readDirSync(work)].find((e) => e.name.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${spec.package} left no .deb`);
    await run("dpkg-deb", ["-x", `${work}/${deb.name}`, `${work}/files`], work);
    let tree = `${work}/files`;
    if (spec.keep) {
      tree = `${work}/kept`;
      for (const path of spec.keep(`${work}/files`)) {
        const to = `${tree}/${path}`;
        await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
        await Deno.rename(`${work}/files/${path}`, to);
      }
    }
    await Deno.remove(`${cache}/${spec.into}`, { recursive: true }).catch(() => {});
    await Deno.rename(tree, `${cache}/${spec.into}`);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/**
 * Blender's world HDRIs (Debian blender-data, ~31 MB download, 102 MB unpacked) into
 * .cache/blender-data: only the world maps, their license.txt and Debian's copyright file are
 * kept (~1.9 MB).
 */
export async function fetchBlenderHdris(projectRoot: string, log: (line: string) => void) {
  await fetchDebianPackage(projectRoot, {
    package: BLENDER_PACKAGE,
    into: BLENDER_CACHE,
    size: "~31 MB",
    keep: (tree) => {
      const kept = [`usr/share/doc/${BLENDER_PACKAGE}`];
      const world = "datafiles/studiolights/world";
      const roots = ["usr/share/blender"];
      try {
        for (const e of Deno.readDirSync(`${tree}/usr/share/blender`)) {
          if (e.isDirectory) roots.push(`usr/share/blender/${e.name}`);
        }
      } catch {
        // not the layout expected: checked below
      }
      for (const root of roots) {
        try {
          if (Deno.statSync(`${tree}/${root}/${world}`).isDirectory) kept.push(`${root}/${world}`);
        } catch {
          // not this one
        }
      }
      return kept.filter((path) => {
        try {
          Deno.statSync(`${tree}/${path}`);
          return true;
        } catch {
          return false;
        }
      });
    },
  }, log);
  const folder = blenderHdriFolder(projectRoot);
  if (!folder) throw new Error(`${BLENDER_PACKAGE} did not hold Blender's world HDRIs`);
  return folder;
}

async function run(command: string, args: string[], cwd: string) {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    throw new Error(
      `cannot run ${command} (a Debian system is needed): ${(error as Error).message}`,
    );
  }
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${command} ${args.join(" ")} failed: ${text}`);
  }
}
