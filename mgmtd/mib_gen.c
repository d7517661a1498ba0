/* Writing MGMTD-MIB from the schema: the body goes to a memory stream
 * first, recording which imported symbols it uses, so that the IMPORTS
 * clause lists exactly those (smilint warns about unused imports). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mib_gen.h"
#include "mib_map.h"

#define NAME_LEN 128
#define SYNTAX_LEN 4096
#define WRAP 68

enum imp {
	I_MODULE_IDENTITY, I_OBJECT_TYPE, I_NOTIFICATION_TYPE, I_INTEGER32,
	I_UNSIGNED32, I_COUNTER64, I_TIMETICKS, I_TC, I_DISPLAYSTRING,
	I_TRUTHVALUE, I_ROWSTATUS, I_DATEANDTIME, I_MODULE_COMPLIANCE,
	I_OBJECT_GROUP, I_NOTIFICATION_GROUP, I_INETADDRESSTYPE, I_INETADDRESS,
	I_INETADDRESSIPV4, I_INETADDRESSIPV6, I_GAUGE64, I_PARENT, I_COUNT,
};

static const struct {
	const char *name, *module;
} imports[I_COUNT] = {
	[I_MODULE_IDENTITY] = { "MODULE-IDENTITY", "SNMPv2-SMI" },
	[I_OBJECT_TYPE] = { "OBJECT-TYPE", "SNMPv2-SMI" },
	[I_NOTIFICATION_TYPE] = { "NOTIFICATION-TYPE", "SNMPv2-SMI" },
	[I_INTEGER32] = { "Integer32", "SNMPv2-SMI" },
	[I_UNSIGNED32] = { "Unsigned32", "SNMPv2-SMI" },
	[I_COUNTER64] = { "Counter64", "SNMPv2-SMI" },
	[I_TIMETICKS] = { "TimeTicks", "SNMPv2-SMI" },
	[I_TC] = { "TEXTUAL-CONVENTION", "SNMPv2-TC" },
	[I_DISPLAYSTRING] = { "DisplayString", "SNMPv2-TC" },
	[I_TRUTHVALUE] = { "TruthValue", "SNMPv2-TC" },
	[I_ROWSTATUS] = { "RowStatus", "SNMPv2-TC" },
	[I_DATEANDTIME] = { "DateAndTime", "SNMPv2-TC" },
	[I_MODULE_COMPLIANCE] = { "MODULE-COMPLIANCE", "SNMPv2-CONF" },
	[I_OBJECT_GROUP] = { "OBJECT-GROUP", "SNMPv2-CONF" },
	[I_NOTIFICATION_GROUP] = { "NOTIFICATION-GROUP", "SNMPv2-CONF" },
	[I_INETADDRESSTYPE] = { "InetAddressType", "INET-ADDRESS-MIB" },
	[I_INETADDRESS] = { "InetAddress", "INET-ADDRESS-MIB" },
	[I_INETADDRESSIPV4] = { "InetAddressIPv4", "INET-ADDRESS-MIB" },
	[I_INETADDRESSIPV6] = { "InetAddressIPv6", "INET-ADDRESS-MIB" },
	[I_GAUGE64] = { "CounterBasedGauge64", "HCNUM-TC" },
	[I_PARENT] = { MIB_PARENT_NAME, MIB_PARENT_MODULE },
};

/* Names gathered for one conformance group. */
struct names {
	char **v;
	size_t n, cap;
};

struct gen {
	FILE *f;              /* the body */
	bool used[I_COUNT];
	bool text_tc;         /* MgmtdText is used */
	int err;
};

static void names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		char **v = realloc(ns->v, cap * sizeof(*v));
		if (!v)
			return;
		ns->v = v;
		ns->cap = cap;
	}
	if ((ns->v[ns->n] = strdup(name)))
		ns->n++;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	*ns = (struct names){ 0 };
}

static void use(struct gen *g, const char *syntax)
{
	if (strcmp(syntax, "MgmtdText") == 0) {
		g->text_tc = true;
		g->used[I_TC] = true;
		return;
	}
	for (int i = 0; i < I_COUNT; i++)
		if (strcmp(imports[i].name, syntax) == 0)
			g->used[i] = true;
}

/* A quoted SMI string, wrapped at word boundaries, at indent; '"' cannot
 * appear in one. */
static void quoted(FILE *f, const char *text, int indent)
{
	int col = indent + 1;
	bool first = true;
	const char *p = text;

	fprintf(f, "%*s\"", indent, "");
	while (*p) {
		size_t w;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = strcspn(p, " ");
		if (!first && col + 1 + (int)w > WRAP) {
			fprintf(f, "\n%*s", indent + 1, "");
			col = indent + 1;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		for (size_t i = 0; i < w; i++)
			fputc(p[i] == '"' ? '\'' : p[i], f);
		col += (int)w;
		p += w;
		first = false;
	}
	fputs("\"", f);
}

static void description(FILE *f, const char *text)
{
	fputs("    DESCRIPTION\n", f);
	quoted(f, text, 8);
	fputs("\n", f);
}

/* The SYNTAX clause of type t (with its refinement) into buf. */
static void syntax_of(struct gen *g, const struct mgmtd_attr *a,
		      const struct mib_type *t, char *buf, size_t len)
{
	size_t n;

	use(g, t->syntax);
	if (t->base == MIB_B_ENUM) {
		n = (size_t)snprintf(buf, len, "INTEGER {");
		for (int i = 0; a->enum_values[i] && n < len; i++) {
			char label[NAME_LEN];
			mib_enum_label(label, sizeof(label), a->enum_values[i]);
			n += (size_t)snprintf(buf + n, len - n, "%s %s(%d)",
					      i ? "," : "", label, i + 1);
		}
		if (n < len)
			snprintf(buf + n, len - n, " }");
	} else if (t->ranged && t->base == MIB_B_TEXT) {
		snprintf(buf, len, "%s (SIZE (%lld..%lld))", t->syntax,
			 (long long)t->lo, (long long)t->hi);
	} else if (t->ranged) {
		snprintf(buf, len, "%s (%lld..%lld)", t->syntax,
			 (long long)t->lo, (long long)t->hi);
	} else {
		snprintf(buf, len, "%s", t->syntax);
	}
}

static void object_type(struct gen *g, const char *name, const char *syntax,
			const char *units, const char *access,
			const char *desc, const char *index,
			const char *parent, unsigned arc)
{
	FILE *f = g->f;

	g->used[I_OBJECT_TYPE] = true;
	fprintf(f, "%s OBJECT-TYPE\n    SYNTAX      %s\n", name, syntax);
	if (units)
		fprintf(f, "    UNITS       \"%s\"\n", units);
	fprintf(f, "    MAX-ACCESS  %s\n    STATUS      current\n", access);
	description(f, desc);
	if (index)
		fprintf(f, "    INDEX       { %s }\n", index);
	fprintf(f, "    ::= { %s %u }\n\n", parent, arc);
}

static void oid_node(struct gen *g, const char *name, const char *parent,
		     unsigned arc)
{
	fprintf(g->f, "%s OBJECT IDENTIFIER ::= { %s %u }\n\n", name, parent,
		arc);
}

/* ------------------------------------------------------------------ */
/* The daemon's own objects                                             */

static const char *const severity_enum =
	"INTEGER { emergency(1), alert(2), critical(3), error(4), "
	"warning(5), notice(6), info(7), debug(8) }";

static void gen_daemon(struct gen *g, struct names *grp, struct names *ngrp)
{
	static const struct {
		unsigned arc;
		const char *name, *syntax, *units, *desc;
	} scalars[] = {
		{ MIB_D_VERSION, "mgmtdDaemonVersion", "DisplayString", NULL,
		  "Version of the running mgmtd." },
		{ MIB_D_UPTIME, "mgmtdDaemonUptime", "TimeTicks", NULL,
		  "Time since mgmtd started." },
		{ MIB_D_CONFIG_VERSION, "mgmtdConfigVersion", "Unsigned32", NULL,
		  "Version of the running configuration in the history "
		  "(0: nothing committed yet)." },
		{ MIB_D_CHANGE_TIME, "mgmtdConfigChangeTime", "DateAndTime",
		  NULL, "When the running configuration was committed (UTC)." },
		{ MIB_D_CHANGE_USER, "mgmtdConfigChangeUser", "DisplayString",
		  NULL, "Who committed the running configuration." },
	};
	static const struct {
		unsigned arc;
		const char *name, *syntax, *desc;
	} notify[] = {
		{ MIB_N_SEVERITY, "mgmtdEventSeverity", NULL,
		  "Severity of the event (syslog's, plus one)." },
		{ MIB_N_PLUGIN, "mgmtdEventPlugin", "DisplayString",
		  "Plugin (or mgmtd) that raised the event." },
		{ MIB_N_OBJECT, "mgmtdEventObject", "DisplayString",
		  "Object the event is about; empty if none." },
		{ MIB_N_MESSAGE, "mgmtdEventMessage", "DisplayString",
		  "What happened." },
		{ MIB_N_INTERFACE, "mgmtdChangeInterface", "DisplayString",
		  "Interface a change came through: rest, snmp, cli, config, "
		  "mgmtd." },
		{ MIB_N_SUMMARY, "mgmtdChangeSummary", "DisplayString",
		  "Summary of a change." },
	};

	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		use(g, scalars[i].syntax);
		object_type(g, scalars[i].name, scalars[i].syntax,
			    scalars[i].units, "read-only", scalars[i].desc,
			    NULL, "mgmtdDaemon", scalars[i].arc);
		names_add(grp, scalars[i].name);
	}

	use(g, "Unsigned32");
	use(g, "DisplayString");
	object_type(g, "mgmtdPluginTable", "SEQUENCE OF MgmtdPluginEntry", NULL,
		    "not-accessible", "The plugins mgmtd loaded.", NULL,
		    "mgmtdDaemon", MIB_D_PLUGIN_TABLE);
	object_type(g, "mgmtdPluginEntry", "MgmtdPluginEntry", NULL,
		    "not-accessible", "One loaded plugin.", "mgmtdPluginArc",
		    "mgmtdPluginTable", 1);
	fputs("MgmtdPluginEntry ::= SEQUENCE {\n"
	      "    mgmtdPluginArc      Unsigned32,\n"
	      "    mgmtdPluginName     DisplayString,\n"
	      "    mgmtdPluginVersion  DisplayString,\n"
	      "    mgmtdPluginState    INTEGER\n"
	      "}\n\n", g->f);
	object_type(g, "mgmtdPluginArc", "Unsigned32 (1..4294967295)", NULL,
		    "not-accessible",
		    "The plugin's arc under mgmtdObjects.", NULL,
		    "mgmtdPluginEntry", MIB_P_ARC);
	object_type(g, "mgmtdPluginName", "DisplayString", NULL, "read-only",
		    "Name of the plugin: the first segment of its REST paths "
		    "and its section in the configuration.", NULL,
		    "mgmtdPluginEntry", MIB_P_NAME);
	object_type(g, "mgmtdPluginVersion", "DisplayString", NULL,
		    "read-only", "Version of the plugin.", NULL,
		    "mgmtdPluginEntry", MIB_P_VERSION);
	object_type(g, "mgmtdPluginState", "INTEGER { running(1), stopped(2) }",
		    NULL, "read-only",
		    "running: initialised and managing its part of the "
		    "system.", NULL, "mgmtdPluginEntry", MIB_P_STATE);
	names_add(grp, "mgmtdPluginName");
	names_add(grp, "mgmtdPluginVersion");
	names_add(grp, "mgmtdPluginState");

	oid_node(g, "mgmtdNotifyObjects", "mgmtdDaemon", MIB_D_NOTIFY_OBJECTS);
	for (size_t i = 0; i < sizeof(notify) / sizeof(notify[0]); i++) {
		object_type(g, notify[i].name,
			    notify[i].syntax ? notify[i].syntax : severity_enum,
			    NULL, "accessible-for-notify", notify[i].desc, NULL,
			    "mgmtdNotifyObjects", notify[i].arc);
		names_add(ngrp, notify[i].name);
	}
}

static void gen_notifications(struct gen *g)
{
	g->used[I_NOTIFICATION_TYPE] = true;
	fputs("mgmtdEventNotification NOTIFICATION-TYPE\n"
	      "    OBJECTS     { mgmtdEventSeverity, mgmtdEventPlugin,\n"
	      "                  mgmtdEventObject, mgmtdEventMessage }\n"
	      "    STATUS      current\n", g->f);
	description(g->f, "An event of severity warning or higher was "
			  "journaled.");
	fprintf(g->f, "    ::= { mgmtdNotifications %d }\n\n", MIB_NOTIF_EVENT);
	fputs("mgmtdConfigChanged NOTIFICATION-TYPE\n"
	      "    OBJECTS     { mgmtdConfigVersion, mgmtdConfigChangeUser,\n"
	      "                  mgmtdChangeInterface, mgmtdChangeSummary }\n"
	      "    STATUS      current\n", g->f);
	description(g->f, "A new version of the configuration was "
			  "committed.");
	fprintf(g->f, "    ::= { mgmtdNotifications %d }\n\n",
		MIB_NOTIF_CONFIG_CHANGED);
}

/* ------------------------------------------------------------------ */
/* Plugins                                                              */

/* Attributes of a class that SNMP shows, in column order. */
static size_t sorted_attrs(const struct schema_class *sc,
			   const struct mgmtd_attr **out)
{
	size_t n = 0;

	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++) {
		struct mib_type t;
		size_t i;
		if (mib_type_of(a, &t) < 0)
			continue;
		for (i = n; i > 0 && out[i - 1]->snmp_column > a->snmp_column;
		     i--)
			out[i] = out[i - 1];
		out[i] = a;
		n++;
	}
	return n;
}

static void attr_desc(const struct schema_plugin *sp,
		      const struct schema_class *sc,
		      const struct mgmtd_attr *a, const struct mib_type *t,
		      char *buf, size_t len)
{
	char dflt[512] = "";

	if (a->default_value)
		snprintf(dflt, sizeof(dflt), " Default: %s.", a->default_value);
	snprintf(buf, len, "%s%s (%s.%s.%s, %s%s%s).%s%s", a->description,
		 a->description[strlen(a->description) - 1] == '.' ? "" : ".",
		 sp->name, sc->cls->name, a->name,
		 a->flags & MGMTD_A_CONFIG ? "config" : "live state",
		 a->flags & MGMTD_A_REQUIRED ? ", required" : "",
		 t->list ? ", a comma-separated list" : "", dflt,
		 t->base == MIB_B_TEXT && (a->flags & MGMTD_A_CONFIG) &&
				 !(a->flags & MGMTD_A_REQUIRED) && !t->list
			 ? " Writing an empty string removes it."
			 : "");
}

static void gen_singleton(struct gen *g, const struct schema_plugin *sp,
			  const struct schema_class *sc, const char *pname,
			  struct names *grp)
{
	const struct mgmtd_attr *attrs[256];
	size_t n = sorted_attrs(sc, attrs);
	char node[NAME_LEN], name[NAME_LEN], syntax[SYNTAX_LEN], desc[2048];

	mib_name(node, sizeof(node), sp->name, sc->cls->name, NULL, NULL);
	oid_node(g, node, pname, sc->cls->snmp_table);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_attr *a = attrs[i];
		struct mib_type t;
		mib_type_of(a, &t);
		mib_name(name, sizeof(name), sp->name, sc->cls->name, a->name,
			 NULL);
		syntax_of(g, a, &t, syntax, sizeof(syntax));
		attr_desc(sp, sc, a, &t, desc, sizeof(desc));
		object_type(g, name, syntax, t.units,
			    t.writable ? "read-write" : "read-only", desc, NULL,
			    node, a->snmp_column);
		names_add(grp, name);
	}
}

/* The InetAddressType column that goes with an InetAddress one. */
static void inet_type_column(struct gen *g, const char *addr_name,
			     const char *entry, unsigned column,
			     struct names *grp)
{
	char name[NAME_LEN + 8], desc[NAME_LEN + 128];

	snprintf(name, sizeof(name), "%sType", addr_name);
	snprintf(desc, sizeof(desc), "The type of %s.", addr_name);
	use(g, "InetAddressType");
	object_type(g, name, "InetAddressType", NULL, "read-only", desc, NULL,
		    entry, column + MIB_INETTYPE_OFFSET);
	names_add(grp, name);
}

static void gen_entry_sequence(struct gen *g, const struct schema_plugin *sp,
			       const struct schema_class *sc,
			       const char *type_name,
			       const struct mgmtd_attr **attrs, size_t n)
{
	char name[NAME_LEN];

	fprintf(g->f, "%s ::= SEQUENCE {\n", type_name);
	if (sc->has_config) {
		mib_name(name, sizeof(name), sp->name, sc->cls->name, NULL,
			 "row_status");
		fprintf(g->f, "    %s RowStatus%s\n", name, n ? "," : "");
	}
	for (size_t i = 0; i < n; i++) {
		struct mib_type t;
		bool last;
		if (attrs[i]->flags & MGMTD_A_KEY)
			mib_key_type(attrs[i], &t);
		else
			mib_type_of(attrs[i], &t);
		last = i + 1 == n && t.base != MIB_B_INETADDR;
		mib_name(name, sizeof(name), sp->name, sc->cls->name,
			 attrs[i]->name, NULL);
		fprintf(g->f, "    %s %s%s\n", name, t.syntax, last ? "" : ",");
		if (t.base == MIB_B_INETADDR)
			fprintf(g->f, "    %sType InetAddressType%s\n", name,
				i + 1 < n ? "," : "");
	}
	fputs("}\n\n", g->f);
}

static void gen_collection(struct gen *g, const struct schema_plugin *sp,
			   const struct schema_class *sc, const char *pname,
			   struct names *grp)
{
	const struct mgmtd_attr *attrs[256];
	size_t n = sorted_attrs(sc, attrs);
	char table[NAME_LEN], entry[NAME_LEN], type_name[NAME_LEN];
	char name[NAME_LEN], key[NAME_LEN], syntax[SYNTAX_LEN], desc[2048];
	const char *access;

	mib_name(table, sizeof(table), sp->name, sc->cls->name, NULL, "table");
	mib_name(entry, sizeof(entry), sp->name, sc->cls->name, NULL, "entry");
	snprintf(type_name, sizeof(type_name), "M%s", entry + 1);
	mib_name(key, sizeof(key), sp->name, sc->cls->name, sc->key->name,
		 NULL);
	snprintf(syntax, sizeof(syntax), "SEQUENCE OF %s", type_name);
	snprintf(desc, sizeof(desc), "%s%s (%s.%s).%s", sc->cls->description,
		 sc->cls->description[strlen(sc->cls->description) - 1] == '.'
			 ? "" : ".",
		 sp->name, sc->cls->name,
		 sc->has_config ? " Rows are created with createAndGo and "
				  "removed with destroy on the RowStatus "
				  "column; all writes of one request are one "
				  "transaction."
				: "");
	object_type(g, table, syntax, NULL, "not-accessible", desc, NULL, pname,
		    sc->cls->snmp_table);
	snprintf(desc, sizeof(desc),
		 "One object of %s.%s, indexed by its %s. Objects whose %s "
		 "does not fit in an OID are not visible here.",
		 sp->name, sc->cls->name, sc->key->name, sc->key->name);
	object_type(g, entry, type_name, NULL, "not-accessible", desc, key,
		    table, 1);
	gen_entry_sequence(g, sp, sc, type_name, attrs, n);

	if (sc->has_config) {
		use(g, "RowStatus");
		mib_name(name, sizeof(name), sp->name, sc->cls->name, NULL,
			 "row_status");
		object_type(g, name, "RowStatus", NULL, "read-create",
			    "active for every object; createAndGo creates "
			    "an object (with the required columns in the "
			    "same request), destroy removes it.",
			    NULL, entry, MIB_ROWSTATUS_COLUMN);
		names_add(grp, name);
	}
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_attr *a = attrs[i];
		struct mib_type t;
		if (a->flags & MGMTD_A_KEY)
			mib_key_type(a, &t);
		else
			mib_type_of(a, &t);
		mib_name(name, sizeof(name), sp->name, sc->cls->name, a->name,
			 NULL);
		syntax_of(g, a, &t, syntax, sizeof(syntax));
		attr_desc(sp, sc, a, &t, desc, sizeof(desc));
		access = a->flags & MGMTD_A_KEY ? "not-accessible"
			 : t.writable		 ? "read-create"
						 : "read-only";
		object_type(g, name, syntax, t.units, access, desc, NULL, entry,
			    a->snmp_column);
		if (!(a->flags & MGMTD_A_KEY))
			names_add(grp, name);
		if (t.base == MIB_B_INETADDR)
			inet_type_column(g, name, entry, a->snmp_column, grp);
	}
}

static void gen_plugin(struct gen *g, const struct schema_plugin *sp,
		       struct names *grp)
{
	const struct schema_class *classes[256];
	char pname[NAME_LEN];
	size_t n = 0;

	mib_name(pname, sizeof(pname), sp->name, NULL, NULL, NULL);
	oid_node(g, pname, "mgmtdObjects", sp->desc->mib_arc);
	for (size_t i = 0; i < sp->n_classes && n < 256; i++) {
		size_t j = n++;
		for (; j > 0 && classes[j - 1]->cls->snmp_table >
				       sp->classes[i].cls->snmp_table;
		     j--)
			classes[j] = classes[j - 1];
		classes[j] = &sp->classes[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (classes[i]->cls->kind == MGMTD_SINGLETON)
			gen_singleton(g, sp, classes[i], pname, grp);
		else
			gen_collection(g, sp, classes[i], pname, grp);
	}
}

/* ------------------------------------------------------------------ */
/* Conformance                                                          */

static void group(struct gen *g, const char *name, const char *macro,
		  const char *what, const struct names *ns, const char *desc,
		  const char *parent, unsigned arc)
{
	fprintf(g->f, "%s %s\n    %-11s {", name, macro, what);
	for (size_t i = 0; i < ns->n; i++)
		fprintf(g->f, "%s\n                  %s", i ? "," : "", ns->v[i]);
	fputs(" }\n    STATUS      current\n", g->f);
	description(g->f, desc);
	fprintf(g->f, "    ::= { %s %u }\n\n", parent, arc);
}

static void gen_conformance(struct gen *g, const struct names *daemon,
			    const struct names *notify,
			    const struct names *plugin_groups)
{
	struct names notifs = { 0 };

	g->used[I_MODULE_COMPLIANCE] = true;
	g->used[I_OBJECT_GROUP] = true;
	g->used[I_NOTIFICATION_GROUP] = true;
	oid_node(g, "mgmtdCompliances", "mgmtdConformance", 1);
	oid_node(g, "mgmtdGroups", "mgmtdConformance", 2);
	oid_node(g, "mgmtdPluginGroups", "mgmtdConformance", 3);
	fputs("mgmtdCompliance MODULE-COMPLIANCE\n    STATUS      current\n",
	      g->f);
	description(g->f, "An mgmtd agent implements every group of the "
			  "plugins it loaded; writable objects may be "
			  "implemented read-only.");
	fputs("    MODULE      -- this module\n"
	      "    MANDATORY-GROUPS { mgmtdDaemonGroup, mgmtdNotifyObjectsGroup,\n"
	      "                       mgmtdNotificationGroup }\n", g->f);
	for (size_t i = 0; i < plugin_groups->n; i++) {
		fprintf(g->f, "    GROUP       %s\n", plugin_groups->v[i]);
		description(g->f, "Mandatory when the plugin is loaded.");
	}
	fputs("    ::= { mgmtdCompliances 1 }\n\n", g->f);

	group(g, "mgmtdDaemonGroup", "OBJECT-GROUP", "OBJECTS", daemon,
	      "The daemon's own objects.", "mgmtdGroups", 1);
	group(g, "mgmtdNotifyObjectsGroup", "OBJECT-GROUP", "OBJECTS", notify,
	      "Objects carried by notifications.", "mgmtdGroups", 2);
	names_add(&notifs, "mgmtdEventNotification");
	names_add(&notifs, "mgmtdConfigChanged");
	group(g, "mgmtdNotificationGroup", "NOTIFICATION-GROUP",
	      "NOTIFICATIONS", &notifs, "The notifications mgmtd sends.",
	      "mgmtdGroups", 3);
	names_free(&notifs);
}

static void gen_plugins(struct gen *g, const struct schema *s,
			struct names *plugin_groups, FILE *groups)
{
	const struct schema_plugin *order[256];
	size_t n = 0;
	struct gen gg = { .f = groups };

	for (size_t i = 0; i < s->n_plugins && n < 256; i++) {
		size_t j = n++;
		for (; j > 0 && order[j - 1]->desc->mib_arc >
				       s->plugins[i].desc->mib_arc;
		     j--)
			order[j] = order[j - 1];
		order[j] = &s->plugins[i];
	}
	for (size_t i = 0; i < n; i++) {
		struct names grp = { 0 };
		char name[NAME_LEN], desc[512];

		gen_plugin(g, order[i], &grp);
		if (grp.n == 0)
			continue;
		mib_name(name, sizeof(name), order[i]->name, NULL, NULL, "group");
		snprintf(desc, sizeof(desc), "The objects of the %s plugin: %s",
			 order[i]->name,
			 order[i]->desc->description ? order[i]->desc->description
						     : order[i]->name);
		group(&gg, name, "OBJECT-GROUP", "OBJECTS", &grp, desc,
		      "mgmtdPluginGroups", order[i]->desc->mib_arc);
		names_add(plugin_groups, name);
		names_free(&grp);
	}
}

/* ------------------------------------------------------------------ */

static void write_imports(FILE *out, const struct gen *g)
{
	const char *modules[] = { "SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF",
				  "INET-ADDRESS-MIB", "HCNUM-TC",
				  MIB_PARENT_MODULE };
	const size_t nmod = sizeof(modules) / sizeof(modules[0]);

	fputs("IMPORTS", out);
	for (size_t m = 0; m < nmod; m++) {
		bool any = false;
		for (int i = 0; i < I_COUNT; i++) {
			if (!g->used[i] || strcmp(imports[i].module, modules[m]))
				continue;
			fprintf(out, "%s%s", any ? ", " : "\n    ",
				imports[i].name);
			any = true;
		}
		if (any)
			fprintf(out, "\n        FROM %s", modules[m]);
	}
	fputs(";\n\n", out);
}

static void write_header(FILE *out, struct gen *g)
{
	uint32_t root[MIB_MAX_OID];
	size_t n = mib_root(root);

	g->used[I_MODULE_IDENTITY] = true;
	g->used[I_PARENT] = true;
	fprintf(out, "%s DEFINITIONS ::= BEGIN\n\n", MIB_MODULE);
	/* No double hyphen inside an ASN.1 comment: it would end it. */
	fputs("-- Generated from the schemas of the loaded plugins by the\n"
	      "-- dump-mib option of mgmtd: do not edit.  The object model is\n"
	      "-- described once, in each plugin; this module follows it.\n\n",
	      out);
	write_imports(out, g);
	fputs("mgmtdMIB MODULE-IDENTITY\n"
	      "    LAST-UPDATED \"" MIB_LAST_UPDATED "\"\n"
	      "    ORGANIZATION \"mgmtd\"\n"
	      "    CONTACT-INFO \"The mgmtd maintainers.\"\n", out);
	description(out, "The management plane of a storage appliance: "
			 "everything mgmtd manages, one table per class of "
			 "objects (scalars for singletons), one arc per "
			 "plugin. Writes are transactions, journaled and "
			 "versioned like any other change.");
	fputs("    REVISION \"" MIB_LAST_UPDATED "\"\n", out);
	description(out, "First version.");
	fprintf(out, "    ::= { %s %u }\n\n", MIB_PARENT_NAME,
		(unsigned)root[n - 1]);
	if (g->text_tc) {
		fputs("MgmtdText ::= TEXTUAL-CONVENTION\n"
		      "    DISPLAY-HINT \"65535t\"\n"
		      "    STATUS      current\n", out);
		description(out, "Text in UTF-8, longer than DisplayString "
				 "allows.");
		fputs("    SYNTAX      OCTET STRING (SIZE (0..65535))\n\n", out);
	}
	fputs("mgmtdNotifications OBJECT IDENTIFIER ::= { mgmtdMIB 0 }\n"
	      "mgmtdObjects OBJECT IDENTIFIER ::= { mgmtdMIB 1 }\n"
	      "mgmtdConformance OBJECT IDENTIFIER ::= { mgmtdMIB 2 }\n"
	      "mgmtdDaemon OBJECT IDENTIFIER ::= { mgmtdMIB 3 }\n\n", out);
}

int mib_gen_write(const struct schema *s, FILE *out)
{
	struct gen g = { 0 };
	struct names daemon = { 0 }, notify = { 0 }, plugin_groups = { 0 };
	char *body = NULL, *groups = NULL;
	size_t body_len = 0, groups_len = 0;
	FILE *gf;
	int rc = 0;

	g.f = open_memstream(&body, &body_len);
	gf = open_memstream(&groups, &groups_len);
	if (!g.f || !gf) {
		rc = -errno;
		goto out;
	}
	gen_daemon(&g, &daemon, &notify);
	gen_notifications(&g);
	gen_plugins(&g, s, &plugin_groups, gf);
	gen_conformance(&g, &daemon, &notify, &plugin_groups);
	if (fclose(gf) != 0 || fclose(g.f) != 0) {
		gf = g.f = NULL;
		rc = -ENOMEM;
		goto out;
	}
	gf = g.f = NULL;
	write_header(out, &g);
	fwrite(body, 1, body_len, out);
	fwrite(groups, 1, groups_len, out);
	fputs("END\n", out);
	if (ferror(out))
		rc = -EIO;
out:
	if (g.f)
		fclose(g.f);
	if (gf)
		fclose(gf);
	free(body);
	free(groups);
	names_free(&daemon);
	names_free(&notify);
	names_free(&plugin_groups);
	return rc;
}
