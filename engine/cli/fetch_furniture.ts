/**
 * Fetches the furniture library (Debian package sweethome3d-furniture, ~120 MB) into the
 * project's .cache/furniture without root: `apt-get download` into a temporary folder, then
 * `dpkg-deb -x`, then one rename, so a killed fetch leaves nothing half-extracted behind.
 */
import { FURNITURE_PACKAGE, furnitureFolder } from "../scene/furniture_library.ts";

export async function fetchFurniture(projectRoot: string, log: (line: string) => void) {
  const cache = `${projectRoot}/.cache`;
  await Deno.mkdir(cache, { recursive: true });
  const work = await Deno.makeTempDir({ dir: cache, prefix: "furniture_fetch_" });
  try {
    log(`fetching ${FURNITURE_PACKAGE} from Debian (once, ~120 MB) into ${cache}/furniture`);
    await run("apt-get", ["download", FURNITURE_PACKAGE], work);
    const deb = [...Deno.readDirSync(work)].find((e) => e.name.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${FURNITURE_PACKAGE} left no .deb`);
    await run("dpkg-deb", ["-x", `${work}/${deb.name}`, `${work}/files`], work);
    await Deno.remove(`${cache}/furniture`, { recursive: true }).catch(() => {});
    await Deno.rename(`${work}/files`, `${cache}/furniture`);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  const folder = furnitureFolder(projectRoot);
  if (!folder) throw new Error(`${FURNITURE_PACKAGE} did not hold the expected .sh3f files`);
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
