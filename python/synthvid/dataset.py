"""Open a synthvid dataset folder: clips as lazy mappings of decoded arrays.

    ds = open_dataset("out")
    clip = ds[0]
    clip["depth"]      # T x H x W float32 metres, +inf where no surface (any gt_format)
    clip["rgb"]        # T x H x W x 3 uint8 (rgb.mp4 through the ffmpeg command)
    clip.boxes()       # T x N x 4 float32 [x0, y0, x1, y1], NaN where not visible

Every gt_format (npy, npz, png16) decodes to the same arrays; png16 within the error
dataset.json states (decode formulas in dataset.json files[...]).
"""
import json
import os
import shutil
import subprocess

import numpy as np

from .png import read_png
from .rle import decode_rle
from .wav import read_wav

ARRAYS = ("depth", "normals", "instance", "flow", "alpha")


def open_dataset(path):
    """The dataset in folder `path` (which holds dataset.json and manifest.jsonl)."""
    return Dataset(path)


class Dataset:
    """A sequence of clips in clip order; only clips the manifest lists as ok."""

    def __init__(self, path):
        self.path = os.fspath(path)
        with open(os.path.join(self.path, "dataset.json")) as f:
            self.info = json.load(f)
        self.gt_format = self.info.get("gt_format", "npy")
        self.outputs = list(self.info["outputs"])
        self.clip_dirs = _finished_clips(self.path)

    def __len__(self):
        return len(self.clip_dirs)

    def __getitem__(self, i):
        if not -len(self) <= i < len(self):
            raise IndexError(f"clip {i} of {len(self)}")
        return Clip(os.path.join(self.path, self.clip_dirs[i]), self.gt_format, self.outputs)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def _finished_clips(path):
    """Clip folders with an ok line in manifest.jsonl (after merge), else every clip_* folder."""
    manifest = os.path.join(path, "manifest.jsonl")
    if os.path.exists(manifest):
        lines = [json.loads(l) for l in open(manifest) if l.strip()]
        ok = {l["clip"]: l["dir"] for l in lines if l.get("status") == "ok"}
        return [ok[c] for c in sorted(ok)]
    return sorted(d for d in os.listdir(path) if d.startswith("clip_"))


class Clip:
    """One clip folder; arrays are read and decoded when first asked for, then kept."""

    def __init__(self, path, gt_format="npy", outputs=None):
        self.path = path
        self.gt_format = gt_format
        self.outputs = list(outputs) if outputs is not None else list(ARRAYS) + ["rgb"]
        self._cache = {}
        with open(os.path.join(path, "labels.json")) as f:
            self.labels = json.load(f)
        captions = os.path.join(path, "captions.json")
        self.captions = json.load(open(captions))["captions"] if os.path.exists(captions) else []

    def keys(self):
        names = [o for o in self.outputs if o in ARRAYS or o == "rgb"]
        if "rgb_frames" in self.outputs and "rgb" not in names:
            names.insert(0, "rgb")
        if os.path.exists(os.path.join(self.path, "audio", "mix.wav")):
            names.append("audio")
        return names

    def __contains__(self, name):
        return name in self.keys()

    def __getitem__(self, name):
        if name not in self._cache:
            if name not in self.keys():
                raise KeyError(f"{self.path}: no {name!r} (outputs: {', '.join(self.keys())})")
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name):
        if name == "rgb":
            # lossless frames when the dataset has them (output rgb_frames), else the video
            if os.path.isdir(os.path.join(self.path, "rgb")):
                return np.stack([read_png(self._frame_file("rgb", t)) for t in range(self.labels["frames"])])
            return read_video(os.path.join(self.path, "rgb.mp4"), *self.labels["size"])
        if name == "audio":
            return read_wav(os.path.join(self.path, "audio", "mix.wav"))[0]
        if self.gt_format == "npy":
            return np.load(os.path.join(self.path, f"{name}.npy"))
        if self.gt_format == "npz":
            with np.load(os.path.join(self.path, f"{name}.npz")) as z:
                return z[name]
        if self.gt_format == "png16":
            frames = [read_png(self._frame_file(name, t)) for t in range(self.labels["frames"])]
            return decode_png16(name, np.stack(frames), self.labels.get("ground_truth", {}))
        raise ValueError(f"{self.path}: unknown gt_format {self.gt_format!r}")

    def _frame_file(self, name, t):
        return os.path.join(self.path, name, f"{t:05d}.png")

    @property
    def object_ids(self):
        """Instance ids of the clip's objects, in labels.json order."""
        return [o["id"] for o in self.labels["objects"]]

    def boxes(self):
        """T x N x 4 float32 boxes [x0, y0, x1, y1] (x1, y1 exclusive) per object; NaN when unseen."""
        T, objects = self.labels["frames"], self.labels["objects"]
        out = np.full((T, len(objects), 4), np.nan, np.float32)
        for n, o in enumerate(objects):
            for t, f in enumerate(o["frames"][:T]):
                if f.get("bbox") is not None:
                    out[t, n] = f["bbox"]
        return out

    def visibility(self):
        """T x N float32 visibility per object (0 when absent)."""
        T, objects = self.labels["frames"], self.labels["objects"]
        out = np.zeros((T, len(objects)), np.float32)
        for n, o in enumerate(objects):
            for t, f in enumerate(o["frames"][:T]):
                out[t, n] = f.get("visibility") or 0
        return out

    def keypoints(self):
        """{person id: T x 17 x 3 float32 COCO-17 [u, v, visibility]} from people plugins."""
        people = {}
        for record in self.labels.get("plugins", {}).values():
            kp = record.get("keypoints") if isinstance(record, dict) else None
            for person in kp if isinstance(kp, list) else [kp] if kp else []:
                frames = person["frames"]
                people[person["person"]] = np.array(
                    [[[np.nan if v is None else v for v in p] for p in f["keypoints"]] for f in frames],
                    np.float32,
                )
        return people

    def masks(self):
        """{instance id: T x H x W bool} for every object (from the instance ids)."""
        ids = self["instance"]
        return {i: ids == i for i in self.object_ids}

    def coco_masks(self):
        """{instance id: [COCO RLE dict or None per frame]} from labels.json masks (coco_masks)."""
        masks = self.labels.get("masks")
        if masks is None:
            raise KeyError(f"{self.path}: no COCO masks (add coco_masks to the scene's outputs)")
        size = masks["size"]
        return {
            int(i): [None if c is None else {"size": size, "counts": c} for c in frames]
            for i, frames in masks["objects"].items()
        }

    def decoded_coco_masks(self):
        """{instance id: T x H x W bool} decoded from the COCO RLE masks."""
        H, W = self.labels["size"][1], self.labels["size"][0]
        return {
            i: np.stack([np.zeros((H, W), bool) if r is None else decode_rle(r) for r in frames])
            for i, frames in self.coco_masks().items()
        }


def decode_png16(name, q, ground_truth):
    """png16 samples of output `name` (T frames stacked) → the arrays npy would hold."""
    if name == "depth":
        lo, hi = ground_truth.get("depth_range") or (0.0, 0.0)
        q = q.astype(np.float64)
        depth = lo + (q - 1) * (hi - lo) / 65534
        return np.where(q == 0, np.inf, depth).astype(np.float32)
    if name == "flow":
        lo, hi = ground_truth.get("flow_range") or (0.0, 0.0)
        return (lo + q[..., :2].astype(np.float64) * (hi - lo) / 65535).astype(np.float32)
    if name == "normals":
        n = q.astype(np.float32) / 32767.5 - 1
        n[(q == 0).all(axis=-1)] = 0
        return n
    if name == "instance":
        return q.astype(np.uint16) if q.dtype == np.uint8 else q
    if name == "alpha":
        return q.astype(np.uint8)
    raise ValueError(f"png16 has no output {name!r}")


def read_video(path, width, height):
    """T x H x W x 3 uint8 frames of an rgb.mp4 (padding to even sizes cropped)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError(f"{path}: reading rgb.mp4 needs the ffmpeg command (apt install ffmpeg)")
    padded_w, padded_h = width + width % 2, height + height % 2
    raw = subprocess.run(
        [ffmpeg, "-loglevel", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True,
        capture_output=True,
    ).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, padded_h, padded_w, 3)
    return frames[:, :height, :width]
