# Renders a bench/blender.ts scene description (BlenderScene JSON) in Blender, for bench/peer.ts
# (speed) and bench/quality.ts (pixels).
#   blender -b --factory-startup -noaudio --python bench/peer_blender.py -- SCENE.json OUT_DIR MODE
# MODE: cycles<N> (N spp; rgb + depth + normal + object index passes, multilayer EXR, as Kubric
# writes them), workbench (rgb PNG only) or beauty<N> (Cycles N spp, rgb 8-bit PNG, view
# transform Standard, look None, exposure 0: the display values synthvid's tone_mapping none
# writes). The scene is built with the data API (bpy.data), not bpy.ops, so big scenes build
# quickly. Lights arrive in Blender's units (bench/blender.ts converts them). Prints one line
# "BLENDER_RESULT {json}".
import json
import math
import sys
import time

import bpy
from mathutils import Vector

started = time.perf_counter()
argv = sys.argv[sys.argv.index("--") + 1:]
scene_file, out_dir, mode = argv[0], argv[1], argv[2]
with open(scene_file) as f:
    spec = json.load(f)

scene = bpy.context.scene
for obj in list(bpy.data.objects):
    bpy.data.objects.remove(obj, do_unlink=True)


def to_blender(p):
    # synthvid: Y up, right-handed; Blender: Z up. (x, y, z) -> (x, -z, y).
    return Vector((p[0], -p[2], p[1]))


def euler_to_blender(r):
    # synthvid R = Rx(a)·Ry(b)·Rz(c) about world axes; under (x, y, z) -> (x, -z, y) that is
    # Rx(a)·Rz(b)·Ry(-c) in Blender's frame, which Blender's "YZX" order spells (a, -c, b).
    a, b, c = (math.radians(v) for v in r)
    return (a, -c, b)


meshes = {}
for key, m in spec["meshes"].items():
    p, n, idx = m["positions"], m["normals"], m["indices"]
    verts = [tuple(to_blender(p[i:i + 3])) for i in range(0, len(p), 3)]
    tris = [tuple(idx[i:i + 3]) for i in range(0, len(idx), 3)]
    mesh = bpy.data.meshes.new(key)
    mesh.from_pydata(verts, [], tris)
    mesh.polygons.foreach_set("use_smooth", [True] * len(tris))
    mesh.use_auto_smooth = True  # custom split normals need it (Blender < 4.1)
    mesh.normals_split_custom_set_from_vertices(
        [tuple(to_blender(n[i:i + 3])) for i in range(0, len(n), 3)])
    mesh.update()
    mesh.materials.append(None)  # one slot; each object fills it with its own material
    meshes[key] = mesh

for o in spec["objects"]:
    mat = bpy.data.materials.new(o["name"])
    rgb = o["color"]
    mat.diffuse_color = (*rgb, 1.0)  # what Workbench shows
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*rgb, 1.0)
    bsdf.inputs["Roughness"].default_value = o["roughness"]
    bsdf.inputs["Metallic"].default_value = o["metalness"]
    if o.get("shader") == "diffuse":  # a pure Lambertian surface (bench/quality.ts unit checks)
        nodes = mat.node_tree.nodes
        diffuse = nodes.new("ShaderNodeBsdfDiffuse")
        diffuse.inputs["Color"].default_value = (*rgb, 1.0)
        diffuse.inputs["Roughness"].default_value = 0.0
        mat.node_tree.links.new(diffuse.outputs["BSDF"], nodes["Material Output"].inputs["Surface"])
    obj = bpy.data.objects.new(o["name"], meshes[o["mesh"]])
    scene.collection.objects.link(obj)
    obj.material_slots[0].link = "OBJECT"
    obj.material_slots[0].material = mat
    obj.pass_index = o.get("passIndex", 0)
    obj.rotation_mode = "YZX"
    keyed = len(o["keys"]) > 1
    for k in o["keys"]:
        obj.location = to_blender(k["position"])
        obj.rotation_euler = euler_to_blender(k["rotation"])
        obj.scale = (k["scale"][0], k["scale"][2], k["scale"][1])
        if keyed:
            for path in ("location", "rotation_euler", "scale"):
                obj.keyframe_insert(path, frame=k["frame"] + 1)

cam_data = bpy.data.cameras.new("camera")
cam_data.sensor_fit = "VERTICAL"
cam_data.angle_y = math.radians(spec["camera"]["fovY"])
cam_data.clip_start = 0.05
cam_data.clip_end = 200
cam = bpy.data.objects.new("camera", cam_data)
scene.collection.objects.link(cam)
cam.location = to_blender(spec["camera"]["position"])
direction = to_blender(spec["camera"]["lookAt"]) - cam.location
cam.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
scene.camera = cam

for i, light in enumerate(spec["lights"]):
    if light["type"] == "sun":
        data = bpy.data.lights.new(f"sun{i}", "SUN")
        data.energy = light["strength"]
        data.angle = math.radians(light["angle"])
    else:
        data = bpy.data.lights.new(f"point{i}", "POINT")
        data.energy = light["power"]
        data.shadow_soft_size = light["radius"]
    data.color = light["color"]
    lamp = bpy.data.objects.new(data.name, data)
    scene.collection.objects.link(lamp)
    if light["type"] == "sun":
        lamp.rotation_euler = (-to_blender(light["direction"])).to_track_quat("Z", "Y").to_euler()
    else:
        lamp.location = to_blender(light["position"])

world = bpy.data.worlds.new("world")
world.use_nodes = True
bg = world.node_tree.nodes["Background"]
w = spec["world"]
bg.inputs["Color"].default_value = (*w["color"], 1.0)
bg.inputs["Strength"].default_value = w["strength"]
if w.get("hdr"):
    env = world.node_tree.nodes.new("ShaderNodeTexEnvironment")
    env.image = bpy.data.images.load(w["hdr"])
    env.interpolation = "Linear"
    world.node_tree.links.new(env.outputs["Color"], bg.inputs["Color"])
world.color = w["color"]  # Workbench's background
scene.world = world

render = scene.render
render.resolution_x = spec["width"]
render.resolution_y = spec["height"]
render.resolution_percentage = 100
render.fps = spec["fps"]
scene.frame_start = 1
scene.frame_end = spec["frames"]
render.filepath = f"{out_dir}/frame_"
layer = scene.view_layers[0]

if mode.startswith("cycles") or mode.startswith("beauty"):
    render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = int(mode.lstrip("cyclesbeauty"))
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = False
    scene.cycles.seed = spec.get("seed", 1)
if mode.startswith("cycles"):
    layer.use_pass_z = True
    layer.use_pass_normal = True
    layer.use_pass_object_index = True
    render.image_settings.file_format = "OPEN_EXR_MULTILAYER"
    render.image_settings.color_depth = "32"
    render.image_settings.exr_codec = "ZIP"
elif mode.startswith("beauty"):
    # A reference: no glossy blur and no clamping of direct light; indirect light keeps Cycles'
    # default clamp (10), which removes the fireflies (sun caustics off glossy spheres) that
    # several hundred samples still leave, at a small bias.
    scene.cycles.sample_clamp_direct = 0
    scene.cycles.sample_clamp_indirect = 10
    scene.cycles.blur_glossy = 0
    view = scene.view_settings
    view.view_transform = "Standard"
    view.look = "None"
    view.exposure = 0
    view.gamma = 1
    scene.display_settings.display_device = "sRGB"
    scene.sequencer_colorspace_settings.name = "sRGB"
    render.image_settings.file_format = "PNG"
    render.image_settings.color_mode = "RGB"
    render.image_settings.color_depth = "8"
    render.film_transparent = False
elif mode == "workbench":
    render.engine = "BLENDER_WORKBENCH"
    scene.display.shading.light = "STUDIO"
    scene.display.shading.color_type = "MATERIAL"
    scene.display.shading.background_type = "WORLD"
    render.image_settings.file_format = "PNG"
else:
    raise SystemExit(f"unknown mode {mode}")

# When each frame's files are written: the steady per-frame time leaves out the first frame's
# set-up (kernels, BVH), as synthvid's leaves out its first clip.
written = []
bpy.app.handlers.render_write.append(lambda *_: written.append(time.perf_counter()))

built = time.perf_counter()
bpy.ops.render.render(animation=True)
rendered = time.perf_counter()
steady = (written[-1] - written[0]) / (len(written) - 1) if len(written) > 1 else None
print("BLENDER_RESULT " + json.dumps({
    "mode": mode,
    "frames": spec["frames"],
    "build_s": built - started,
    "render_s": rendered - built,
    "steady_s_per_frame": steady,
    "blender": bpy.app.version_string,
}), flush=True)
