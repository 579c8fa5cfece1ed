"""Checks python/synthvid against real datasets: check_reader.py NPY NPZ PNG16 PACKED.

npz must equal npy exactly; png16 within the bounds dataset.json states; the packed shards of
the png16 dataset must read like its folder; a torch DataLoader with two workers must batch it.
Exits non-zero with the reason on the first difference.
"""
import glob
import json
import sys

import numpy as np

from synthvid import open_dataset, read_video
from synthvid.webdataset import iterate_shards

npy_dir, npz_dir, png_dir, packed_dir = sys.argv[1:5]
npy, npz, png = open_dataset(npy_dir), open_dataset(npz_dir), open_dataset(png_dir)
assert len(npy) == len(npz) == len(png) == 2, (len(npy), len(npz), len(png))
ARRAYS = ["depth", "normals", "instance", "flow", "alpha"]

for i in range(len(npy)):
    a, z, p = npy[i], npz[i], png[i]
    assert a.keys() == z.keys() == p.keys(), (a.keys(), p.keys())
    gt = p.labels["ground_truth"]
    for name in ARRAYS:
        exact, quantized = a[name], p[name]
        assert np.array_equal(exact, z[name]), f"clip {i} {name}: npz differs from npy"
        assert exact.shape == quantized.shape, (name, exact.shape, quantized.shape)
        if name == "depth":
            lo, hi = gt["depth_range"]
            assert np.array_equal(np.isinf(exact), np.isinf(quantized)), "depth: no-surface pixels"
            seen = np.isfinite(exact)
            err = np.abs(exact[seen].astype(np.float64) - quantized[seen]).max()
            assert err <= (hi - lo) / 131068 + hi * 1e-7, f"depth error {err}"
        elif name == "flow":
            lo, hi = gt["flow_range"]
            err = np.abs(exact.astype(np.float64) - quantized).max()
            assert err <= (hi - lo) / 131070 + 1e-6, f"flow error {err}"
        elif name == "normals":
            err = np.abs(exact.astype(np.float64) - quantized).max()
            assert err <= 1 / 65535 + 1e-6, f"normal error {err}"
        else:
            assert np.array_equal(exact, quantized), f"{name} must be exact"
    rgb = a["rgb"]
    T, H, W = a["depth"].shape
    assert rgb.shape == (T, H, W, 3) and rgb.dtype == np.uint8, rgb.shape
    assert a["audio"].ndim == 2 and a["audio"].shape[1] == 2, a["audio"].shape
    boxes = a.boxes()
    assert boxes.shape == (T, len(a.object_ids), 4)
    masks = a.masks()
    for n, oid in enumerate(a.object_ids):
        for t in range(T):
            ys, xs = np.nonzero(masks[oid][t])
            if len(xs) == 0:
                assert np.isnan(boxes[t, n]).all(), "an unseen object has no box"
            else:
                assert list(boxes[t, n]) == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], (
                    f"clip {i} frame {t} object {oid}: box {boxes[t, n]} is not the mask's"
                )

    # COCO RLE masks decode (numpy-only decoder, pycocotools' algorithm) to the instance masks
    decoded = a.decoded_coco_masks()
    for oid, mask in masks.items():
        expected = decoded.get(oid, np.zeros_like(mask))
        assert np.array_equal(mask, expected), f"clip {i} object {oid}: COCO mask differs"
    # lossless frames: the same bytes in every format; the video is close to them
    assert np.array_equal(a["rgb"], p["rgb"]), "rgb frames differ between formats"
    video = read_video(f"{a.path}/rgb.mp4", W, H).astype(np.float64)
    mse = np.mean((video - a["rgb"]) ** 2)
    assert 10 * np.log10(255**2 / max(mse, 1e-9)) > 28, f"rgb.mp4 is far from the frames ({mse})"

shards = sorted(glob.glob(f"{packed_dir}/*.tar"))
samples = list(iterate_shards(shards, gt_format="png16"))
assert [s["__key__"] for s in samples] == ["clip_00000", "clip_00001"], [s["__key__"] for s in samples]
for s, clip in zip(samples, png):
    for name in ARRAYS + ["rgb", "audio"]:
        assert np.array_equal(s[name], clip[name]), f"packed {name} differs from the folder's"
    assert s["labels"] == clip.labels

import torch
from synthvid.torch import ClipDataset, collate_clips

loader = torch.utils.data.DataLoader(
    ClipDataset(png_dir), batch_size=2, num_workers=2, collate_fn=collate_clips
)
batches = list(loader)
assert len(batches) == 1
b = batches[0]
assert b["rgb"].shape == (2, T, 3, H, W) and b["rgb"].dtype == torch.uint8, b["rgb"].shape
assert b["depth"].shape == (2, T, H, W) and b["instance"].dtype == torch.int64
assert torch.equal(b["depth"][1], torch.from_numpy(png[1]["depth"]))
assert len(b["boxes"]) == 2 and b["boxes"][0].shape[-1] == 4
assert isinstance(b["captions"][0], list)
print("reader ok:", json.dumps({"clips": len(npy), "frames": T, "size": [W, H]}))
