/**
 * deploy/slurm/render.sbatch and merge.sbatch on a real one-node Slurm cluster (Debian's slurm-wlm
 * and munge, started by tests/slurm/cluster.sh in a temp folder): a 4-task render array and the
 * merge job give the same bytes as one unsharded `deno task render`; then with faults injected
 * (one task cancelled mid-clip, one requeued, one task's renderer SIGKILLed) the merge job fails
 * naming the missing clips, and resubmitting the array and the merge gives the same bytes again.
 * Needs root and slurmctld/slurmd/munged; skipped with a warning without them, unless
 * SYNTHVID_REQUIRE_READERS=1 (CI), where it fails. SYNTHVID_SLURM_KEEP=1 keeps the temp folder
 * (cluster config and logs, job logs, datasets) for a look afterwards.
 */
import { assert, assertEquals } from "./assert.ts";
import { listFiles } from "../engine/dataset/resume.ts";
import {
  assertSameDataset,
  clipInProgress,
  reference,
  ROOT,
  run,
  runOk,
  shardScene as scene,
  sleep,
} from "./shard_check.ts";

const CLUSTER = `${ROOT}/tests/slurm/cluster.sh`;
const TIMEOUT_MS = 240_000;

/** Why this machine cannot run a Slurm cluster (undefined when it can). */
function missing(): string | undefined {
  if (Deno.build.os !== "linux") return "not Linux";
  if (Deno.uid() !== 0) return "not root (the test cluster runs its daemons as root)";
  for (const bin of ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"]) {
    try {
      Deno.statSync(bin);
    } catch {
      return `${bin} not found (apt-get install slurm-wlm munge)`;
    }
  }
}

const absent = missing();
const required = Deno.env.get("SYNTHVID_REQUIRE_READERS") === "1";
if (absent && !required) console.warn(`warning: slurm_test skipped: ${absent}`);

/** A port P with P and P + 1 free (slurmctld's and slurmd's), so a real Slurm here is no bother. */
function freePorts(): number {
  for (let i = 0; i < 50; i++) {
    const first = Deno.listen({ hostname: "0.0.0.0", port: 0 });
    const port = (first.addr as Deno.NetAddr).port;
    try {
      Deno.listen({ hostname: "0.0.0.0", port: port + 1 }).close();
      return port;
    } catch {
      // Taken: try another.
    } finally {
      first.close();
    }
  }
  return 6817;
}

/** A Slurm cluster of one node in DIR, and the client commands pointed at it. */
class Cluster {
  constructor(readonly dir: string) {}
  get env() {
    return { SLURM_CONF: `${this.dir}/slurm.conf` };
  }
  start() {
    return runOk("bash", [CLUSTER, "start", this.dir], { SLURM_TEST_PORT: String(freePorts()) });
  }
  stop() {
    return run("bash", [CLUSTER, "stop", this.dir]);
  }
  slurm(cmd: string, args: string[]) {
    return runOk(cmd, args, this.env);
  }
  /** sbatch --parsable …: the job id. */
  async submit(args: string[], env: Record<string, string>): Promise<string> {
    const out = await runOk("sbatch", ["--parsable", ...args], { ...this.env, ...env });
    return out.trim().split(";")[0];
  }
  /** JobState, ExitCode and Restarts of every task of a job (by array task id, or "-"). */
  async states(job: string) {
    const out = await this.slurm("scontrol", ["show", "job", "-o", job]);
    const tasks: Record<string, { state: string; exit: string; restarts: string }> = {};
    for (const line of out.trim().split("\n")) {
      const field = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(line)?.[1] ?? "";
      tasks[field("ArrayTaskId") || "-"] = {
        state: field("JobState"),
        exit: field("ExitCode"),
        restarts: field("Restarts"),
      };
    }
    return tasks;
  }
  /** Waits until squeue lists none of the job's tasks (a timeout fails with the jobs and logs). */
  async wait(job: string, logs: string) {
    const until = Date.now() + TIMEOUT_MS;
    while (Date.now() < until) {
      const r = await run("squeue", ["-h", "-j", job, "-o", "%i %T %r"], this.env);
      if (r.code === 0 && r.stdout.trim() === "") return;
      if (r.code !== 0 && /Invalid job id/i.test(r.stderr)) return;
      await sleep(250);
    }
    throw new Error(
      `job ${job} still queued after ${TIMEOUT_MS / 1000}s:\n` +
        (await run("squeue", ["-j", job], this.env)).stdout +
        (await run("scontrol", ["show", "job", job], this.env)).stdout +
        (await tails(logs)),
    );
  }
}

async function tails(dir: string) {
  let text = "";
  for (const path of (await listFiles(dir).catch(() => [])).sort()) {
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    text += `---- ${path}\n${lines.slice(-15).join("\n")}\n`;
  }
  return text;
}

/** PIDs of the renderer processes (engine/cli/render.ts) started by array task `task` of `job`. */
function rendererPids(job: string, task: number): number[] {
  const parent = new Map<number, number>();
  const roots = new Set<number>();
  for (const e of Deno.readDirSync("/proc")) {
    const pid = Number(e.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      const environ = Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0");
      if (
        environ.includes(`SLURM_ARRAY_JOB_ID=${job}`) &&
        environ.includes(`SLURM_ARRAY_TASK_ID=${task}`)
      ) roots.add(pid);
    } catch {
      // Exited meanwhile.
    }
  }
  const inTask = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) {
      if (roots.has(p)) return true;
    }
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    if (!inTask(pid)) return false;
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("engine/cli/render.ts");
    } catch {
      return false;
    }
  });
}

Deno.test({
  name:
    "Slurm: a render array and the merge job on a real cluster equal one unsharded render, also after cancel, requeue and SIGKILL",
  ignore: absent !== undefined && !required,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    if (absent) throw new Error(`slurm_test cannot run: ${absent}`);
    const tmp = await Deno.makeTempDir({ prefix: "synthvid_slurm_" });
    const cluster = new Cluster(`${tmp}/cluster`);
    const logs = `${tmp}/logs`;
    await Deno.mkdir(logs);
    // Every output for the plain run; fewer for the longer clips of the faults run (less disk).
    const plain = `${tmp}/scene/scene.yaml`;
    const faults = `${tmp}/scene-faults/scene.yaml`;
    await Deno.mkdir(`${tmp}/scene`);
    await Deno.mkdir(`${tmp}/scene-faults`);
    await Deno.writeTextFile(plain, scene("rgb, depth, normals, instance, flow, preview"));
    await Deno.writeTextFile(faults, scene("rgb, depth, preview"));
    try {
      await cluster.start();

      const render = (scene: string, out: string, args: string) =>
        cluster.submit([
          "--array=0-3",
          "--cpus-per-task=1",
          "--mem=1G",
          `--output=${logs}/render-%A_%a.log`,
          `${ROOT}/deploy/slurm/render.sbatch`,
        ], {
          SYNTHVID_HOME: ROOT,
          SYNTHVID_OUT: out,
          SYNTHVID_SCENE: scene,
          SYNTHVID_ARGS: args,
        });
      const merge = (out: string, after: string) =>
        cluster.submit([
          `--dependency=afterany:${after}`,
          "--cpus-per-task=1",
          "--mem=1G",
          `--output=${logs}/merge-%j.log`,
          `${ROOT}/deploy/slurm/merge.sbatch`,
        ], { SYNTHVID_HOME: ROOT, SYNTHVID_OUT: out, SYNTHVID_PACK_SIZE: "100KB" });

      await t.step(
        "4 array tasks and the merge job give the unsharded render's bytes",
        async () => {
          const out = `${tmp}/out/plain`;
          const args = "--clips 8";
          const jid = await render(plain, out, args);
          const mid = await merge(out, jid);
          await reference(plain, `${tmp}/reference/plain`, args.split(" "));
          await cluster.wait(mid, logs);
          const tasks = await cluster.states(jid);
          assertEquals(
            Object.entries(tasks).map(([k, v]) => [k, v.state, v.exit]).sort(),
            [0, 1, 2, 3].map((k) => [String(k), "COMPLETED", "0:0"]),
            await tails(logs),
          );
          assertEquals((await cluster.states(mid))["-"].state, "COMPLETED", await tails(logs));
          for (let i = 0; i < 4; i++) {
            const lines = (await Deno.readTextFile(`${out}/manifest.shard-${i}-of-4.jsonl`)).trim()
              .split("\n");
            assertEquals(lines.map((l) => JSON.parse(l).clip), [2 * i, 2 * i + 1], `shard ${i}`);
          }
          await assertSameDataset(out, `${tmp}/reference/plain`, 8, "Slurm array");
          const index = JSON.parse(await Deno.readTextFile(`${out}-wds/index.json`));
          assert(index, "pack wrote index.json");
        },
      );

      await t.step(
        "cancel, requeue and SIGKILL mid-clip, merge fails naming the clips, a resubmitted array completes it",
        async () => {
          // Longer clips (~0.5 s each here), so each task is mid-clip long enough to be hit.
          const out = `${tmp}/out/faults`;
          const args = "--clips 16 --frames 96 --size 64x64";
          const jid = await render(faults, out, args);
          const mid = await merge(out, jid);
          const done: string[] = [];
          // Two tasks run at once on two cores: 0 and 1 first, then 2 and 3 as cores free up.
          if (await clipInProgress(out, 1, 4)) {
            await cluster.slurm("scancel", [`${jid}_1`]);
            done.push("cancelled task 1 mid-clip");
          }
          if (await clipInProgress(out, 2, 4)) {
            await cluster.slurm("scontrol", ["requeue", `${jid}_2`]);
            done.push("requeued task 2 mid-clip");
          }
          if (await clipInProgress(out, 3, 4)) {
            const pids = rendererPids(jid, 3);
            assert(pids.length > 0, "task 3's renderer process");
            for (const pid of pids) Deno.kill(pid, "SIGKILL");
            done.push(`SIGKILLed task 3's renderer (pid ${pids.join(", ")}) mid-clip`);
          }
          console.log(`  ${done.join("; ")}`);
          assertEquals(done.length, 3, `faults injected: ${done.join("; ")}\n${await tails(logs)}`);
          await reference(faults, `${tmp}/reference/faults`, args.split(" "));
          await cluster.wait(mid, logs);
          const tasks = await cluster.states(jid);
          assertEquals(tasks["0"].state, "COMPLETED", await tails(logs));
          assertEquals(tasks["1"].state, "CANCELLED", await tails(logs));
          assertEquals(
            [tasks["2"].state, tasks["2"].restarts],
            ["COMPLETED", "1"],
            "requeued task",
          );
          assertEquals(tasks["3"].state, "FAILED", await tails(logs));
          // afterany: the merge ran, found shards 1 and 3 unfinished, and failed naming clips.
          assertEquals((await cluster.states(mid))["-"].state, "FAILED");
          const failedMerge = await Deno.readTextFile(`${logs}/merge-${mid}.log`);
          assert(/missing/i.test(failedMerge), failedMerge);

          // Resubmit the whole array (keeps SLURM_ARRAY_TASK_MIN/_COUNT): finished shards keep
          // their clips, the cancelled and killed ones resume; then merge again.
          const again = await render(faults, out, args);
          const mid2 = await merge(out, again);
          await cluster.wait(mid2, logs);
          const tasks2 = await cluster.states(again);
          assertEquals(
            Object.values(tasks2).map((v) => v.state),
            ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"],
            await tails(logs),
          );
          assertEquals((await cluster.states(mid2))["-"].state, "COMPLETED", await tails(logs));
          const kept = await Deno.readTextFile(`${logs}/render-${again}_0.log`);
          assert(kept.includes("kept 4 finished clip(s)"), kept);
          await assertSameDataset(out, `${tmp}/reference/faults`, 16, "after faults and resubmit");
        },
      );
    } catch (e) {
      console.error(await tails(`${cluster.dir}/log`));
      throw e;
    } finally {
      const stopped = await cluster.stop();
      if (stopped.code !== 0) console.error(stopped.stderr);
      if (Deno.env.get("SYNTHVID_SLURM_KEEP") === "1") console.log(`  kept ${tmp}`);
      else await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
