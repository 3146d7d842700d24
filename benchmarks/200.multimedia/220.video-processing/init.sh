#!/usr/bin/env bash
# Build step: writes <function dir>/resources/watermark.png (no binary files in git).
# Called as: init.sh <function dir> <verbose> <arch>. Needs only python3 (standard library) on the build host.
set -euo pipefail
dest="$1/resources"
mkdir -p "$dest"
python3 - "$dest/watermark.png" <<'PY'
# A 96x32 RGBA badge: translucent white frame and diagonal stripes, written as a PNG with zlib.
import struct
import sys
import zlib

W, H = 96, 32
rows = []
for y in range(H):
    row = bytearray([0])  # filter type 0 for every scanline
    for x in range(W):
        border = x < 2 or y < 2 or x >= W - 2 or y >= H - 2
        stripe = (x + y) % 12 < 4
        alpha = 200 if border else (140 if stripe else 0)
        row += bytes((255, 255, 255, alpha))
    rows.append(bytes(row))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
with open(sys.argv[1], "wb") as f:
    f.write(png)
PY
