#include "fuzz_evtx_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_format.h"

/* Stores v little-endian at p. Returns nothing. */
static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int fuzz_evtx_image(const char *path, const uint8_t *data, size_t size)
{
	uint8_t header[ND_EVTX_FILE_HEADER_SIZE] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
	static nd_evtx_chunk_walk walk;
	uint8_t *chunk, mode = 0;
	size_t nchunks, i, n;
	FILE *fp = fopen(path, "wb");
	int rc = 0;

	if (!fp)
		return -1;
	if (size >= 8 && memcmp(data, "ElfChnk", 8) == 0)
		mode = 5;
	else if (size && !(size >= 8 && memcmp(data, "ElfFile", 8) == 0))
		mode = data[0], data++, size--;
	if (!(mode & 1)) {
		rc = fwrite(data, 1, size, fp) == size ? 0 : -1;
		return fclose(fp) == 0 ? rc : -1;
	}
	nchunks = (size + ND_EVTX_CHUNK_SIZE - 1) / ND_EVTX_CHUNK_SIZE;
	if (nchunks > 4)
		nchunks = 4;
	put_le(header + 16, nchunks ? nchunks - 1 : 0, 8); /* last chunk */
	put_le(header + 24, 1000000, 8);                    /* next record id */
	put_le(header + 32, 128, 4);                        /* header size */
	put_le(header + 36, 1, 2);                          /* minor version */
	put_le(header + 38, 3, 2);                          /* major version */
	put_le(header + 40, ND_EVTX_FILE_HEADER_SIZE, 2);
	put_le(header + 42, nchunks, 2);
	put_le(header + 120, mode & 2 ? ND_EVTX_FILE_FLAG_DIRTY : 0, 4);
	put_le(header + 124, nd_crc32(0, header, 120), 4);
	if (!(chunk = malloc(ND_EVTX_CHUNK_SIZE)) || fwrite(header, 1, sizeof(header), fp) != sizeof(header))
		rc = -1;
	for (i = 0; rc == 0 && i < nchunks; i++) {
		n = size - i * ND_EVTX_CHUNK_SIZE;
		if (n > ND_EVTX_CHUNK_SIZE)
			n = ND_EVTX_CHUNK_SIZE;
		memset(chunk, 0, ND_EVTX_CHUNK_SIZE);
		memcpy(chunk, data + i * ND_EVTX_CHUNK_SIZE, n);
		if (mode & 4) {
			memcpy(chunk, "ElfChnk", 8);
			nd_evtx_walk_chunk(chunk, ND_EVTX_CHUNK_SIZE, &walk);
			nd_evtx_chunk_fix_header(chunk, &walk, walk.count);
		}
		if (fwrite(chunk, 1, ND_EVTX_CHUNK_SIZE, fp) != ND_EVTX_CHUNK_SIZE)
			rc = -1;
	}
	free(chunk);
	return fclose(fp) == 0 ? rc : -1;
}
