// Tests for the dataset viewer (viewer/): the server's path safety and byte ranges, and the
// page itself in Debian's headless Chromium driven by playwright-core, on a real 2-clip dataset
// rendered by the runner at a small size.
//
// Needs: /usr/bin/chromium (apt-get install chromium) and --allow-all (playwright-core reads
// files and variables of its own choosing; the server needs 127.0.0.1).
// Without them the browser tests are skipped with a warning, unless SYNTHVID_REQUIRE_READERS=1,
// where a missing piece is a failure. SYNTHVID_VIEWER_SCREENSHOT=<path.png> also saves a
// screenshot of the clip page (how docs/viewer.png was made).

import { decode } from "fast-png";
import type { Page } from "playwright-core";
import { definePlugin } from "../engine/plugin/contract.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";
import { instanceColor } from "../engine/dataset/preview.ts";
import { encodeWav } from "../engine/audio/wav.ts";
import { builtins } from "../plugins/mod.ts";
import { parseArgs, parseRange, startViewer } from "../viewer/server.ts";
import { relativeSegments } from "../viewer/safe_path.ts";
import { buildIndex } from "../viewer/dataset_index.ts";
import { assert, assertEquals } from "./assert.ts";
import { renderTestScene } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--force-color-profile=srgb", // screenshot pixels must be the page's own sRGB values
];

/** False (with a warning) when a prerequisite is missing; throws if readers are required. */
function available(ok: boolean, message: string): boolean {
  if (ok) return true;
  if (Deno.env.get("SYNTHVID_REQUIRE_READERS") === "1") throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** playwright-core reads files and env vars of its own choosing (WSL probes, temp dirs): it needs -A. */
async function haveAllPermissions(): Promise<boolean> {
  const names = ["read", "write", "net", "env", "run", "ffi", "sys"] as const;
  for (const name of names) {
    if ((await Deno.permissions.query({ name })).state !== "granted") return false;
  }
  return true;
}

const HAVE_ALL = await haveAllPermissions();
const HAVE_NET =
  (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted";
const NEED_NET = "the viewer server tests need --allow-net=127.0.0.1 (or -A)";
const NEED_ALL = "the viewer tests need --allow-all (playwright-core and a loopback server); " +
  "run: deno test -A tests/viewer_test.ts";
const HAVE_CHROMIUM = await exists(CHROMIUM);

const test = (name: string, fn: () => Promise<void> | void) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

// ---------------------------------------------------------------- pure parts

test("relativeSegments refuses every way out of the folder", () => {
  for (
    const bad of [
      "..",
      "../x",
      "a/../../x",
      "/etc/passwd",
      "a//b",
      "./a",
      "C:/x",
      "a\\..\\b",
      "a\0",
    ]
  ) {
    assertEquals(relativeSegments(bad), null, bad);
  }
  assertEquals(relativeSegments("clip_00000/audio/mix.wav"), ["clip_00000", "audio", "mix.wav"]);
  assertEquals(relativeSegments("a..b/c"), ["a..b", "c"]); // dots inside a name are fine
});

test("parseRange reads the three byte-range forms and refuses the rest", () => {
  assertEquals(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
  assertEquals(parseRange("bytes=90-", 100), { start: 90, end: 99 });
  assertEquals(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  assertEquals(parseRange("bytes=50-500", 100), { start: 50, end: 99 });
  assertEquals(parseRange("bytes=100-", 100), null);
  assertEquals(parseRange("bytes=5-2", 100), null);
  assertEquals(parseRange("items=0-1", 100), null);
});

test("parseArgs: DIR defaults to out, --port takes a number", () => {
  assertEquals(parseArgs([]), { dir: "out", port: null });
  assertEquals(parseArgs(["data/x", "--port", "9001"]), { dir: "data/x", port: 9001 });
  assertEquals(parseArgs(["--port=0", "d"]), { dir: "d", port: 0 });
  let failed = 0;
  for (const bad of [["--port", "x"], ["a", "b"], ["--verbose"]]) {
    try {
      parseArgs(bad);
    } catch {
      failed++;
    }
  }
  assertEquals(failed, 3);
});

test("buildIndex joins per-shard manifests and summarises labels.json for the charts", async () => {
  const root = await Deno.makeTempDir();
  try {
    const labels = {
      frames: 4,
      fps: 8,
      size: [16, 12],
      objects: [
        { id: 1, class: "floor", material: { color: [0.2, 0.2, 0.2] } },
        { id: 2, class: "cup", material: { color: [0.5, 0, 0], colorName: "red" } },
      ],
      events: [{ verb: "push", subjects: [2], start: 1, end: 3, label: "Pushing a red cup" }],
      sampled: {
        scene: {
          lights: [{ type: "point", color: [1, 1, 1] }, { type: "spot", color: [1, 0.5, 0] }],
        },
        cam: { move: "orbit", speed: 0.5, path: [[0, 0, 0]] },
      },
      plugins: { cam: { distance: 3 }, pose: { keypoints: [[1, 2]] } },
    };
    for (const dir of ["clip_00000", "clip_00001", "clip_00002"]) {
      await Deno.mkdir(`${root}/${dir}`);
      await Deno.writeTextFile(`${root}/${dir}/labels.json`, JSON.stringify(labels));
    }
    const line = (clip: number, status = "ok") =>
      JSON.stringify({ clip, dir: `clip_0000${clip}`, status, frames: 4 });
    await Deno.writeTextFile(
      `${root}/manifest.shard-1-of-2.jsonl`,
      `${line(1)}\n${line(2, "failed")}\nnot json\n`,
    );
    await Deno.writeTextFile(`${root}/manifest.shard-0-of-2.jsonl`, `${line(0)}\n${line(2)}\n`);
    const index = await buildIndex(await Deno.realPath(root));
    assertEquals(index.clips.map((c) => [c.dir, c.shard, c.status]), [
      ["clip_00000", "0/2", "ok"],
      ["clip_00001", "1/2", "ok"],
      ["clip_00002", "0/2", "ok"], // finished in shard 0 although shard 1 failed it
    ]);
    assertEquals(index.skippedLines, 1);
    const clip = index.clips[0];
    assertEquals(clip.classes, { floor: 1, cup: 1 });
    assertEquals(clip.colors, { red: 1 }); // scenery (the floor) is left out of the colour chart
    assertEquals(clip.events, [{ verb: "push", label: "Pushing a red cup", start: 1, end: 3 }]);
    assertEquals(clip.values, {
      "sampled.scene.lights[].type": ["point", "spot"],
      "sampled.scene.lights[].color": ["#ffffff", "#ff8000"],
      "sampled.cam.move": ["orbit"],
      "sampled.cam.speed": [0.5],
      "recorded.cam.distance": [3],
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------- a real dataset

const SCENE = `
name: viewer_test
seed: 3
clips: 2
frames: 6
fps: 12
size: [64, 48]
outputs: [rgb, depth, normals, instance, flow, preview]
camera: { position: [0, 1.2, 3.2], look_at: [0, 0.4, 0], fov: 45 }
background: [0.55, 0.68, 0.85]
ambient: { color: [1, 1, 1], intensity: 0.4 }
lights:
  - { type: directional, direction: [-0.5, -1, -0.4], color: [1, 1, 1], intensity: 3 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [8, 1, 8], color: [0.5, 0.5, 0.5] }
  - name: ball
    class: ball
    mesh: sphere
    scale: 1.0
    color: "#d62728"
    motion:
      - { frame: 0, position: [-0.3, 0.5, 0.3] }
      - { frame: 5, position: [0.3, 0.5, 0.3] }
  - { name: box, class: box, mesh: cube, position: [0.9, 0.3, -0.6], scale: 0.6, color: "#e8c547" }
plugins:
  - { use: action/viewer_fixture, name: fixture }
`;

/**
 * A plugin that leaves what the viewer shows beyond pixels: an event, a caption, a keypoint
 * skeleton across the ball's box (recorded from the rendered labels) and a sound.
 */
const viewerFixture = definePlugin({
  id: "action/viewer_fixture",
  kind: "action",
  description: "test fixture for the viewer",
  defaults: {},
  create() {
    const points: number[][][] = [];
    return {
      clipStart(ctx) {
        const ball = ctx.scene.objects.find((o) => o.name === "ball")!;
        ctx.emit({
          verb: "roll",
          subjects: [ball.id],
          start: 0,
          end: ctx.frames - 1,
          label: "Rolling a red ball",
        });
        ctx.caption({ style: "short", text: `A red ball rolls to the right (clip ${ctx.clip}).` });
        const samples = new Float32Array(ctx.frames / ctx.fps * 48000);
        for (let i = 0; i < 4800; i++) samples[9600 + i] = Math.sin(i / 8) * Math.exp(-i / 900);
        ctx.addAudio({
          name: "thump",
          instance: ball.id,
          kind: "impact",
          sampleRate: 48000,
          samples,
          onsets: [0.2],
        });
      },
      rendered(ctx, frame) {
        const ball = ctx.scene.objects.find((o) => o.name === "ball")!;
        const box = frame.labels[ball.id - 1]?.bbox;
        points[frame.meta.frame] = box
          ? [[box[0], box[1], 1], [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 1], [
            box[2],
            box[3],
            1,
          ]]
          : [];
      },
      clipEnd(ctx) {
        const ball = ctx.scene.objects.find((o) => o.name === "ball")!;
        ctx.record("keypoints", { id: ball.id, edges: [[0, 1], [1, 2]], frames: points });
      },
    };
  },
});

/**
 * The engine collects sounds but, until the runner writes them, audio.json and the stems are
 * written here in the layout of engine/audio/mix.ts, so the page's audio panel has input.
 */
async function ensureAudio(clipDir: string, ballId: number): Promise<void> {
  if (await exists(`${clipDir}/audio.json`)) return;
  const rate = 48000, length = rate / 2;
  const thump = new Float32Array(length), air = new Float32Array(length);
  for (let i = 0; i < 4800; i++) thump[9600 + i] = 0.8 * Math.sin(i / 8) * Math.exp(-i / 900);
  for (let i = 0; i < length; i++) air[i] = 0.05 * Math.sin(i / 3);
  const mix = thump.map((v, i) => v + air[i]);
  await Deno.mkdir(`${clipDir}/audio/stems`, { recursive: true });
  await Deno.writeFile(`${clipDir}/audio/stems/thump.wav`, encodeWav([thump, thump], rate));
  await Deno.writeFile(`${clipDir}/audio/stems/air.wav`, encodeWav([air, air], rate));
  await Deno.writeFile(`${clipDir}/audio/mix.wav`, encodeWav([mix, mix], rate));
  await Deno.writeTextFile(
    `${clipDir}/audio.json`,
    JSON.stringify({
      sample_rate: rate,
      mix: "audio/mix.wav",
      sources: [
        {
          name: "thump",
          instance: ballId,
          kind: "impact",
          stem: "audio/stems/thump.wav",
          active: [[0.2, 0.3]],
          events: [{ emitted: 0.2, heard: 0.2 }],
        },
        {
          name: "air",
          instance: "scene",
          kind: "ambience",
          stem: "audio/stems/air.wav",
          active: [[0, 0.5]],
          events: [],
        },
      ],
    }),
  );
}

let dataset: Promise<{ out: string; dir: string }> | undefined;

/** Renders the test dataset once per test process. */
function renderDataset() {
  return dataset ??= (async () => {
    const { out, dir } = await renderTestScene(SCENE, { registry: [...builtins, viewerFixture] });
    const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
    const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
    await ensureAudio(`${out}/clip_00000`, ball.id);
    // A file outside the dataset folder, and links inside it that point there.
    await Deno.writeTextFile(`${dir}/secret.txt`, "TOP SECRET 9f3a");
    await Deno.symlink(`${dir}/secret.txt`, `${out}/escape.txt`);
    await Deno.symlink(dir, `${out}/clip_00000/up`);
    return { out, dir };
  })();
}

/** Pixel of instance `id` at frame t whose 3×3 neighbourhood is all `id`, farthest from an edge. */
function interiorPixel(
  ids: ArrayLike<number>,
  width: number,
  height: number,
  t: number,
  id: number,
) {
  const base = t * width * height;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let inside = true;
      for (let dy = -1; dy <= 1 && inside; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (ids[base + (y + dy) * width + x + dx] !== id) inside = false;
        }
      }
      if (inside) return { x, y };
    }
  }
  throw new Error(`instance ${id} has no interior pixel in frame ${t}`);
}

// ---------------------------------------------------------------- server

test("server serves dataset files, ranges included, and refuses every path out of DIR", async () => {
  if (!available(HAVE_NET, NEED_NET)) return;
  const { out } = await renderDataset();
  const viewer = await startViewer({ dir: out, port: 0 });
  try {
    const get = (path: string, init?: RequestInit) => fetch(viewer.url + path.slice(1), init);

    const labels = await get("/data/clip_00000/labels.json");
    assertEquals(labels.status, 200);
    assertEquals((await labels.json()).size, [64, 48]);

    const whole = new Uint8Array(await (await get("/data/clip_00000/rgb.mp4")).arrayBuffer());
    const part = await get("/data/clip_00000/rgb.mp4", { headers: { range: "bytes=4-11" } });
    assertEquals(part.status, 206);
    assertEquals(part.headers.get("content-range"), `bytes 4-11/${whole.length}`);
    assertEquals([...new Uint8Array(await part.arrayBuffer())], [...whole.subarray(4, 12)]);
    assertEquals(new TextDecoder().decode(whole.subarray(4, 8)), "ftyp");

    const index = await (await get("/api/index")).json();
    assertEquals(index.clips.map((c: { dir: string }) => c.dir), ["clip_00000", "clip_00001"]);
    assertEquals(index.clips[0].classes, { floor: 1, ball: 1, box: 1 });
    assertEquals(index.clips[0].colors, { "#d62728": 1, "#e8c547": 1 }); // sRGB as in the YAML
    assertEquals(index.clips[0].events[0].verb, "roll");

    const files = (await (await get("/api/files?dir=clip_00000")).json()).files as string[];
    assert(
      files.includes("clip_00000/instance.npy") &&
        files.includes("clip_00000/audio/stems/thump.wav"),
    );
    assert(!files.some((f) => f.includes("secret")), "listing follows no link out of DIR");

    const escapes = [
      "/data/%2e%2e/secret.txt",
      "/data/..%2fsecret.txt",
      "/data/clip_00000/..%2f..%2fsecret.txt",
      "/data/%2F" + encodeURIComponent(`${out}/../secret.txt`.slice(1)),
      "/data//etc/passwd",
      "/data/escape.txt",
      "/data/clip_00000/up/secret.txt",
      "/api/files?dir=..",
      "/static/..%2f..%2fdeno.json",
    ];
    for (const path of escapes) {
      const response = await get(path);
      const body = await response.text();
      assert(
        response.status === 403 || response.status === 404,
        `${path} answered ${response.status}`,
      );
      assert(!body.includes("TOP SECRET") && !body.includes("root:"), `${path} leaked content`);
    }
    assertEquals((await get("/data/clip_00000/labels.json", { method: "POST" })).status, 405);
    await (await get("/data/clip_00000")).body?.cancel(); // a folder is not a file: no listing
  } finally {
    await viewer.shutdown();
  }
});

test("startViewer walks to the next port when the asked one is taken", async () => {
  if (!available(HAVE_NET, NEED_NET)) return;
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dir = await Deno.makeTempDir();
  try {
    const taken = (blocker.addr as Deno.NetAddr).port;
    const viewer = await startViewer({ dir, port: taken, tryNextPorts: 20 });
    assert(viewer.port > taken && viewer.port <= taken + 20, `got port ${viewer.port}`);
    assertEquals(viewer.url, `http://127.0.0.1:${viewer.port}/`);
    await viewer.shutdown();
  } finally {
    blocker.close();
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------- the page in Chromium

/** Sets the overlay opacity slider as a user would (a range input cannot be typed into). */
async function setOpacity(page: Page, value: number): Promise<void> {
  // A string expression: this test type-checks without the DOM library.
  await page.evaluate(`(() => {
    const opacity = document.querySelector(".opacity");
    opacity.value = "${value}";
    opacity.dispatchEvent(new Event("input"));
  })()`);
}

test("viewer page in headless Chromium: index lists clips, mask overlay shows instance colours", async () => {
  if (!available(HAVE_ALL, NEED_ALL)) return;
  if (
    !available(HAVE_CHROMIUM, `${CHROMIUM} not found; install it with: apt-get install chromium`)
  ) return;
  const { out } = await renderDataset();
  // Imported here: playwright-core's module code probes the file system as it loads, which
  // fails without --allow-all, and the rest of this file should still run then.
  const { chromium } = await import("playwright-core");
  const viewer = await startViewer({ dir: out, port: 0 });
  const profile = await Deno.makeTempDir({ prefix: "synthvid_chromium_" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // Index: both clips, with captions and action labels; the search filters the grid.
    await page.goto(viewer.url);
    await page.waitForSelector("#app[data-ready=index]");
    assertEquals(await page.locator(".clip-card").count(), 2);
    const names = await page.locator(".clip-name").allTextContents();
    assertEquals(names, ["clip_00000", "clip_00001"]);
    const firstCard = await page.locator(".clip-card").first().textContent();
    assert(
      firstCard?.includes("Rolling a red ball") && firstCard.includes("A red ball rolls"),
      firstCard ?? "",
    );
    assert(await page.locator("figure.chart").count() >= 2, "class and action charts are drawn");
    await page.fill("#search", "clip 1)");
    assertEquals(await page.locator(".clip-name").allTextContents(), ["clip_00001"]);

    // Clip page at frame 3: the pixel under the ball turns to the ball's mask colour.
    const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
    const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
    const instance = decodeNpy(await Deno.readFile(`${out}/clip_00000/instance.npy`));
    const [, height, width] = instance.shape;
    const t = 3;
    const { x, y } = interiorPixel(instance.data, width, height, t, ball.id);

    await page.goto(`${viewer.url}#/clip/clip_00000?t=${t}`);
    await page.waitForSelector("#app[data-ready=clip]");
    await page.waitForSelector(`.stage[data-frame="${t}"]`);
    await setOpacity(page, 1);
    const stage = (await page.locator(".stage").boundingBox())!;
    const scale = stage.width / width;
    const at = { x: stage.x + (x + 0.5) * scale, y: stage.y + (y + 0.5) * scale };
    const pixel = async () => {
      const png = decode(
        await page.screenshot({
          clip: { x: Math.floor(at.x), y: Math.floor(at.y), width: 1, height: 1 },
        }),
      );
      return [...png.data.slice(0, 3)];
    };
    const expected = instanceColor(ball.id);
    // The video must show frame t before the "before" pixel is read, or it could change later.
    await page.waitForFunction(`(() => {
      const video = document.querySelector(".stage video");
      return video.readyState >= 2 && !video.seeking;
    })()`);
    const before = await pixel();
    // Under the mask pixel the video shows the red ball (so video and labels line up).
    assert(before[0] > 2 * before[1] && before[0] > 2 * before[2], `not the red ball: ${before}`);
    assert(before.join() !== expected.join(), `before the mask the pixel is the render: ${before}`);

    await page.click("input[data-layer=mask]");
    await page.waitForSelector(".stage[data-layers*=mask]");
    assertEquals(await pixel(), expected, "mask pixel is the ball's instance colour");

    // Hover names the object under the pointer.
    await page.mouse.move(at.x, at.y);
    const tip = await page.locator(".tooltip").textContent();
    assert(tip?.startsWith(`#${ball.id} ball`), `tooltip: ${tip}`);

    // Switching the mask off brings the render back.
    await page.click("input[data-layer=mask]");
    await page.waitForSelector(".stage:not([data-layers*=mask])");
    assertEquals(await pixel(), before);

    // The other overlays load and draw without errors; stems get mute/solo rows.
    for (const layer of ["depth", "normals", "flow", "boxes", "keypoints"]) {
      await page.click(`input[data-layer=${layer}]`);
    }
    await page.waitForSelector(".stage[data-layers*=flow]");
    const audio = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/audio.json`));
    assertEquals(await page.locator(".stem").count(), audio.sources.length);
    await page.locator(".legend").first().waitFor();
    await page.mouse.move(0, 0);

    // Playing runs the overlays along with the video to the last frame; the scrubber seeks it.
    await page.click(".transport button");
    await page.waitForSelector(`.stage[data-frame="${labels.frames - 1}"]`, { timeout: 10_000 });
    await page.waitForSelector(".transport button:text('play')");
    await page.evaluate(`(() => {
      const scrubber = document.querySelector(".scrubber");
      scrubber.value = "2";
      scrubber.dispatchEvent(new Event("input"));
    })()`);
    await page.waitForSelector('.stage[data-frame="2"]');
    const videoTime = Number(
      await page.evaluate(`document.querySelector(".stage video").currentTime`),
    );
    assertEquals(Math.floor(videoTime * labels.fps), 2, `video time ${videoTime} shows frame 2`);

    const screenshotPath = Deno.env.get("SYNTHVID_VIEWER_SCREENSHOT");
    if (screenshotPath) {
      await page.click("input[data-layer=depth]");
      await page.click("input[data-layer=normals]");
      await setOpacity(page, 0.55);
      await page.screenshot({ path: screenshotPath, fullPage: false });
    }
    assertEquals(pageErrors, []);
  } finally {
    await browser.close();
    await viewer.shutdown();
    await Deno.remove(profile, { recursive: true });
  }
});
