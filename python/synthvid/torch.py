"""A PyTorch Dataset over a synthvid dataset: one sample per clip, as tensors.

    from synthvid.torch import ClipDataset, collate_clips
    loader = torch.utils.data.DataLoader(ClipDataset("out"), batch_size=2, num_workers=2,
                                         collate_fn=collate_clips)

A sample holds, for the outputs the dataset has: rgb (T x 3 x H x W uint8), depth (T x H x W),
normals (T x H x W x 3), instance (T x H x W int64), flow (T x H x W x 2), alpha, audio
(samples x channels), boxes (T x N x 4, NaN when not visible), visibility (T x N), ids (N),
keypoints ({person id: T x 17 x 3}), captions (list of str) and labels (the parsed labels.json).
"""
import numpy as np
import torch

from .dataset import open_dataset


class ClipDataset(torch.utils.data.Dataset):
    def __init__(self, path, outputs=None):
        self.dataset = open_dataset(path)
        self.outputs = outputs

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        clip = self.dataset[i]
        sample = {}
        for name in self.outputs or clip.keys():
            array = clip[name]
            if name == "rgb":
                sample[name] = torch.from_numpy(np.ascontiguousarray(array.transpose(0, 3, 1, 2)))
            elif name == "normals":
                sample[name] = torch.from_numpy(array.astype(np.float32))
            elif name == "instance":
                sample[name] = torch.from_numpy(array.astype(np.int64))
            else:
                sample[name] = torch.from_numpy(np.ascontiguousarray(array))
        sample["boxes"] = torch.from_numpy(clip.boxes())
        sample["visibility"] = torch.from_numpy(clip.visibility())
        sample["ids"] = torch.tensor(clip.object_ids, dtype=torch.int64)
        sample["keypoints"] = {k: torch.from_numpy(v) for k, v in clip.keypoints().items()}
        sample["captions"] = [c["text"] for c in clip.captions]
        sample["labels"] = clip.labels
        return sample


def collate_clips(samples):
    """Stacks what has one shape across clips (frames, depth, ...); keeps lists of the rest."""
    out = {}
    for key in samples[0]:
        values = [s[key] for s in samples]
        same = all(isinstance(v, torch.Tensor) for v in values) and len({v.shape for v in values}) == 1
        out[key] = torch.stack(values) if same and key not in ("boxes", "visibility", "ids") else values
    return out
