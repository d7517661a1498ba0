/* A plugin for the core's unit tests, built under several names.  Its
 * "system" is a file in its state directory; it logs every phase it goes
 * through to <state_dir>/calls, and fails where its config tells it to. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmtd/plugin.h"

static const char *const fail_points[] = { "none", "validate", "prepare",
					   NULL };

static const struct mgmtd_attr settings_attrs[] = {
	{ .name = "value", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 1, .description = "What gets written to the system",
	  .max = 64 },
	{ .name = "fail_in", .type = MGMTD_T_ENUM, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 2, .description = "The phase that fails",
	  .enum_values = fail_points, .default_value = "none" },
	{ .name = "applied", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 3, .description = "What the system holds" },
	{ .name = NULL },
};

static const struct mgmtd_attr items_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_CONFIG, .snmp_column = 2,
	  .description = "Item name", .min = 1, .max = 32 },
	{ .name = "size", .type = MGMTD_T_SIZE, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 3, .description = "A size", .units = "bytes" },
	{ .name = NULL },
};

static const struct mgmtd_attr touch_params[] = {
	{ .name = "text", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
	  .description = "What to write", .max = 32 },
	{ .name = NULL },
};

static const struct mgmtd_action settings_actions[] = {
	{ .name = "touch", .description = "Write text to the action file",
	  .params = touch_params },
	{ .name = NULL },
};

static const struct mgmtd_class settings_class = {
	.name = "settings", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "Test settings", .attrs = settings_attrs,
	.actions = settings_actions,
};

static const struct mgmtd_class items_class = {
	.name = "items", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Test items", .attrs = items_attrs,
};

static const struct mgmtd_class *const classes[] = { &settings_class,
						     &items_class, NULL };

static void path_in(const struct mgmtd_ctx *ctx, const char *name, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", mgmtd_ctx_state_dir(ctx), name);
}

static void note(const struct mgmtd_ctx *ctx, const char *phase)
{
	char path[PATH_MAX];
	FILE *f;

	path_in(ctx, "calls", path);
	if ((f = fopen(path, "a"))) {
		fprintf(f, "%s\n", phase);
		fclose(f);
	}
}

static const char *fail_in(const struct mgmtd_tree *t)
{
	const char *v = mgmtd_obj_str(mgmtd_tree_singleton(t, "settings"),
				      "fail_in");
	return v ? v : "none";
}

static int tp_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	note(ctx, "validate");
	if (strcmp(fail_in(cand), "validate") == 0)
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT,
				     TESTPLUG_NAME ".settings.fail_in",
				     "asked to fail in validate");
	return 0;
}

static int tp_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	const char *v = mgmtd_obj_str(mgmtd_tree_singleton(cand, "settings"),
				      "value");
	char path[PATH_MAX];
	int rc;

	note(ctx, "prepare");
	path_in(ctx, "system", path);
	if ((rc = mgmtd_file_stage(path, v ? v : "", v ? strlen(v) : 0, 0600,
				   err, TESTPLUG_NAME ".settings")) < 0)
		return rc;
	if (strcmp(fail_in(cand), "prepare") == 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, TESTPLUG_NAME,
				     "asked to fail in prepare");
	return 0;
}

static void tp_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run)
{
	char path[PATH_MAX];

	note(ctx, "abort");
	path_in(ctx, "system", path);
	mgmtd_file_discard(path);
}

static void tp_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run)
{
	char path[PATH_MAX];

	note(ctx, "apply");
	path_in(ctx, "system", path);
	if (mgmtd_file_commit(path) < 0)
		mgmtd_event(ctx, MGMTD_SEV_ERR, NULL, "cannot apply");
}

static int tp_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      struct mgmtd_state *st)
{
	char path[PATH_MAX], buf[128] = "";
	FILE *f;

	path_in(ctx, "system", path);
	if ((f = fopen(path, "r"))) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	mgmtd_state_obj(st, "settings", NULL);
	return mgmtd_state_str(st, "applied", buf);
}

static int tp_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		     const char *cls, const char *key, const char *act,
		     const struct mgmtd_obj *params, struct mgmtd_err *err)
{
	const char *text = mgmtd_obj_str(params, "text");
	char path[PATH_MAX];
	FILE *f;

	note(ctx, act);
	if (strcmp(text, "fail") == 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, TESTPLUG_NAME,
				     "asked to fail");
	path_in(ctx, "action", path);
	if (!(f = fopen(path, "w")))
		return -errno;
	fputs(text, f);
	fclose(f);
	return 0;
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = TESTPLUG_NAME,
	.version = "0.0",
	.description = "Unit test plugin",
	.mib_arc = TESTPLUG_ARC,
	.classes = classes,
	.validate = tp_validate,
	.prepare = tp_prepare,
	.abort = tp_abort,
	.apply = tp_apply,
	.collect = tp_collect,
	.action = tp_action,
};
