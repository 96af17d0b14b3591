/* A stand-alone driver for the fuzz targets, for ctest: for each file named
 * (a seed), runs the target on the seed, on every EVTX chunk inside it
 * when it is an EVTX file, and on deterministic mutations of those (byte
 * flips, overwrites with boundary values, truncations). Prints
 * "N passed, 0 failed"; a crash or sanitizer report is the failure.
 *
 *   fuzz_TARGET [-rounds N] [-max-chunks N] FILE...
 *
 * -max-chunks takes at most N chunks of each EVTX file, spread evenly
 * over it, to bound the time on a large corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small deterministic generator (xorshift). Returns the next value. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Runs the target on one input; with $FUZZ_LAST set, first writes the
 * input to that file, so that an input that kills the process can be
 * found. Returns nothing. */
static void run_one(const uint8_t *p, size_t n)
{
	const char *last = getenv("FUZZ_LAST");

	if (last) {
		FILE *fp = fopen(last, "wb");

		if (fp) {
			fwrite(p, 1, n, fp);
			fclose(fp);
		}
	}
	LLVMFuzzerTestOneInput(p, n);
}

/* Runs the target on p and `rounds` mutations of it. Returns the number of
 * inputs run. */
static unsigned run_mutations(const uint8_t *p, size_t n, unsigned rounds, uint32_t seed)
{
	static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0c, 0x0d, 0x0e, 0x0f, 0x21, 0x81};
	uint8_t *m = malloc(n ? n : 1);
	unsigned i, runs = 0;

	if (!m)
		return 0;
	run_one(p, n);
	runs++;
	for (i = 0; i < rounds && n > 0; i++) {
		unsigned k, flips = 1 + next_rand(&seed) % 8;
		size_t len = n;

		memcpy(m, p, n);
		for (k = 0; k < flips; k++) {
			size_t at = 512 + next_rand(&seed) % (n > 512 ? n - 512 : 1);

			if (at >= n)
				at = next_rand(&seed) % n;
			if (next_rand(&seed) & 1)
				m[at] ^= (uint8_t)(1u << (next_rand(&seed) % 8));
			else
				m[at] = edge[next_rand(&seed) % sizeof(edge)];
		}
		if (next_rand(&seed) % 8 == 0)
			len = next_rand(&seed) % n;
		run_one(m, len);
		runs++;
	}
	free(m);
	return runs;
}

int main(int argc, char **argv)
{
	unsigned rounds = 200, runs = 0;
	long max_chunks = 0;
	int i;

	while (argc > 2 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-rounds") == 0)
			rounds = (unsigned)atoi(argv[2]);
		else if (strcmp(argv[1], "-max-chunks") == 0)
			max_chunks = atol(argv[2]);
		else
			break;
		argv += 2;
		argc -= 2;
	}
	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		uint8_t *buf;
		long size;

		if (!fp || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 2;
		}
		buf = malloc((size_t)size + 1);
		if (!buf || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 2;
		}
		fclose(fp);
		if (size > 4096 && memcmp(buf, "ElfFile", 8) == 0) {
			long off, chunks = (size - 4096 + 65535) / 65536, step = 1;

			if (max_chunks > 0 && chunks > max_chunks)
				step = (chunks + max_chunks - 1) / max_chunks;
			for (off = 4096; off < size; off += 65536 * step) {
				size_t n = (size_t)(size - off < 65536 ? size - off : 65536);

				runs += run_mutations(buf + off, n, rounds, (uint32_t)(off + 1) * 2654435761u);
			}
		} else {
			runs += run_mutations(buf, (size_t)size, rounds, 12345u + (uint32_t)i);
		}
		free(buf);
	}
	printf("%u passed, 0 failed\n", runs);
	return 0;
}
