#!/usr/bin/env python3
"""Cuts small fuzz seeds from .evtx files: every chunk's header and its
first N records (found by their framing), so that the walk and decoder
targets start from inputs of a few KiB instead of 64 KiB chunks.

    tests/fuzz/cut-chunks.py [-records N] OUTDIR FILE.evtx...

Writes OUTDIR/<file>-c<chunk>.bin; prints how many it wrote."""
import os
import struct
import sys

CHUNK, FILE_HEADER, CHUNK_HEADER = 65536, 4096, 512


def cut(chunk, records):
    off = CHUNK_HEADER
    for _ in range(records):
        if off + 28 > len(chunk) or chunk[off:off + 4] != b"**\0\0":
            break
        size = struct.unpack_from("<I", chunk, off + 4)[0]
        if size < 28 or off + size > len(chunk) or struct.unpack_from("<I", chunk, off + size - 4)[0] != size:
            break
        off += size
    return chunk[:off] if off > CHUNK_HEADER else None


def main(argv):
    records = 1
    if len(argv) > 2 and argv[0] == "-records":
        records, argv = int(argv[1]), argv[2:]
    if len(argv) < 2:
        sys.exit(__doc__)
    out, wrote = argv[0], 0
    os.makedirs(out, exist_ok=True)
    for path in argv[1:]:
        data = open(path, "rb").read()
        name = os.path.splitext(os.path.basename(path))[0]
        for k, at in enumerate(range(FILE_HEADER, len(data) - CHUNK_HEADER + 1, CHUNK)):
            chunk = data[at:at + CHUNK]
            if chunk[:8] != b"ElfChnk\0":
                continue
            seed = cut(chunk, records)
            if seed:
                with open(os.path.join(out, "%s-c%d.bin" % (name, k)), "wb") as f:
                    f.write(seed)
                wrote += 1
    print(wrote)


if __name__ == "__main__":
    main(sys.argv[1:])
