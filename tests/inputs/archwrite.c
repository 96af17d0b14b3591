/* archwrite: writes test archives with libarchive, for the formats Python's
 * standard library cannot write (7z, zstd).
 *   archwrite FORMAT FILTER OUT FILE...
 * FORMAT: 7z, tar, zip or raw (one FILE, only compressed); FILTER: none,
 * gzip, bzip2, xz or zstd. Each FILE becomes a member named by its last
 * path component. Exit status 0, or 1
 * with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

/* Sets format and filter of w. Returns 0, or -1 when either is unknown. */
static int setup(struct archive *w, const char *format, const char *filter)
{
	int rc = strcmp(format, "7z") == 0    ? archive_write_set_format_7zip(w)
		 : strcmp(format, "tar") == 0 ? archive_write_set_format_pax_restricted(w)
		 : strcmp(format, "zip") == 0 ? archive_write_set_format_zip(w)
		 : strcmp(format, "raw") == 0 ? archive_write_set_format_raw(w)
					      : ARCHIVE_FATAL;

	if (rc != ARCHIVE_OK)
		return -1;
	rc = strcmp(filter, "none") == 0    ? ARCHIVE_OK
	     : strcmp(filter, "gzip") == 0  ? archive_write_add_filter_gzip(w)
	     : strcmp(filter, "bzip2") == 0 ? archive_write_add_filter_bzip2(w)
	     : strcmp(filter, "xz") == 0    ? archive_write_add_filter_xz(w)
	     : strcmp(filter, "zstd") == 0  ? archive_write_add_filter_zstd(w)
					    : ARCHIVE_FATAL;
	return rc == ARCHIVE_OK ? 0 : -1;
}

/* Adds the file at path as a member. Returns 0, or -1 with a message. */
static int add(struct archive *w, const char *path)
{
	const char *base = strrchr(path, '/');
	struct archive_entry *e;
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long n;
	int rc = -1;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    !(data = malloc((size_t)n + 1)) || fread(data, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "archwrite: cannot read %s\n", path);
		goto done;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, base ? base + 1 : path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, n);
	if (archive_write_header(w, e) == ARCHIVE_OK && archive_write_data(w, data, (size_t)n) == n)
		rc = 0;
	else
		fprintf(stderr, "archwrite: %s: %s\n", path, archive_error_string(w));
	archive_entry_free(e);
done:
	free(data);
	if (fp)
		fclose(fp);
	return rc;
}

int main(int argc, char **argv)
{
	struct archive *w = archive_write_new();
	int i, rc = 0;

	if (argc < 5 || setup(w, argv[1], argv[2]) != 0) {
		fprintf(stderr, "usage: archwrite 7z|tar|zip|raw none|gzip|bzip2|xz|zstd OUT FILE...\n");
		archive_write_free(w);
		return 1;
	}
	if (archive_write_open_filename(w, argv[3]) != ARCHIVE_OK) {
		fprintf(stderr, "archwrite: %s: %s\n", argv[3], archive_error_string(w));
		archive_write_free(w);
		return 1;
	}
	for (i = 4; i < argc && rc == 0; i++)
		rc = add(w, argv[i]);
	if (archive_write_close(w) != ARCHIVE_OK)
		rc = -1;
	archive_write_free(w);
	return rc == 0 ? 0 : 1;
}
