/* nd_writeback: asks the operating system to start writing a file's
 * changed pages to the disk now, without waiting for them, so that a later
 * sync of the file (fsync, fdatasync) finds less left to write. */
#ifndef ND_WRITEBACK_H
#define ND_WRITEBACK_H

/* Starts writing to the disk the pages of the file at path that were
 * written and are not on the disk yet, through a descriptor this process
 * already has open on that file (SQLite's): opening and closing one of its
 * own would drop every POSIX lock the process holds on the file. Neither
 * waits for the writes nor changes what a sync guarantees. Returns 1 when
 * the writes were started, 0 when the process has no descriptor of that
 * file open or the system cannot do it (Linux can; elsewhere it always
 * returns 0). */
int nd_writeback_start(const char *path);

/* Returns 1 when nd_writeback_start can start writes on this system
 * (Linux), else 0. */
int nd_writeback_supported(void);

#endif
