/* Helpers shared by the unit suites that run a real core. */
#ifndef MGMTD_UNIT_UTIL_H
#define MGMTD_UNIT_UTIL_H

#include <stdbool.h>

#include "core.h"
#include "txn.h"

/* A fresh temporary directory (owned string). */
char *unit_tmpdir(void);
/* rm -rf dir, and free the string. */
void unit_rmdir(char *dir);
/* Whole file contents (owned) or NULL. */
char *unit_read(const char *dir, const char *name);
bool unit_exists(const char *dir, const char *name);
/* A core over dir with the given plugins (comma separated) loaded from
 * TEST_PLUGIN_DIR, started.  Fails the test on error. */
struct core *unit_core_start(const char *dir, const char *plugins);
void unit_core_stop(struct core *c);

/* The caller the suites commit as. */
extern const struct txn_request unit_cli;
/* Commit the JSON text as a whole candidate; the transaction's result. */
int unit_commit(struct core *c, const char *text, struct mgmtd_err *err);
/* The same, and fail the test (showing why) unless it committed. */
void unit_commit_ok(struct core *c, const char *text);

#endif
