"""Iterate the tar shards `deno task pack` writes (WebDataset layout) without the webdataset package.

    for sample in iterate_shards(["packed/shard-000000.tar", ...], gt_format="png16"):
        sample["__key__"], sample["depth"], sample["labels"], ...

Each sample is one clip: its files grouped by key (clip_00000.depth.npy → "depth"), decoded like
open_dataset decodes them; png16 frames (clip_00000.depth.00003.png) are stacked in frame order.
"""
import io
import json
import os
import tarfile
import tempfile

import numpy as np

from .dataset import ARRAYS, decode_png16, read_video
from .png import read_png
from .wav import read_wav


def iterate_shards(paths, gt_format="npy"):
    for path in paths:
        with tarfile.open(path) as tar:
            key, files = None, {}
            for member in tar:
                if not member.isfile():
                    continue
                name = os.path.basename(member.name)
                k, rest = name.split(".", 1)
                if key is not None and k != key:
                    yield _sample(key, files, gt_format)
                    files = {}
                key = k
                files[rest] = tar.extractfile(member).read()
            if key is not None:
                yield _sample(key, files, gt_format)


def _sample(key, files, gt_format):
    labels = json.loads(files["labels.json"])
    sample = {"__key__": key, "labels": labels}
    if "captions.json" in files:
        sample["captions"] = json.loads(files["captions.json"])["captions"]
    for name in ARRAYS:
        if f"{name}.npy" in files:
            sample[name] = np.load(io.BytesIO(files[f"{name}.npy"]))
        elif f"{name}.npz" in files:
            with np.load(io.BytesIO(files[f"{name}.npz"])) as z:
                sample[name] = z[name]
        else:
            frames = sorted(f for f in files if f.startswith(f"{name}.") and f.endswith(".png"))
            if frames:
                stack = np.stack([read_png(files[f]) for f in frames])
                sample[name] = decode_png16(name, stack, labels.get("ground_truth", {}))
    rgb_frames = sorted(f for f in files if f.startswith("rgb.") and f.endswith(".png"))
    if rgb_frames:  # lossless frames (output rgb_frames) first, like open_dataset
        sample["rgb"] = np.stack([read_png(files[f]) for f in rgb_frames])
    elif "rgb.mp4" in files:
        with tempfile.NamedTemporaryFile(suffix=".mp4") as f:
            f.write(files["rgb.mp4"])
            f.flush()
            sample["rgb"] = read_video(f.name, *labels["size"])
    if "audio.mix.wav" in files:
        with tempfile.NamedTemporaryFile(suffix=".wav") as f:
            f.write(files["audio.mix.wav"])
            f.flush()
            sample["audio"] = read_wav(f.name)[0]
    return sample

