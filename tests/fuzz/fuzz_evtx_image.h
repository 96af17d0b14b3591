/* fuzz_evtx_image: turns a fuzz input into the bytes of a file for the
 * file-level targets: an .evtx file around the input's chunks, or the
 * input as it is (any format npsdiag recognises by content). */
#ifndef FUZZ_EVTX_IMAGE_H
#define FUZZ_EVTX_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Writes a file at path from the input. An input that starts as an .evtx
 * file is written as it is; one that starts as a chunk is read as chunks
 * with header fixing (mode 5 below); otherwise its first byte is the
 * mode: bit 0 clear, the rest of the input is written as it is; set, the
 * rest is cut into 64 KiB chunks (at most four, the last padded with
 * zeros) behind a valid file header (dirty when bit 1 is set), and bit 2
 * set gives each chunk its signature and header CRCs. Returns 0, or -1
 * when the file could not be written. */
int fuzz_evtx_image(const char *path, const uint8_t *data, size_t size);

#endif
