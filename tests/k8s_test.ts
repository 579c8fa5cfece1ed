/**
 * deploy/k8s/ against the Kubernetes API, and its Indexed Job run as Kubernetes would run it.
 *
 * Schema: every manifest is validated with the published Kubernetes models (npm
 * kubernetes-models: JSON-schema validators, compiled with ajv, and TypeScript types, both
 * generated from the Kubernetes OpenAPI spec). The ajv validators check types, required fields,
 * enums and formats (quantities, int32) but let unknown fields through, so the manifests are also
 * type-checked as object literals of the models' types (deno check), which rejects unknown fields
 * the way `kubectl apply --validate=strict` does. Mutated copies (a misspelt enum, a wrong type,
 * an unknown field, a bad quantity) must be rejected, so the check cannot pass vacuously.
 *
 * Index mapping: no cluster here (kubectl is not in the registries this project installs from,
 * and `kubectl --dry-run=client` needs an API server), so the Job's pods are run as processes: the
 * render container's command, args and env, JOB_COMPLETION_INDEX = 0..N-1 for completions = N, one
 * pod SIGKILLed mid-clip and run again (a backoffLimitPerIndex retry), then the merge Job's
 * containers in order. The merged dataset must equal one unsharded render byte for byte.
 */
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { assert, assertEquals } from "./assert.ts";
import {
  assertSameDataset,
  clipInProgress,
  reference,
  ROOT,
  run,
  shardScene,
} from "./shard_check.ts";
import { shardClips } from "../engine/dataset/shard.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

/** The API kinds deploy/k8s uses: the model that validates each, and its type (module, name). */
const KINDS: Record<string, { validate: (doc: Doc) => void; type: [string, string] }> = {
  "batch/v1 Job": {
    validate: (doc) => new Job(doc).validate(),
    type: ["batch/v1/Job.d.ts", "IJob"],
  },
  "v1 PersistentVolumeClaim": {
    validate: (doc) => new PersistentVolumeClaim(doc).validate(),
    type: ["v1/PersistentVolumeClaim.d.ts", "IPersistentVolumeClaim"],
  },
};

const MODELS = `${ROOT}/node_modules/kubernetes-models`;

/** Every document of every deploy/k8s/*.yaml, with the file it came from. */
async function manifests(): Promise<{ file: string; doc: Doc }[]> {
  const files = [...Deno.readDirSync(`${ROOT}/deploy/k8s`)].map((e) => e.name)
    .filter((n) => n.endsWith(".yaml")).sort();
  const out: { file: string; doc: Doc }[] = [];
  for (const file of files) {
    for (const d of parseAllDocuments(await Deno.readTextFile(`${ROOT}/deploy/k8s/${file}`))) {
      assertEquals(d.errors.length, 0, `${file}: ${d.errors.join("; ")}`);
      out.push({ file, doc: d.toJS() });
    }
  }
  return out;
}

/**
 * What the Kubernetes API would reject in each document: schema errors (ajv) and, from one
 * `deno check` of all of them as typed object literals, unknown fields and wrong types.
 */
async function problems(docs: Doc[]): Promise<string[][]> {
  const found = docs.map((doc) => {
    const kind = KINDS[`${doc?.apiVersion} ${doc?.kind}`];
    if (!kind) return [`no schema here for ${doc?.apiVersion} ${doc?.kind}: add it to KINDS`];
    try {
      kind.validate(doc);
      return [];
    } catch (e) {
      return [`schema: ${(e as Error).message}`];
    }
  });
  const dir = await Deno.makeTempDir({ prefix: "synthvid_k8s_" });
  try {
    const lines: string[] = [];
    const ranges: [number, number][] = [];
    Object.values(KINDS).forEach(({ type: [module, name] }) =>
      lines.push(`import type { ${name} } from "file://${MODELS}/${module}";`)
    );
    docs.forEach((doc, i) => {
      const kind = KINDS[`${doc?.apiVersion} ${doc?.kind}`];
      if (!kind) return ranges.push([0, 0]);
      const start = lines.length + 1;
      lines.push(...`export const doc${i}: ${kind.type[1]} = ${JSON.stringify(doc, null, 1)};`
        .split("\n"));
      ranges.push([start, lines.length]);
    });
    await Deno.writeTextFile(`${dir}/manifests.ts`, lines.join("\n") + "\n");
    const r = await run(Deno.execPath(), [
      "check",
      "--quiet",
      "--config",
      `${ROOT}/deno.json`,
      `${dir}/manifests.ts`,
    ], { NO_COLOR: "1" });
    // "TS2353 [ERROR]: Object literal may only specify known properties, and 'evn' does ..."
    // "    at file:///tmp/.../manifests.ts:12:5"
    const report = r.stdout + r.stderr;
    const errors = [...report.matchAll(/^(TS\d+ \[ERROR\]: .+)\n(?:.*\n)*?\s+at \S+:(\d+):\d+/gm)];
    assert(r.code === 0 || errors.length > 0, `deno check failed unexpectedly:\n${report}`);
    for (const [, message, line] of errors) {
      const i = ranges.findIndex(([a, b]) => Number(line) >= a && Number(line) <= b);
      assert(i >= 0, `deno check: an error outside the manifests:\n${report}`);
      found[i].push(`strict: ${message} (${JSON.stringify(lines[Number(line) - 1].trim())})`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return found;
}

Deno.test("deploy/k8s: every manifest passes the Kubernetes API schema, strictly; broken copies are rejected", async () => {
  const all = await manifests();
  const kinds = all.map(({ file, doc }) => `${file}: ${doc.apiVersion} ${doc.kind}`);
  assertEquals(kinds, [
    "job.yaml: batch/v1 Job",
    "merge-job.yaml: batch/v1 Job",
    "pvc.yaml: v1 PersistentVolumeClaim",
  ]);
  const job = all.find(({ file }) => file === "job.yaml")!.doc;
  const pvc = all.find(({ file }) => file === "pvc.yaml")!.doc;
  // Each copy breaks one thing; `expect` is the field the rejection must name.
  const broken: { what: string; doc: Doc; expect: string }[] = [];
  const mutate = (what: string, base: Doc, expect: string, change: (d: Doc) => void) => {
    const doc = structuredClone(base);
    change(doc);
    broken.push({ what, doc, expect });
  };
  mutate("completionMode: Indexd", job, "completionMode", (d) => d.spec.completionMode = "Indexd");
  mutate('completions: "100"', job, "completions", (d) => d.spec.completions = "100");
  mutate("a container field misspelt (evn)", job, "evn", (d) => {
    const c = d.spec.template.spec.containers[0];
    c.evn = c.env;
    delete c.env;
  });
  mutate("an unknown field in the Job spec", job, "completionIndex", (d) => {
    d.spec.completionIndex = 0;
  });
  mutate('memory limit "8 gigs"', job, "memory", (d) => {
    d.spec.template.spec.containers[0].resources.limits.memory = "8 gigs";
  });
  mutate("restartPolicy: Nevr", job, "restartPolicy", (d) => {
    d.spec.template.spec.restartPolicy = "Nevr";
  });
  mutate("a container without a name", job, "name", (d) => {
    delete d.spec.template.spec.containers[0].name;
  });
  mutate("accessModes: [ReadWriteMeny]", pvc, "accessModes", (d) => {
    d.spec.accessModes = ["ReadWriteMeny"];
  });
  mutate("storage request 7 TB-ish", pvc, "storage", (d) => {
    d.spec.resources.requests.storage = "7 TB";
  });

  const found = await problems([...all.map((m) => m.doc), ...broken.map((b) => b.doc)]);
  all.forEach(({ file, doc }, i) => {
    assertEquals(found[i], [], `${file} (${doc.metadata.name})`);
  });
  broken.forEach(({ what, expect }, i) => {
    const mine = found[all.length + i];
    assert(mine.length > 0, `${what}: accepted, but the Kubernetes API rejects it`);
    assert(
      mine.some((p) => p.includes(expect)),
      `${what}: rejected, but not for ${expect}:\n${mine.join("\n")}`,
    );
  });
});

/** The PIDs of `pid` and every process under it (a pod's container: all of them go together). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of Deno.readDirSync("/proc")) {
    const p = Number(e.name);
    if (!Number.isInteger(p)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${p}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), p]);
    } catch {
      // Exited meanwhile.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

Deno.test({
  name:
    "deploy/k8s: Indexed Job pods 0..N-1 (one SIGKILLed mid-clip and retried) and the merge Job equal one unsharded render",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const all = await manifests();
    const job = all.find(({ file }) => file === "job.yaml")!.doc;
    const mergeJob = all.find(({ file }) => file === "merge-job.yaml")!.doc;
    const render = job.spec.template.spec.containers[0];
    const countEnv = render.env.find((e: Doc) => e.name === "SYNTHVID_SHARD_COUNT");
    assertEquals(
      Number(countEnv.value),
      job.spec.completions,
      "SYNTHVID_SHARD_COUNT = completions",
    );
    assert(job.spec.backoffLimitPerIndex >= 1, "a failed pod is retried");

    // The Job as a user scales it down: completions and SYNTHVID_SHARD_COUNT both N, every pod at
    // once (N <= parallelism), a small scene and clip count in place of the manifest's.
    const N = 3;
    const clips = 10;
    assert(N <= job.spec.parallelism);
    const tmp = await Deno.makeTempDir({ prefix: "synthvid_k8s_job_" });
    const scene = `${tmp}/scene/scene.yaml`;
    await Deno.mkdir(`${tmp}/scene`);
    await Deno.writeTextFile(scene, shardScene("rgb, depth, preview"));
    const out = `${tmp}/volume/default`;
    const outArg = render.args[render.args.indexOf("--out") + 1];
    // Clips of ~0.3 s here, so a pod is mid-clip long enough to be killed there.
    const extra = ["--frames", "96", "--size", "64x64"];
    const set: Record<string, string> = { "--scene": scene, "--out": out, "--clips": `${clips}` };
    const args = render.args.map((a: string, i: number) => set[render.args[i - 1]] ?? a);
    for (const flag of Object.keys(set)) {
      assert(render.args.includes(flag), `job.yaml sets ${flag}`);
    }
    const env = Object.fromEntries(render.env.map((e: Doc) => [e.name, e.value]));
    env.SYNTHVID_SHARD_COUNT = String(N);
    env.XDG_RUNTIME_DIR = "/tmp";
    // A container's command as given (node_modules/.bin/deno in the image's WORKDIR = ROOT here).
    const container = (c: Doc, args: string[], env: Record<string, string>) =>
      new Deno.Command(`${ROOT}/${c.command[0]}`, {
        args: [...c.command.slice(1), ...args],
        cwd: ROOT,
        env,
        stdout: "piped",
        stderr: "piped",
      });
    const pod = (index: number) =>
      container(render, [...args, ...extra], { ...env, JOB_COMPLETION_INDEX: String(index) })
        .spawn();
    const text = (o: Deno.CommandOutput) =>
      new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
    // The merge Job's containers read the render Job's --out: point them at the same folder.
    const mergeArgs = (c: Doc) =>
      c.args.map((a: string) =>
        a === outArg || a.startsWith(`${outArg}-`) ? out + a.slice(outArg.length) : a
      );
    const mergePod = mergeJob.spec.template.spec;
    const [merge, pack] = [...mergePod.initContainers, ...mergePod.containers];

    try {
      const KILLED = 1;
      const pods = Array.from({ length: N }, (_, k) => pod(k));
      // Pod 1 dies mid-clip, after its first clip: the kubelet kills the container's processes.
      assert(
        await clipInProgress(out, KILLED, N, { finished: 1 }),
        `pod ${KILLED} never had a clip in progress`,
      );
      const killed = processTree(pods[KILLED].pid);
      for (const pid of killed) Deno.kill(pid, "SIGKILL");
      const results = await Promise.all(pods.map((p) => p.output()));
      results.forEach((r, k) => {
        if (k === KILLED) assertEquals(r.signal, "SIGKILL", `pod ${k}: ${text(r)}`);
        else assertEquals(r.code, 0, `pod ${k}: ${text(r)}`);
      });
      const partial = [...Deno.readDirSync(`${out}/.partial-shard-${KILLED}-of-${N}`)];
      assert(partial.some((e) => e.name.startsWith("clip_")), "the killed pod left a partial clip");

      // A merge before the retry fails, naming the killed pod's unfinished clips.
      const early = await container(merge, mergeArgs(merge), {}).output();
      assert(early.code !== 0, `merge passed with pod ${KILLED} unfinished: ${text(early)}`);
      const last = shardClips(clips, { index: KILLED, count: N }).at(-1);
      assert(new RegExp(`missing: .*\\b${last}\\b`).test(text(early)), text(early));

      // The retry (same index, same volume) keeps the finished clip and renders the rest; the
      // unsharded reference renders meanwhile.
      const [retry] = await Promise.all([
        pod(KILLED).output(),
        reference(scene, `${tmp}/reference`, ["--clips", String(clips), ...extra]),
      ]);
      assertEquals(retry.code, 0, text(retry));
      assert(/kept [1-9]\d* finished clip\(s\)/.test(text(retry)), text(retry));

      // Pod k wrote exactly shard k's clips: together every clip once.
      const listed: number[] = [];
      for (let k = 0; k < N; k++) {
        const lines = (await Deno.readTextFile(`${out}/manifest.shard-${k}-of-${N}.jsonl`)).trim()
          .split("\n").map((l) => JSON.parse(l).clip);
        assertEquals(lines, shardClips(clips, { index: k, count: N }), `pod ${k}'s clips`);
        listed.push(...lines);
      }
      assertEquals(listed, Array.from({ length: clips }, (_, i) => i), "every clip once");

      // The merge Job: the init container (merge --verify --clean), then pack.
      for (const c of [merge, pack]) {
        const r = await container(c, mergeArgs(c), {}).output();
        assertEquals(r.code, 0, `${c.name}: ${text(r)}`);
      }
      await assertSameDataset(out, `${tmp}/reference`, clips, "Indexed Job");
      const packOut = mergeArgs(pack)[mergeArgs(pack).indexOf("--out") + 1];
      const index = JSON.parse(await Deno.readTextFile(`${packOut}/index.json`));
      assertEquals(
        // deno-lint-ignore no-explicit-any
        index.shards.flatMap((s: any) => s.clips.map((c: any) => c.clip)),
        Array.from({ length: clips }, (_, i) => i),
        "the packed shards hold every clip once",
      );
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
