# Renders bench/scene.ts's scene in Blender for bench/peer.ts.
#   blender -b --factory-startup -noaudio --python bench/peer_blender.py -- SCENE.json OUT_DIR MODE
# MODE: cycles16 | cycles64 (rgb + depth + normal + object index passes, multilayer EXR, as
# Kubric writes them) or workbench (rgb PNG only). The scene is built with the data API
# (bpy.data), not bpy.ops, so big scenes build quickly. Prints one line "PEER_RESULT {json}".
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


def srgb_to_linear(c):
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


scene = bpy.context.scene
for obj in list(bpy.data.objects):
    bpy.data.objects.remove(obj, do_unlink=True)

# One unit cube mesh shared by every object (synthvid's cube: side 1, centred).
verts = [(x, y, z) for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)]
faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
mesh = bpy.data.meshes.new("cube")
mesh.from_pydata(verts, [], faces)
mesh.update()
mesh.materials.append(None)  # one slot; each object fills it with its own material


def to_blender(p):
    # synthvid: Y up, right-handed; Blender: Z up. (x, y, z) -> (x, -z, y).
    return Vector((p[0], -p[2], p[1]))


last = spec["frames"] - 1
for i, cube in enumerate(spec["cubes"]):
    mat = bpy.data.materials.new(cube["name"])
    rgb = [srgb_to_linear(c) for c in cube["color"]]
    mat.diffuse_color = (*rgb, 1.0)  # what Workbench shows
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*rgb, 1.0)
    bsdf.inputs["Roughness"].default_value = 0.5
    obj = bpy.data.objects.new(cube["name"], mesh)
    scene.collection.objects.link(obj)
    obj.material_slots[0].link = "OBJECT"
    obj.material_slots[0].material = mat
    obj.scale = (cube["scale"],) * 3
    obj.pass_index = i + 1
    for frame, pos, spin in ((0, cube["from"], cube["spinFrom"]), (last, cube["to"], cube["spinTo"])):
        obj.location = to_blender(pos)
        obj.rotation_euler = (0.0, 0.0, math.radians(spin))  # synthvid spins about Y (up)
        obj.keyframe_insert("location", frame=frame + 1)
        obj.keyframe_insert("rotation_euler", frame=frame + 1)

cam_data = bpy.data.cameras.new("camera")
cam_data.sensor_fit = "VERTICAL"
cam_data.angle_y = math.radians(spec["camera"]["fovY"])
cam = bpy.data.objects.new("camera", cam_data)
scene.collection.objects.link(cam)
cam.location = to_blender(spec["camera"]["position"])
direction = to_blender(spec["camera"]["lookAt"]) - cam.location
cam.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
scene.camera = cam

sun_data = bpy.data.lights.new("sun", "SUN")
sun_data.energy = spec["light"]["intensity"]
sun = bpy.data.objects.new("sun", sun_data)
scene.collection.objects.link(sun)
sun.rotation_euler = (-to_blender(spec["light"]["direction"])).to_track_quat("Z", "Y").to_euler()

world = bpy.data.worlds.new("world")
world.use_nodes = True
bg = world.node_tree.nodes["Background"]
bg.inputs["Color"].default_value = (*[srgb_to_linear(c) for c in spec["background"]], 1.0)
bg.inputs["Strength"].default_value = 1.0
world.color = bg.inputs["Color"].default_value[:3]  # Workbench's background
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

if mode.startswith("cycles"):
    render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = int(mode[len("cycles"):])
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = False
    layer.use_pass_z = True
    layer.use_pass_normal = True
    layer.use_pass_object_index = True
    render.image_settings.file_format = "OPEN_EXR_MULTILAYER"
    render.image_settings.color_depth = "32"
    render.image_settings.exr_codec = "ZIP"
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
print("PEER_RESULT " + json.dumps({
    "mode": mode,
    "frames": spec["frames"],
    "build_s": built - started,
    "render_s": rendered - built,
    "steady_s_per_frame": steady,
    "blender": bpy.app.version_string,
}), flush=True)
