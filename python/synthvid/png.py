"""PNG reading for synthvid's ground truth: 8- and 16-bit, 1-4 channels.

Pillow reads 16-bit grey PNGs but not 16-bit RGB ones (it keeps 8 bits), and synthvid's png16
flow and normals are 16-bit RGB, so the files synthvid writes (filters none/sub/up) are decoded
here with zlib and numpy; anything else goes to Pillow.
"""
import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def read_png(source):
    """A PNG file (path or bytes) as an H x W (grey) or H x W x C array of uint8 or uint16."""
    if isinstance(source, (bytes, bytearray)):
        data, path = bytes(source), "PNG bytes"
    else:
        path = source
        with open(path, "rb") as f:
            data = f.read()
    if data[:8] != _SIGNATURE:
        raise ValueError(f"{path}: not a PNG file")
    at, idat, header = 8, [], None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth not in (8, 16) or colour not in _CHANNELS or interlace:
        return _with_pillow(data)
    channels = _CHANNELS[colour]
    stride = width * channels * depth // 8
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(height, stride + 1)
    filters, rows = raw[:, 0], raw[:, 1:].copy()
    if np.any(filters > 2):
        return _with_pillow(data)
    step = channels * depth // 8
    for y in range(height):
        if filters[y] == 1:  # sub: add the byte one pixel to the left, left to right
            line = rows[y].reshape(-1, step)
            rows[y] = np.cumsum(line, axis=0, dtype=np.uint8).reshape(-1)
        elif filters[y] == 2 and y > 0:  # up: add the byte above
            rows[y] += rows[y - 1]
    if depth == 16:
        pixels = rows.reshape(height, -1).view(">u2").astype(np.uint16)
    else:
        pixels = rows
    shape = (height, width) if channels == 1 else (height, width, channels)
    return pixels.reshape(shape)


def _with_pillow(data):
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return np.array(image)
