#!/usr/bin/env python3
"""Turns the fast targets' corpora into seeds for the file-level targets
(pipeline, tail): a decoder or walk input (a chunk, its signature forced
by those targets) gets the chunk signature, so fuzz_evtx_image reads it as
a chunk behind a fixed file header; an event_xml input gets a leading mode
byte 0, so it is written as it is and recognised as XML. The slow targets
then start from what the fast ones found in millions of execs instead of
rediscovering it at 20-40 execs a second.

    tests/fuzz/cross-seeds.py CORPUS_DIR OUTDIR

Reads CORPUS_DIR/{decoder,walk,event_xml}; writes OUTDIR/chunks/ (seeds for
pipeline and tail) and OUTDIR/xml/ (pipeline); prints how many it wrote."""
import os
import sys

SIGNATURE = b"ElfChnk\0"


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    corpus, out = argv[1], argv[2]
    written = {"chunks": 0, "xml": 0}
    for target, kind in (("decoder", "chunks"), ("walk", "chunks"), ("event_xml", "xml")):
        src = os.path.join(corpus, target)
        if not os.path.isdir(src):
            continue
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        for name in sorted(os.listdir(src)):
            with open(os.path.join(src, name), "rb") as f:
                data = f.read()
            if kind == "chunks":
                if len(data) < len(SIGNATURE):
                    continue
                data = SIGNATURE + data[len(SIGNATURE):]
            else:
                data = b"\0" + data
            with open(os.path.join(out, kind, target + "-" + name), "wb") as f:
                f.write(data)
            written[kind] += 1
    print("%d chunk seeds, %d XML seeds" % (written["chunks"], written["xml"]))


if __name__ == "__main__":
    main(sys.argv)
