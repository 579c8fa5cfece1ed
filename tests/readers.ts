/**
 * Real readers (ffprobe, ffmpeg, python3 + numpy) used as test-time checks. A missing reader
 * skips its checks with a warning, unless SYNTHVID_REQUIRE_READERS=1 (CI), where it fails.
 */

/**
 * The Python that apt's python3-numpy, python3-pil and python3-torch install into: Debian's own
 * (/usr/bin/python3), not whatever python3 comes first on PATH (pyenv, a virtualenv).
 */
export const DEBIAN_PYTHON = (() => {
  try {
    return Deno.statSync("/usr/bin/python3").isFile ? "/usr/bin/python3" : "python3";
  } catch {
    return "python3";
  }
})();

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

/** Stdout of `cmd args`; throws with its stderr when it fails. */
export async function capture(cmd: string, args: string[]): Promise<Uint8Array> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

export async function captureText(cmd: string, args: string[]): Promise<string> {
  return new TextDecoder().decode(await capture(cmd, args));
}

/** ffprobe's view of the first video stream, frames counted by decoding. */
export async function probeVideo(path: string): Promise<{
  codec_name: string;
  width: number;
  height: number;
  nb_read_frames: string;
  pix_fmt: string;
}> {
  const json = await captureText("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-count_frames",
    "-show_entries",
    "stream=codec_name,width,height,nb_read_frames,pix_fmt",
    "-of",
    "json",
    path,
  ]);
  return JSON.parse(json).streams[0];
}

/** ffprobe's view of the audio stream, or undefined when the file has none. */
export async function probeAudio(path: string): Promise<
  { codec_name: string; sample_rate: string; channels: number; duration: string } | undefined
> {
  const json = await captureText("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_type,codec_name,sample_rate,channels,duration",
    "-of",
    "json",
    path,
  ]);
  return JSON.parse(json).streams.find((s: { codec_type: string }) => s.codec_type === "audio");
}
