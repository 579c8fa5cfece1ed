/**
 * Real readers (ffprobe, ffmpeg, python3 + numpy) used as test-time checks. A missing reader
 * skips its checks with a warning, unless SYNTHVID_REQUIRE_READERS=1 (CI), where it fails.
 */

/** True when `cmd args` runs and exits 0. */
export async function runs(cmd: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

/** False (with a warning) when the reader is missing; throws instead if readers are required. */
export function readerAvailable(available: boolean, what: string, aptPackage: string): boolean {
  if (available) return true;
  const message = `${what} not found; install it with: apt-get install ${aptPackage}`;
  if (Deno.env.get("SYNTHVID_REQUIRE_READERS") === "1") throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}
