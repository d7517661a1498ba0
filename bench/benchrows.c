/* A bench-only plugin: one live-state table of N rows (daemon setting
 * plugins.benchrows.rows, default 10,000) and five columns besides the
 * key, so that the SNMP benchmark walks a table as big as a NAS's share or
 * quota list.  It manages nothing; it is not installed. */
#include "config.h"

#include <stdio.h>

#include "mgmtd/plugin.h"

static const char *const states[] = { "up", "down", "degraded", NULL };

static const struct mgmtd_attr rows_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | MGMTD_A_STATE,
	  .snmp_column = 2, .description = "Row name", .max = 32 },
	{ .name = "label", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 3, .description = "A text column", .max = 64 },
	{ .name = "count", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 4, .description = "An integer column", .min = 0,
	  .max = 1000000 },
	{ .name = "enabled", .type = MGMTD_T_BOOL, .flags = MGMTD_A_STATE,
	  .snmp_column = 5, .description = "A truth value column" },
	{ .name = "state", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 6, .description = "An enumeration column",
	  .enum_values = states },
	{ .name = "used", .type = MGMTD_T_SIZE, .flags = MGMTD_A_STATE | MGMTD_A_GAUGE,
	  .snmp_column = 7, .description = "A size column", .units = "bytes" },
	{ .name = NULL },
};

static const struct mgmtd_class rows_class = {
	.name = "rows",
	.kind = MGMTD_COLLECTION,
	.snmp_table = 1,
	.description = "Generated rows for the benchmarks",
	.attrs = rows_attrs,
};

static const struct mgmtd_class *const classes[] = { &rows_class, NULL };

static int br_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      struct mgmtd_state *st)
{
	int64_t n = mgmtd_ctx_setting_int(ctx, "rows", 10000);
	char key[32], label[64];
	int rc = 0;

	for (int64_t i = 0; i < n && rc == 0; i++) {
		snprintf(key, sizeof(key), "row%06lld", (long long)i);
		snprintf(label, sizeof(label), "generated row %lld", (long long)i);
		if ((rc = mgmtd_state_obj(st, "rows", key)) < 0 ||
		    (rc = mgmtd_state_str(st, "label", label)) < 0 ||
		    (rc = mgmtd_state_int(st, "count", i % 1000000)) < 0 ||
		    (rc = mgmtd_state_bool(st, "enabled", i % 2 == 0)) < 0 ||
		    (rc = mgmtd_state_str(st, "state", states[i % 3])) < 0)
			break;
		rc = mgmtd_state_int(st, "used", i * 4096);
	}
	return rc;
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "benchrows",
	.version = "1.0",
	.description = "Generated rows for the benchmarks (not installed)",
	.mib_arc = 9999,
	.classes = classes,
	.collect = br_collect,
};
