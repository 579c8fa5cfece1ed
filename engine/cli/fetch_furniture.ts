/**
 * Fetches the furniture library (Debian package sweethome3d-furniture, ~120 MB) into the
 * project's .cache/furniture without root (fetch_debian.ts: apt-get download + dpkg-deb -x).
 */
import { FURNITURE_PACKAGE, furnitureFolder } from "../scene/furniture_library.ts";
import { fetchDebianPackage } from "./fetch_debian.ts";

export async function fetchFurniture(projectRoot: string, log: (line: string) => void) {
  await fetchDebianPackage(
    projectRoot,
    { package: FURNITURE_PACKAGE, into: "furniture", size: "~120 MB" },
    log,
  );
  const folder = furnitureFolder(projectRoot);
  if (!folder) throw new Error(`${FURNITURE_PACKAGE} did not hold the expected .sh3f files`);
  return folder;
}
