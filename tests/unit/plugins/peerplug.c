/* A plugin for the unit tests of mgmtd_tree_plugin: "testpeer" reads the
 * part of the tree that belongs to another plugin (testa's settings
 * value), in validate (candidate and running trees), in collect and in an
 * action, and writes what it saw to files in its state directory. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mgmtd/plugin.h"

static const struct mgmtd_attr settings_attrs[] = {
	{ .name = "require", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 1, .max = 64,
	  .description = "\"plugin=value\": that plugin's settings.value "
			 "must be value" },
	{ .name = "seen", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 2, .description = "testa's value, as collect saw it" },
	{ .name = NULL },
};

static const struct mgmtd_action settings_actions[] = {
	{ .name = "peek", .description = "Write testa's value to a file" },
	{ .name = NULL },
};

static const struct mgmtd_class settings_class = {
	.name = "settings", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "Peer settings", .attrs = settings_attrs,
	.actions = settings_actions,
};

static const struct mgmtd_class *const classes[] = { &settings_class, NULL };

/* What t says plugin's settings.value is: "(not loaded)", "(unset)". */
static const char *peer_value(const struct mgmtd_tree *t, const char *plugin)
{
	const struct mgmtd_tree *o = mgmtd_tree_plugin(t, plugin);
	const char *v;

	if (!o)
		return "(not loaded)";
	v = mgmtd_obj_str(mgmtd_tree_singleton(o, "settings"), "value");
	return v ? v : "(unset)";
}

static void note(const struct mgmtd_ctx *ctx, const char *file,
		 const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", mgmtd_ctx_state_dir(ctx), file);
	if ((f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	}
}

static int pp_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	const char *req = mgmtd_obj_str(mgmtd_tree_singleton(cand, "settings"),
					"require");
	char plugin[65], want[65], seen[256];
	const char *eq;

	snprintf(seen, sizeof(seen), "cand=%s run=%s\n",
		 peer_value(cand, "testa"),
		 run ? peer_value(run, "testa") : "(start)");
	note(ctx, "validate", seen);
	if (!req || !(eq = strchr(req, '=')))
		return 0;
	snprintf(plugin, sizeof(plugin), "%.*s", (int)(eq - req), req);
	snprintf(want, sizeof(want), "%s", eq + 1);
	if (!mgmtd_tree_plugin(cand, plugin))
		return mgmtd_err_add(err, MGMTD_E_CONFLICT,
				     "testpeer.settings.require",
				     "%s is not loaded", plugin);
	if (strcmp(peer_value(cand, plugin), want) != 0)
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT,
				     "testpeer.settings.require",
				     "%s has %s, not %s", plugin,
				     peer_value(cand, plugin), want);
	return 0;
}

static int pp_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      struct mgmtd_state *st)
{
	mgmtd_state_obj(st, "settings", NULL);
	return mgmtd_state_str(st, "seen", peer_value(run, "testa"));
}

static int pp_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		     const char *cls, const char *key, const char *act,
		     const struct mgmtd_obj *params, struct mgmtd_err *err)
{
	note(ctx, "action", peer_value(run, "testa"));
	return 0;
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "testpeer",
	.version = "0.0",
	.description = "Unit test plugin that reads testa's part",
	.mib_arc = 904,
	.classes = classes,
	.validate = pp_validate,
	.collect = pp_collect,
	.action = pp_action,
};
