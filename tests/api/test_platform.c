/* The platform layer: files (a FIFO, a directory and a missing path are
 * refused at once, a regular file opens with its identity), directory
 * listings, the executable's directory, the clock and a sleep that a stop
 * flag cuts short. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/check.h"
#include "nd_clock.h"
#include "nd_dir.h"
#include "nd_exe.h"
#include "nd_file.h"

int main(void)
{
	char dir[] = "/tmp/npsdiag-platform.XXXXXX", path[256], fifo[256], exe[4096];
	volatile sig_atomic_t stop = 1;
	nd_dir_names names;
	nd_file_info info;
	uint64_t t0;
	nd_error err;
	FILE *fp;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/a.evtx", dir);
	snprintf(fifo, sizeof(fifo), "%s/b.fifo", dir);
	fp = fopen(path, "wb");
	CHECK(fp && fputs("ElfFile", fp) >= 0 && fclose(fp) == 0);
	CHECK(mkfifo(fifo, 0600) == 0);

	/* A regular file opens, with its size and identity. */
	CHECK(nd_file_open_read(path, &fp, &info, &err) == 0 && fp);
	CHECK(info.type == ND_FILE_REGULAR && info.size == 7 && info.ino != 0);
	if (fp)
		fclose(fp);
	/* A FIFO without a writer is refused at once, and named. */
	t0 = nd_clock_ms();
	CHECK(nd_file_open_read(fifo, &fp, NULL, &err) == -1 && !fp);
	CHECK(strstr(err.message, fifo) && strstr(err.message, "not a regular file (a FIFO)"));
	CHECK(nd_clock_ms() - t0 < 1000);
	CHECK(nd_file_open_read(dir, &fp, NULL, &err) == -1 && strstr(err.message, "a directory"));
	CHECK(nd_file_open_read("/nonexistent/x.evtx", &fp, NULL, &err) == -1 &&
	      strstr(err.message, "/nonexistent/x.evtx: cannot open"));

	CHECK(nd_file_stat(fifo, 0, &info) == 0 && info.type == ND_FILE_OTHER);
	CHECK(nd_file_is_dir(dir) == 1 && nd_file_is_dir(path) == 0);

	/* The listing has both entries and no "." or "..". */
	CHECK(nd_dir_list(dir, &names, &err) == 0 && names.n == 2);
	nd_dir_names_free(&names);
	CHECK(nd_dir_list("/nonexistent", &names, &err) == -1 && strstr(err.message, "cannot read directory"));

	/* The executable's directory: where this test program is. */
	CHECK(nd_exe_dir(exe, sizeof(exe)) == 0 && exe[0] == '/' && nd_file_is_dir(exe));
	CHECK(nd_exe_dir(exe, 4) == -1);

	/* A sleep with the stop flag set returns at once; without, it sleeps. */
	t0 = nd_clock_ms();
	nd_clock_sleep_ms(5000, &stop);
	CHECK(nd_clock_ms() - t0 < 1000);
	t0 = nd_clock_ms();
	nd_clock_sleep_ms(50, NULL);
	CHECK(nd_clock_ms() - t0 >= 50);

	unlink(path);
	unlink(fifo);
	rmdir(dir);
	return check_report();
}
