/* Small file helpers: atomic replacement, staged files, whole-file reads.
 *
 * Replacement is always write-to-temporary, fsync, rename, fsync of the
 * directory: after a crash a reader finds the old content or the new one,
 * never a mix, and a rename that returned is durable. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "mgmtd/plugin.h"

#define FILEUTIL_STAGED_SUFFIX ".mgmtd-new"

static int fileutil_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Close fd after writing; returns rc, or close's error if rc was 0 (NFS
 * reports write errors there). */
static int fileutil_close(int fd, int rc)
{
	/* On Linux the descriptor is gone even when close() fails with EINTR;
	 * retrying could close somebody else's. */
	if (close(fd) < 0 && errno != EINTR && rc == 0)
		return -errno;
	return rc;
}

/* Copy path's directory part (".", if it has none) into dir. */
static int fileutil_dirname(const char *path, char dir[PATH_MAX])
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		strcpy(dir, ".");
		return 0;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return 0;
}

int fileutil_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc;

	rc = fileutil_dirname(path, dir);
	if (rc < 0)
		return rc;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fsync(fd) < 0 ? -errno : 0;
	/* Some filesystems cannot sync a directory; they do not need to. */
	if (rc == -EINVAL)
		rc = 0;
	close(fd);
	return rc;
}

/* Create "<dir>/.<base>.XXXXXX" with mode (exactly: no umask), open for
 * writing.  The dot keeps it out of globs such as "*.conf".  tmp_path is ""
 * on failure, so that a discard after it is harmless. */
static int fileutil_tmp_create(const char *path, unsigned mode,
			       char tmp_path[PATH_MAX], int *fdp)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dlen = slash ? (int)(slash - path) + 1 : 0;
	int n, fd, rc;

	if (!*base) {
		rc = -EISDIR;
		goto fail;
	}
	n = snprintf(tmp_path, PATH_MAX, "%.*s.%s.XXXXXX", dlen, path, base);
	if (n < 0 || n >= PATH_MAX) {
		rc = -ENAMETOOLONG;
		goto fail;
	}
	fd = mkostemp(tmp_path, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (fchmod(fd, mode & 07777) < 0) {
		rc = -errno;
		close(fd);
		unlink(tmp_path);
		goto fail;
	}
	*fdp = fd;
	return 0;
fail:
	tmp_path[0] = '\0';
	return rc;
}

/* Rename tmp_path over path and make it durable; removes tmp_path if the
 * rename fails. */
static int fileutil_tmp_rename(const char *tmp_path, const char *path)
{
	if (rename(tmp_path, path) < 0) {
		int rc = -errno;

		unlink(tmp_path);
		return rc;
	}
	/* The new content is in place; an error here only means that it may
	 * not survive a crash, which the caller must still hear about. */
	return fileutil_fsync_parent(path);
}

int fileutil_write_atomic(const char *path, const char *data, size_t len,
			  unsigned mode)
{
	char tmp_path[PATH_MAX];
	int fd = -1, rc;

	rc = fileutil_tmp_create(path, mode, tmp_path, &fd);
	if (rc < 0)
		return rc;
	rc = fileutil_write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	rc = fileutil_close(fd, rc);
	if (rc == 0)
		return fileutil_tmp_rename(tmp_path, path);
	unlink(tmp_path);
	return rc;
}

int fileutil_tmp_open(const char *path, unsigned mode, FILE **f,
		      char *tmp_path)
{
	int fd = -1, rc;

	*f = NULL;
	rc = fileutil_tmp_create(path, mode, tmp_path, &fd);
	if (rc < 0)
		return rc;
	*f = fdopen(fd, "w");
	if (!*f) {
		rc = -errno;
		close(fd);
		unlink(tmp_path);
		tmp_path[0] = '\0';
	}
	return rc;
}

int fileutil_tmp_commit(FILE *f, const char *tmp_path, const char *path)
{
	int rc = 0;

	errno = 0;
	/* fflush first: stdio may still hold data that a write error hides. */
	if (fflush(f) != 0 || ferror(f))
		rc = -(errno ? errno : EIO);
	if (rc == 0 && fsync(fileno(f)) < 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -(errno ? errno : EIO);
	if (rc < 0) {
		unlink(tmp_path);
		return rc;
	}
	return fileutil_tmp_rename(tmp_path, path);
}

void fileutil_tmp_discard(FILE *f, const char *tmp_path)
{
	if (f)
		fclose(f);
	if (tmp_path && *tmp_path)
		unlink(tmp_path);
}

/* mkdir that accepts an existing directory (but not an existing file). */
static int fileutil_mkdir_one(const char *dir, unsigned mode)
{
	struct stat st;

	if (mkdir(dir, mode & 07777) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int fileutil_mkdir_p(const char *dir, unsigned mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(dir);
	int rc;

	if (!len)
		return -EINVAL;
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, dir, len + 1);
	/* Each prefix ending before a slash, then the whole path; "a//b" and
	 * a trailing slash just repeat an existing prefix. */
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = fileutil_mkdir_one(buf, mode);
		*p = '/';
		if (rc < 0)
			return rc;
	}
	return fileutil_mkdir_one(buf, mode);
}

/* Append what fd has left to *buf, failing with -EFBIG past max bytes.
 * Files of /proc report a size of 0, so the size is not trusted. */
static int fileutil_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t alloc = 0;
	char *p;

	for (;;) {
		ssize_t n;

		if (*len + 1 >= alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			p = realloc(*buf, alloc);
			if (!p)
				return -ENOMEM;
			*buf = p;
		}
		n = read(fd, *buf + *len, alloc - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len > max)
			return -EFBIG;
	}
}

int fileutil_read(const char *path, size_t max, char **data, size_t *len)
{
	size_t n = 0;
	char *buf = NULL;
	int fd, rc;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fileutil_read_fd(fd, max, &buf, &n);
	close(fd);
	if (rc < 0)
		goto out;
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Staged files for plugins                                            */

static int fileutil_staged_name(const char *path, char staged[PATH_MAX])
{
	int n = snprintf(staged, PATH_MAX, "%s" FILEUTIL_STAGED_SUFFIX, path);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* A service may read its file as another user or group: the replacement
 * keeps the target's owner.  Before fchmod(), which chown would undo for
 * set-id bits. */
static int fileutil_keep_owner(int fd, const char *path)
{
	struct stat target, self;

	if (stat(path, &target) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &self) < 0)
		return -errno;
	if (self.st_uid == target.st_uid && self.st_gid == target.st_gid)
		return 0;
	return fchown(fd, target.st_uid, target.st_gid) < 0 ? -errno : 0;
}

/* Write staged from scratch: a leftover of an earlier crash may have the
 * wrong owner or mode, so it is removed rather than truncated. */
static int fileutil_stage_write(const char *path, const char *staged,
				const char *data, size_t len, unsigned mode)
{
	int fd, rc;

	if (unlink(staged) < 0 && errno != ENOENT)
		return -errno;
	fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	rc = fileutil_keep_owner(fd, path);
	if (rc == 0 && fchmod(fd, mode & 07777) < 0)
		rc = -errno;
	if (rc == 0)
		rc = fileutil_write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	rc = fileutil_close(fd, rc);
	if (rc < 0)
		unlink(staged);
	return rc;
}

int mgmtd_file_stage(const char *path, const char *data, size_t len,
		     unsigned mode, struct mgmtd_err *err, const char *errpath)
{
	char staged[PATH_MAX];
	int rc;

	rc = fileutil_staged_name(path, staged);
	if (rc == 0)
		rc = fileutil_stage_write(path, staged, data, len, mode);
	if (rc < 0)
		mgmtd_err_add(err, MGMTD_E_FAILED, errpath,
			      "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

int mgmtd_file_commit(const char *path)
{
	char staged[PATH_MAX];
	int rc;

	rc = fileutil_staged_name(path, staged);
	if (rc < 0)
		return rc;
	if (rename(staged, path) < 0)
		return -errno;
	return fileutil_fsync_parent(path);
}

void mgmtd_file_discard(const char *path)
{
	char staged[PATH_MAX];

	/* Nothing staged (ENOENT) is the common case; other errors leave a
	 * file that the next stage removes anyway. */
	if (fileutil_staged_name(path, staged) == 0)
		unlink(staged);
}
