/** A full disk: every later write would fail the same way, so a run stops instead. */

/** The output's file system is full: the run stops (finished clips stay; a rerun resumes). */
export class DiskFullError extends Error {
  override name = "DiskFullError";
}

export function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: string; message?: string; cause?: unknown } | undefined; e;) {
    if (e.code === "ENOSPC" || /No space left on device|os error 28\b/.test(e.message ?? "")) {
      return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}
