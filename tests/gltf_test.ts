import { Document, NodeIO, Primitive } from "@gltf-transform/core";
import { encode } from "fast-png";
import { mat4 } from "wgpu-matrix";
import jpegJs from "jpeg-js";
import { importedMaterial, loadGltf } from "../engine/scene/gltf.ts";
import type { Texture } from "../engine/scene/scene.ts";
import { TEST_GLB, testTexel, writeTestGlb } from "./fixtures/make_gltf.ts";
import { renderTestScene } from "./helpers.ts";
import { readerAvailable, runs } from "./readers.ts";

function assert(condition: boolean, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

function equal(actual: unknown, expected: unknown, message = ""): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  assert(a === b, `${message} expected ${b}, got ${a}`);
}

function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  const ok = actual.length === expected.length &&
    Array.from(actual).every((x, i) => Math.abs(x - expected[i]) <= tolerance);
  assert(ok, `expected ${Array.from(expected)}, got ${Array.from(actual)}`);
}

async function rejects(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  try {
    await promise;
  } catch (e) {
    assert(e instanceof Error, `not an Error: ${e}`);
    for (const f of fragments) assert(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return;
  }
  throw new Error("expected a rejection");
}

/** Writes a one-node GLB holding a single triangle that `edit` may change. */
async function writeTriangleGlb(
  path: string,
  edit: (doc: Document, prim: Primitive) => void,
): Promise<void> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
  const prim = doc.createPrimitive()
    .setAttribute("POSITION", doc.createAccessor().setType("VEC3").setArray(positions));
  edit(doc, prim);
  for (const accessor of doc.getRoot().listAccessors()) accessor.setBuffer(buffer);
  const mesh = doc.createMesh("tri").addPrimitive(prim);
  doc.createScene().addChild(doc.createNode("only").setMesh(mesh));
  await Deno.writeFile(path, await new NodeIO().writeBinary(doc));
}

Deno.test("loadGltf reads the fixture hierarchy, material and texture", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/box.glb`;
    await writeTestGlb(path);
    const asset = await loadGltf(path);
    equal(asset.parts.length, 1);
    const part = asset.parts[0];
    equal(part.name, "child");

    const expected = mat4.multiply(
      mat4.translation(TEST_GLB.parentTranslation),
      mat4.multiply(mat4.fromQuat(TEST_GLB.childRotation), mat4.scaling(TEST_GLB.childScale)),
    );
    near(part.matrix, expected);

    near(part.baseColor, TEST_GLB.baseColor);
    near([part.roughness, part.metalness], [TEST_GLB.roughness, TEST_GLB.metalness]);
    assert(part.texture !== undefined, "texture missing");
    equal([part.texture.width, part.texture.height], [4, 4]);
    const o = (2 * 4 + 1) * 4;
    equal(Array.from(part.texture.data.subarray(o, o + 4)), testTexel(1, 2));

    equal(part.mesh.positions.length, 24 * 3);
    equal(part.mesh.indices.length, 36);
    equal(part.mesh.convex, true);
    // Unit box scaled by 2, turned about Y, moved by (1, 2, 3).
    near(asset.bounds.min, [0, 1, 2], 1e-5);
    near(asset.bounds.max, [2, 3, 4], 1e-5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGltf names the file when it is not glTF", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/notes.glb`;
    await Deno.writeTextFile(path, "this is not a model");
    await rejects(loadGltf(path), path);
    await rejects(loadGltf(`${dir}/missing.gltf`), `${dir}/missing.gltf`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGltf rejects non-triangle primitives naming file and mesh", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/lines.glb`;
    await writeTriangleGlb(path, (_, prim) => prim.setMode(Primitive.Mode.LINES));
    await rejects(loadGltf(path), path, `"tri"`, "TRIANGLES");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGltf names file and texture of a broken JPEG, and other formats", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/jpeg.glb`;
    await writeTriangleGlb(path, (doc, prim) => {
      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
      const texture = doc.createTexture("photo").setImage(jpeg).setMimeType("image/jpeg");
      prim.setMaterial(doc.createMaterial().setBaseColorTexture(texture));
    });
    await rejects(loadGltf(path), path, `"photo"`);
    const webp = `${dir}/webp.glb`;
    await writeTriangleGlb(webp, (doc, prim) => {
      const bytes = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ");
      const texture = doc.createTexture("pic").setImage(bytes).setMimeType("image/webp");
      prim.setMaterial(doc.createMaterial().setBaseColorTexture(texture));
    });
    await rejects(loadGltf(webp), webp, "image/webp", "only PNG and JPEG");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A w×h RGBA8 image from a per-texel function. */
function image(w: number, h: number, f: (x: number, y: number) => number[]): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
  return data;
}

Deno.test("loadGltf imports normal, metallic-roughness, occlusion and emissive maps (PNG and JPEG)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/pbr.glb`;
    const normal = image(2, 2, (x, y) => [128 + 60 * x, 128 - 60 * y, 230, 255]);
    const orm = image(2, 2, (x) => [200, x ? 255 : 64, x ? 0 : 255, 255]);
    // a flat-colour JPEG: lossy, but a uniform block decodes to (nearly) its colour
    const emissive =
      jpegJs.encode({ width: 8, height: 8, data: image(8, 8, () => [250, 120, 10, 255]) }, 95).data;
    await writeTriangleGlb(path, (doc, prim) => {
      prim.setAttribute(
        "TEXCOORD_0",
        doc.createAccessor().setType("VEC2").setArray(new Float32Array([0, 0, 1, 0, 0, 1])),
      );
      prim.setAttribute(
        "NORMAL",
        doc.createAccessor().setType("VEC3").setArray(
          new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]),
        ),
      );
      const png = (data: Uint8Array) =>
        encode({ width: 2, height: 2, data, channels: 4, depth: 8 });
      const ormTexture = doc.createTexture("orm").setImage(png(orm)).setMimeType("image/png");
      prim.setMaterial(
        doc.createMaterial("pbr")
          .setRoughnessFactor(0.5)
          .setMetallicFactor(0.75)
          .setNormalTexture(
            doc.createTexture("normal").setImage(png(normal)).setMimeType("image/png"),
          )
          .setNormalScale(0.8)
          .setMetallicRoughnessTexture(ormTexture)
          .setOcclusionTexture(ormTexture)
          .setOcclusionStrength(0.6)
          .setEmissiveFactor([1, 0.5, 0.25])
          .setEmissiveTexture(
            doc.createTexture("glow").setImage(emissive).setMimeType("image/jpeg"),
          ),
      );
    });
    const [part] = (await loadGltf(path)).parts;
    equal(Array.from(part.normalTexture?.data ?? []), Array.from(normal));
    equal(part.normalScale, 0.8);
    equal(Array.from(part.metalRoughTexture?.data ?? []), Array.from(orm));
    assert(part.occlusionTexture === part.metalRoughTexture, "one image for O and MR");
    near([part.occlusionStrength!], [0.6]);
    near(part.emissive!, [1, 0.5, 0.25]);
    const glow = part.emissiveTexture!;
    equal([glow.width, glow.height], [8, 8]);
    near(Array.from(glow.data.subarray(0, 4)), [250, 120, 10, 255], 4);

    const textures = new Map<string, Texture>();
    const material = importedMaterial("lamp", part, textures);
    equal(material.normalTexture, "lamp/only#normal");
    equal(material.normalScale, 0.8);
    equal(material.metalRoughTexture, "lamp/only#metal_rough");
    equal(material.occlusionTexture, "lamp/only#metal_rough"); // packed: one layer for both
    near([material.occlusionStrength!], [0.6]);
    equal(material.emissiveTexture, "lamp/only#emissive");
    near(material.emissive!, [1, 0.5, 0.25]);
    equal([material.roughness, material.metalness], [0.5, 0.75]);
    equal(material.texture, undefined);
    equal([...textures.keys()].sort(), [
      "lamp/only#emissive",
      "lamp/only#metal_rough",
      "lamp/only#normal",
    ]);
    assert(textures.get("lamp/only#normal") === part.normalTexture, "texture registered as is");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGltf fills in normals, uvs, indices and the default material", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bare.glb`;
    await writeTriangleGlb(path, () => {});
    const [part] = (await loadGltf(path)).parts;
    equal(Array.from(part.mesh.indices), [0, 1, 2]);
    equal(Array.from(part.mesh.normals), [0, 0, 1, 0, 0, 1, 0, 0, 1]);
    equal(Array.from(part.mesh.uvs), [0, 0, 0, 0, 0, 0]);
    equal(part.mesh.convex, false); // a lone triangle is not a closed solid
    equal([part.baseColor, part.roughness, part.metalness], [[1, 1, 1, 1], 1, 1]);
    equal(part.texture, undefined);
    near(part.matrix, mat4.identity());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGltf expands 16-bit grey PNG textures to RGBA8", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/grey.glb`;
    const grey = new Uint16Array([0, 0x8000, 0xffff, 0x1234]);
    await writeTriangleGlb(path, (doc, prim) => {
      const png = encode({ width: 2, height: 2, data: grey, channels: 1, depth: 16 });
      const texture = doc.createTexture().setImage(png).setMimeType("image/png");
      prim.setMaterial(doc.createMaterial().setBaseColorTexture(texture));
    });
    const texture = (await loadGltf(path)).parts[0].texture;
    assert(texture !== undefined, "texture missing");
    equal(Array.from(texture.data), [
      ...[0, 0, 0, 255],
      ...[0x80, 0x80, 0x80, 255],
      ...[255, 255, 255, 255],
      ...[0x12, 0x12, 0x12, 255],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a glTF object's own colour is labelled; a scene colour replaces it in pixels and labels",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const glb = `${dir}/red.glb`;
    await writeTriangleGlb(glb, (doc, prim) => {
      prim.setMaterial(doc.createMaterial("red").setBaseColorFactor([0.8, 0.05, 0.05, 1]));
    });
    const bytes = await Deno.readFile(glb);
    await Deno.remove(dir, { recursive: true });
    // The triangle spans x, y in [0, 1] at z = 0; the camera looks at it from +z.
    const scene = (color: string) => `
outputs: [rgb, instance]
camera: { position: [0.35, 0.35, 1.2], look_at: [0.35, 0.35, 0], fov: 40 }
ambient: { intensity: 0.6 }
lights: [{ type: directional, direction: [0, 0, -1], intensity: 1 }]
assets: { tri: red.glb }
objects:
  - { name: tri, mesh: tri ${color} }
`;
    for (const [extra, dominant] of [["", 0], [', color: "#1010e0"', 2]] as const) {
      const { out, dir: root } = await renderTestScene(scene(extra), {
        frames: 1,
        size: [32, 32],
        files: { "red.glb": bytes },
      });
      try {
        const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
        const tri = labels.objects.find((o: { name: string }) => o.name === "tri");
        const c = tri.material.color as number[];
        assert(c.indexOf(Math.max(...c)) === dominant, `label colour ${c}`);
        // The centre pixel shows the same dominant channel (rgb.mp4 is lossy: compare channels).
        if (readerAvailable(await runs("ffmpeg", ["-version"]), "ffmpeg", "ffmpeg")) {
          const rgb = await decodeCenterPixel(`${out}/clip_00000/rgb.mp4`);
          assert(rgb.indexOf(Math.max(...rgb)) === dominant, `pixel ${rgb}, label ${c}`);
        }
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    }
  },
});

/** The centre pixel of frame 0 of an mp4, decoded by ffmpeg. */
async function decodeCenterPixel(path: string): Promise<number[]> {
  const { stdout } = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    stdout: "piped",
  }).output();
  const i = (16 * 32 + 16) * 3;
  return [stdout[i], stdout[i + 1], stdout[i + 2]];
}
