"""COCO run-length masks (labels.json `masks`, output coco_masks), decoded with numpy alone."""
import numpy as np


def counts_from_string(text):
    """Run lengths from COCO's compact string (as pycocotools' rleFrString reads it)."""
    counts, p = [], 0
    while p < len(text):
        x, k, more = 0, 0, True
        while more:
            c = ord(text[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and c & 0x10:
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def decode_rle(rle):
    """{"size": [h, w], "counts": str or list} → h x w bool mask (pycocotools.mask.decode's result)."""
    h, w = rle["size"]
    counts = rle["counts"]
    if isinstance(counts, str):
        counts = counts_from_string(counts)
    flat = np.zeros(h * w, bool)
    at, value = 0, False
    for n in counts:
        if value:
            flat[at:at + n] = True
        at += n
        value = not value
    return flat.reshape(w, h).T  # column-major runs
