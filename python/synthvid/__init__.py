"""Read synthvid datasets from Python (numpy and Pillow; PyTorch optional).

    from synthvid import open_dataset
    ds = open_dataset("out")
    ds[0]["depth"], ds[0]["rgb"], ds[0].boxes(), ds[0].captions

synthvid.torch.ClipDataset wraps a dataset for a DataLoader; synthvid.webdataset.iterate_shards
reads the tar shards of `deno task pack`.
"""
from .dataset import Clip, Dataset, decode_png16, open_dataset, read_video
from .png import read_png
from .rle import decode_rle
from .wav import read_wav

__all__ = [
    "Clip",
    "Dataset",
    "decode_png16",
    "decode_rle",
    "open_dataset",
    "read_png",
    "read_video",
    "read_wav",
]
