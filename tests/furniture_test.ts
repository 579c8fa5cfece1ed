/**
 * Real objects: the OBJ/MTL importer on hand-written files, the Java .properties reader, and the
 * Sweet Home 3D furniture library (Debian sweethome3d-furniture; .ci/run installs it): the
 * catalogue, sizes in metres on the floor, a render of library models, and credits.json.
 */
import { encode as encodePngFile } from "fast-png";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { renderTestScene } from "./helpers.ts";
import { readerAvailable } from "./readers.ts";
import { parseObj } from "../engine/scene/obj.ts";
import {
  FURNITURE_LIBRARIES,
  furnitureCatalogue,
  furnitureEntry,
  furnitureFolder,
  loadFurniture,
  parseProperties,
} from "../engine/scene/furniture_library.ts";
import { srgbToLinear } from "../engine/scene/color.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { builtins } from "../plugins/mod.ts";

const OBJ = `# a unit quad (textured, flat) and a smooth triangle pair sharing an edge
mtllib two.mtl
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 0 0 1
v 1 0 1
vt 0 0
vt 1 0
vt 1 1
vt 0 1
usemtl painted
s off
f 1/1 2/2 3/3 4/4
usemtl plain
s 1
f 1 5 2
f 2 5 6
f -1 -2 -5
`;
const MTL = `newmtl painted
Kd 0.5 0.5 0.5
Ks 0 0 0
map_Kd -s 1 1 1 tex.png
newmtl plain
Kd 0.5 0.25 1
Ks 0.5 0.5 0.5
Ns 98
`;

Deno.test("OBJ: polygons fanned, flat and smoothed normals, uv flipped, MTL colour and texture", () => {
  const texture = encodePngFile({
    width: 2,
    height: 1,
    data: new Uint8Array([255, 0, 0, 0, 0, 255]),
    channels: 3,
  });
  const files: Record<string, Uint8Array> = {
    "two.mtl": new TextEncoder().encode(MTL),
    "tex.png": texture,
  };
  const asset = parseObj(OBJ, "two.obj", (p) => files[p]);
  assertEquals(asset.parts.map((p) => p.name), ["painted", "plain"]);
  const [painted, plain] = asset.parts;
  assertEquals(painted.mesh.indices.length, 6, "the quad is two triangles");
  for (let i = 0; i < painted.mesh.normals.length; i += 3) {
    assertEquals(
      [...painted.mesh.normals.subarray(i, i + 3)],
      [0, 0, 1],
      "flat: the face's normal",
    );
  }
  // OBJ v = 0 is the image's bottom row; the renderer's v runs down
  assertEquals([...painted.mesh.uvs.subarray(0, 2)], [0, 1]);
  assertEquals(painted.texture?.width, 2);
  assertEquals([...painted.texture!.data.subarray(0, 8)], [255, 0, 0, 255, 0, 0, 255, 255]);
  assertEquals(painted.baseColor, [1, 1, 1, 1], "a texture replaces Kd");
  assert(painted.roughness >= 0.89, "no Ks: matte");
  assertEquals(plain.mesh.indices.length, 9);
  // smooth group: the shared vertex 2 (1, 0, 0) of faces with normals (0, -1, 0) and (0, -1, 0) …
  const at = (x: number, y: number, z: number) => {
    const p = plain.mesh.positions;
    for (let i = 0; i < p.length; i += 3) {
      if (p[i] === x && p[i + 1] === y && p[i + 2] === z) return i;
    }
    throw new Error("vertex missing");
  };
  const n = plain.mesh.normals.subarray(at(1, 0, 0), at(1, 0, 0) + 3);
  assert(Math.abs(Math.hypot(n[0], n[1], n[2]) - 1) < 1e-6, "unit normals");
  assertEquals(plain.baseColor.slice(0, 3), [0.5, 0.25, 1].map(srgbToLinear));
  assert(Math.abs(plain.roughness - Math.sqrt(2 / 100)) < 1e-9, "Ks 0.5: the Phong equivalent");
  assertEquals(asset.bounds, { min: [0, 0, 0], max: [1, 1, 1] });
  assertThrows(() => parseObj("v 0 0 0\nf 1 2 3\n", "bad.obj", () => undefined), "bad.obj:2");
});

Deno.test("MTL: height bump maps become normal maps, normal maps stay, map_Pr, Ke and map_Ke", () => {
  const obj = `mtllib m.mtl
v 0 0 0
v 1 0 0
v 1 1 0
vt 0 0
vt 1 0
vt 1 1
usemtl bumpy
f 1/1 2/2 3/3
usemtl mapped
f 1/1 3/3 2/2
`;
  const mtl = `newmtl bumpy
Kd 0.5 0.5 0.5
map_Bump -bm 0.5 -o 0.2 0.2 0.2 ramp.png
Ke 1 0 0
newmtl mapped
Kd 0.5 0.5 0.5
bump nrm.png
map_Pr rough.png
map_Ke glow.png
`;
  const rgba = (w: number, h: number, f: (x: number, y: number) => number[]) => {
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
    return encodePngFile({ width: w, height: h, data, channels: 4, depth: 8 });
  };
  const files: Record<string, Uint8Array> = {
    "m.mtl": new TextEncoder().encode(mtl),
    // height rising to the right (then wrapping): normals lean left (−x) in the middle
    "ramp.png": rgba(8, 2, (x) => [x * 32, x * 32, x * 32, 255]),
    "nrm.png": rgba(2, 2, (x) => [100 + 40 * x, 140, 240, 255]),
    "rough.png": rgba(2, 2, (x) => [x ? 200 : 50, x ? 200 : 50, x ? 200 : 50, 255]),
    "glow.png": rgba(2, 2, () => [255, 255, 255, 255]),
  };
  const [bumpy, mapped] = parseObj(obj, "m.obj", (p) => files[p]).parts;
  const n = bumpy.normalTexture!;
  assert(n !== undefined, "no normal map from the bump map");
  const at = (x: number) => Array.from(n.data.subarray(x * 4, x * 4 + 4));
  // slope 32/255 per texel × 8 × 0.5 (-bm): x = −0.45 of a unit normal
  const [r, g, b] = at(3);
  assert(Math.abs(r - 70) <= 2 && Math.abs(g - 128) <= 1 && b > 230, `normal ${at(3)}`);
  assertEquals(bumpy.emissive, [1, 0, 0]);
  assertEquals(bumpy.emissiveTexture, undefined);
  // a normal map under "bump" is kept as it is
  assertEquals(Array.from(mapped.normalTexture!.data.subarray(0, 4)), [100, 140, 240, 255]);
  // map_Pr: roughness per texel in G, factor 1
  assertEquals(mapped.roughness, 1);
  assertEquals(Array.from(mapped.metalRoughTexture!.data.subarray(0, 8)), [
    ...[255, 50, 255, 255],
    ...[255, 200, 255, 255],
  ]);
  assertEquals(mapped.emissive, [1, 1, 1]); // map_Ke without Ke: the map's colour
  assert(mapped.emissiveTexture !== undefined, "map_Ke missing");
});

Deno.test("Java .properties: escapes, continuations, comments", () => {
  const props = parseProperties(
    "# comment\nname#1=Caf\\u00e9 \\\n  table\nkey\\:x = a\\tb\n! other comment\nempty=\n",
  );
  assertEquals(props.get("name#1"), "Café table");
  assertEquals(props.get("key:x"), "a\tb");
  assertEquals(props.get("empty"), "");
  assertEquals(props.size, 3);
});

const folder = furnitureFolder();
const haveLibrary = () =>
  readerAvailable(
    Boolean(folder),
    "the furniture library",
    "sweethome3d-furniture (or: deno task assets --fetch)",
  );

Deno.test("furniture catalogue: redistributable libraries only, models in metres on the floor", () => {
  if (!haveLibrary()) return;
  const all = furnitureCatalogue(folder!);
  const cc0 = all.filter((e) => e.library === "BlendSwap-CC-0");
  assertEquals(cc0.length, 175);
  assert(all.length > 600, `${all.length} models`);
  assert(all.every((e) => e.library in FURNITURE_LIBRARIES && e.licence && e.creator));
  const cup = furnitureEntry(folder!, "caffe_final");
  assertEquals([cup.name, cup.category, cup.licence, cup.creator], [
    "Coffee cup",
    "Kitchen",
    "CC0-1.0",
    "Reduno",
  ]);
  assertEquals(cup.size.map((v) => Math.round(v * 1000)), [100, 43, 100]);
  const asset = loadFurniture(folder!, cup);
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (const part of asset.parts) {
    for (let i = 0; i < part.mesh.positions.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        min[c] = Math.min(min[c], part.mesh.positions[i + c]);
        max[c] = Math.max(max[c], part.mesh.positions[i + c]);
      }
    }
  }
  for (let c = 0; c < 3; c++) {
    assert(Math.abs(max[c] - min[c] - cup.size[c]) < 1e-5, `axis ${c}: ${max[c] - min[c]} m`);
  }
  assert(Math.abs(min[1]) < 1e-6, "stands on y = 0");
  assert(Math.abs(min[0] + max[0]) < 1e-5 && Math.abs(min[2] + max[2]) < 1e-5, "centred");
  assertEquals(asset.parts.map((p) => p.name).sort(), ["Ceramique", "Coffee"]);
  // a textured model decodes its JPEG
  const table = loadFurniture(folder!, furnitureEntry(folder!, "oakTable"));
  assert(table.parts.some((p) => p.texture && p.texture.width > 16), "the oak texture");
  assertThrows(() => furnitureEntry(folder!, "cofee cup"), "no furniture model");
});

Deno.test("a scene of library models renders, credits every model, and names a wrong id", async () => {
  if (!haveLibrary()) return;
  const yaml = `
name: furniture_test
frames: 2
size: [64, 48]
outputs: [rgb, depth, instance]
camera: { position: [0, 1.2, 1.0], look_at: [0, 0.75, 0], fov: 50 }
assets: { table: "library:oakTable", cup: "library:caffe_final", bottle: "library:BlendSwap-CC-BY/beer_bottle" }
objects:
  - { name: floor, class: floor, mesh: plane, scale: 6 }
  - { name: table, class: table, mesh: table }
  - { name: cup, class: cup, mesh: cup, position: [-0.1, 0.74, 0.1] }
  - { name: bottle, class: bottle, mesh: bottle, position: [0.15, 0.74, 0] }
`;
  const { out } = await renderTestScene(yaml);
  const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
  for (const name of ["table", "cup", "bottle"]) {
    const o = labels.objects.find((x: { name: string }) => x.name === name);
    assert(o.frames[0].pixels > 0, `${name} is seen`);
  }
  const cup = labels.objects.find((x: { name: string }) => x.name === "cup");
  assertEquals(cup.bounds.map((b: number[]) => b.map((v) => Math.round(v * 1000))), [
    [-50, 0, -50],
    [50, 43, 50],
  ]);
  const credits = JSON.parse(await Deno.readTextFile(`${out}/credits.json`));
  assertEquals(credits.assets.map((a: { asset: string }) => a.asset), [
    "library:oakTable",
    "library:caffe_final",
    "library:BlendSwap-CC-BY/beer_bottle",
  ]);
  assertEquals(credits.attribution_required.length, 1, "the CC BY model must be credited");
  assert(credits.attribution_required[0].includes("CC-BY-3.0"));

  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `assets:\n  cup: "library:caffe_finale"\nobjects: [{ name: c, mesh: cup }]\n`,
  );
  const error = await assertRejects(() =>
    loadScene(`${dir}/s.yaml`, { registry: builtins })
  ) as SceneError;
  assert(error instanceof SceneError);
  assert(
    error.message.includes(
      `${dir}/s.yaml:2:8 assets.cup: no furniture model "caffe_finale"; did you mean caffe_final`,
    ),
    error.message,
  );
});
