#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* One row per code, so that the three mappings cannot drift apart. */
struct err_code_info {
	const char *name;
	int http_status;
	int neg_errno;
};

static const struct err_code_info err_codes[] = {
	[MGMTD_E_OK] = {
		.name = "ok",
		.http_status = 200,
		.neg_errno = 0,
	},
	[MGMTD_E_INVALID] = {
		.name = "invalid",
		.http_status = 400,
		.neg_errno = -EINVAL,
	},
	[MGMTD_E_INCONSISTENT] = {
		.name = "inconsistent",
		.http_status = 400,
		.neg_errno = -EINVAL,
	},
	[MGMTD_E_NOT_FOUND] = {
		.name = "not_found",
		.http_status = 404,
		.neg_errno = -ENOENT,
	},
	[MGMTD_E_CONFLICT] = {
		.name = "conflict",
		.http_status = 409,
		.neg_errno = -EEXIST,
	},
	[MGMTD_E_NOT_WRITABLE] = {
		.name = "not_writable",
		.http_status = 400,
		.neg_errno = -EINVAL,
	},
	[MGMTD_E_FAILED] = {
		.name = "failed",
		.http_status = 500,
		.neg_errno = -EIO,
	},
	[MGMTD_E_BUSY] = {
		.name = "busy",
		.http_status = 503,
		.neg_errno = -EBUSY,
	},
};

/* A code outside the table is a bug; it reads as a failure of the system. */
static const struct err_code_info *err_code_info(enum mgmtd_err_code code)
{
	if ((unsigned)code >= sizeof(err_codes) / sizeof(err_codes[0]))
		return &err_codes[MGMTD_E_FAILED];
	return &err_codes[code];
}

const char *err_code_name(enum mgmtd_err_code code)
{
	return err_code_info(code)->name;
}

int err_code_http_status(enum mgmtd_err_code code)
{
	return err_code_info(code)->http_status;
}

void err_clear(struct mgmtd_err *err)
{
	memset(err, 0, sizeof(*err));
}

int mgmtd_err_add(struct mgmtd_err *err, enum mgmtd_err_code code,
		  const char *path, const char *fmt, ...)
{
	int rc = err_code_info(code)->neg_errno;
	struct mgmtd_err_item *item;
	va_list ap;

	/* "return mgmtd_err_add(...)" must never read as success. */
	if (rc == 0)
		rc = -EIO;
	/* Callers that do not collect errors (apply, collect) pass NULL. */
	if (!err)
		return rc;
	if (err->count >= MGMTD_ERR_MAX) {
		err->dropped++;
		return rc;
	}
	item = &err->items[err->count++];
	item->code = code;
	snprintf(item->path, sizeof(item->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(item->message, sizeof(item->message), fmt, ap);
	va_end(ap);
	return rc;
}
