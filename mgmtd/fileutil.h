/* Small file helpers shared by the core: atomic replacement and reading. */
#ifndef MGMTD_FILEUTIL_H
#define MGMTD_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>

/* Replace path with data atomically: write a temporary file in the same
 * directory, fsync it, rename it over path, fsync the directory.  A crash
 * at any point leaves either the old or the new content.  Returns 0 or a
 * negative errno (path untouched). */
int fileutil_write_atomic(const char *path, const char *data, size_t len,
			  unsigned mode);

/* Open a temporary file next to path for writing with stdio; commit it with
 * fileutil_tmp_commit (fflush, fsync, fclose, rename, fsync dir) or drop it
 * with fileutil_tmp_discard.  tmp_path must hold PATH_MAX bytes. */
int fileutil_tmp_open(const char *path, unsigned mode, FILE **f,
		      char *tmp_path);
int fileutil_tmp_commit(FILE *f, const char *tmp_path, const char *path);
void fileutil_tmp_discard(FILE *f, const char *tmp_path);

/* fsync the directory that contains path. */
int fileutil_fsync_parent(const char *path);
/* mkdir -p with mode for the directories it creates. */
int fileutil_mkdir_p(const char *dir, unsigned mode);
/* Read a whole file (NUL-terminated, owned by caller) of at most max bytes;
 * -EFBIG beyond. */
int fileutil_read(const char *path, size_t max, char **data, size_t *len);

#endif
