"""WAV reading (16-bit PCM and 32-bit float, what synthvid writes) without extra packages."""
import struct

import numpy as np


def read_wav(path):
    """(samples x channels float32 in -1..1, sample rate)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    at, fmt, body = 12, None, None
    while at + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[at:at + 8])
        chunk = data[at + 8:at + 8 + size]
        if kind == b"fmt ":
            fmt = list(struct.unpack("<HHIIHH", chunk[:16]))
            if fmt[0] == 0xFFFE and len(chunk) >= 26:  # extensible: the sub-format GUID says which
                fmt[0] = struct.unpack("<H", chunk[24:26])[0]
        elif kind == b"data":
            body = chunk
        at += 8 + size + (size & 1)
    if fmt is None or body is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    code, channels, rate, _, _, bits = fmt
    if code == 3 and bits == 32:
        samples = np.frombuffer(body, "<f4")
    elif code == 1 and bits == 16:
        samples = np.frombuffer(body, "<i2").astype(np.float32) / 32768
    else:
        raise ValueError(f"{path}: format {code} with {bits} bits is not read here")
    return samples.reshape(-1, channels).astype(np.float32), rate
