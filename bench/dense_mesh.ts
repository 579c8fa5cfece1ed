/**
 * A finely tessellated sphere written as a GLB, for the bench rows that grow triangles instead
 * of objects (a real asset's cost: every triangle set up, most of them a pixel or less).
 */
import { Document, NodeIO } from "@gltf-transform/core";
import { sphere } from "../engine/scene/mesh.ts";

/** Writes a unit-diameter sphere of about `triangles` triangles to `path`; returns the exact count. */
export async function writeDenseSphere(path: string, triangles: number): Promise<number> {
  // a UV sphere has 2 · segments · (rings − 1) triangles; segments = 2 · rings keeps them square
  const rings = Math.max(3, Math.round(Math.sqrt(triangles / 4)));
  const mesh = sphere({ radius: 0.5, segments: 2 * rings, rings });
  const doc = new Document();
  const buffer = doc.createBuffer();
  const accessor = (type: "VEC3" | "VEC2" | "SCALAR", array: Float32Array | Uint32Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = doc.createPrimitive()
    .setAttribute("POSITION", accessor("VEC3", mesh.positions))
    .setAttribute("NORMAL", accessor("VEC3", mesh.normals))
    .setAttribute("TEXCOORD_0", accessor("VEC2", mesh.uvs))
    .setIndices(accessor("SCALAR", new Uint32Array(mesh.indices)));
  const node = doc.createNode("dense").setMesh(doc.createMesh("dense").addPrimitive(primitive));
  doc.createScene().addChild(node);
  await Deno.writeFile(path, await new NodeIO().writeBinary(doc));
  return mesh.indices.length / 3;
}
