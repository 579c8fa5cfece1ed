/**
 * One run per output folder (per shard: shards of one dataset write side by side). The lock is an
 * advisory OS lock on a file in the folder, so it goes away with the process that held it, even
 * after kill -9: a stale lock file is simply taken over. The file says who holds it.
 */

export class FolderLockedError extends Error {
  override name = "FolderLockedError";
}

export interface RunLock {
  /** Removes the lock file and lets the lock go. */
  release(): Promise<void>;
}

/** Takes the lock `name` in `out`, or throws FolderLockedError naming the run that holds it. */
export async function lockRun(out: string, name: string): Promise<RunLock> {
  const path = `${out}/${name}`;
  // A holder that finishes removes the file; a file opened just before that is not the lock.
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = await Deno.open(path, { read: true, write: true, create: true });
    if (!(await file.tryLock(true))) {
      file.close();
      // The holder writes who it is just after it takes the lock: give it a moment.
      let holder: { pid?: number; host?: string } | undefined;
      for (let wait = 0; wait < 20 && !holder?.pid; wait++) {
        holder = await Deno.readTextFile(path).then(JSON.parse).catch(() => undefined);
        if (!holder?.pid) await new Promise((r) => setTimeout(r, 10));
      }
      const who = holder?.pid ? `pid ${holder.pid} on ${holder.host}` : "another process";
      throw new FolderLockedError(
        `${out} is being rendered by another run (${who}, lock ${path}); ` +
          `wait for it to finish or choose another --out`,
      );
    }
    const held = await file.stat();
    const atPath = await Deno.stat(path).catch(() => undefined);
    if (!atPath || atPath.ino !== held.ino) {
      file.close();
      continue;
    }
    await file.truncate(0);
    await file.write(new TextEncoder().encode(
      JSON.stringify({ pid: Deno.pid, host: hostname() }) + "\n",
    ));
    return {
      async release() {
        await Deno.remove(path).catch(() => {});
        file.close();
      },
    };
  }
  throw new FolderLockedError(`${out}: could not take the lock ${path} (it keeps changing)`);
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "this host";
  }
}
