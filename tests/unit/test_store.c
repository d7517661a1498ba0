/* Unit tests for mgmtd/store.c, store_convert.c, store_history.c (the
 * managed file and its history, in a private temporary directory) and for
 * mgmtd/diff.c (changes between trees and their one-line summary). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit_json.h"
#include "diff.h"
#include "schema.h"
#include "store.h"

/* ------------------------------------------------------------------ */
/* A small schema: dns with a singleton and collections keyed by a     */
/* string and by an integer                                            */

static const struct mgmtd_attr dns_settings_attrs[] = {
	{ .name = "hostname", .type = MGMTD_T_HOSTNAME,
	  .flags = MGMTD_A_CONFIG, .snmp_column = 1, .description = "Name" },
	{ .name = "domain", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 2, .description = "Domain" },
	{ .name = "password", .type = MGMTD_T_SECRET, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 3, .description = "Secret" },
	{ .name = NULL },
};
static const struct mgmtd_attr dns_hosts_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_CONFIG, .snmp_column = 2,
	  .description = "Host" },
	{ .name = "addresses", .type = MGMTD_T_IP,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_LIST, .snmp_column = 3,
	  .description = "Addresses" },
	{ .name = "comment", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 4, .description = "Comment" },
	{ .name = "key", .type = MGMTD_T_SECRET, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 5, .description = "TSIG key" },
	{ .name = NULL },
};
static const struct mgmtd_attr dns_zones_attrs[] = {
	{ .name = "id", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_KEY | MGMTD_A_CONFIG, .snmp_column = 2,
	  .description = "Zone number" },
	{ .name = "origin", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 3, .description = "Origin" },
	{ .name = NULL },
};
static const struct mgmtd_attr dns_stats_attrs[] = {
	{ .name = "queries", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_COUNTER, .snmp_column = 1,
	  .description = "Queries" },
	{ .name = NULL },
};
static const struct mgmtd_class dns_settings = {
	.name = "settings", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "Settings", .attrs = dns_settings_attrs,
};
static const struct mgmtd_class dns_hosts = {
	.name = "hosts", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Hosts", .attrs = dns_hosts_attrs,
};
static const struct mgmtd_class dns_zones = {
	.name = "zones", .kind = MGMTD_COLLECTION, .snmp_table = 3,
	.description = "Zones", .attrs = dns_zones_attrs,
};
static const struct mgmtd_class dns_stats = {
	.name = "stats", .kind = MGMTD_SINGLETON, .snmp_table = 4,
	.description = "Stats", .attrs = dns_stats_attrs,
};
static const struct mgmtd_class *const dns_classes[] = {
	&dns_settings, &dns_hosts, &dns_zones, &dns_stats, NULL,
};
static const struct mgmtd_plugin dns_plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "dns", .version = "1",
	.description = "Test DNS", .mib_arc = 710, .classes = dns_classes,
};

/* ------------------------------------------------------------------ */
/* Fixture: a fresh state directory and the schema                     */

static char tmpdir[PATH_MAX];
static char statedir[PATH_MAX];
static struct schema sch;

static void setup(void)
{
	char msg[256];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(statedir, sizeof(statedir), "%s/state", tmpdir);
	sch = (struct schema){ 0 };
	ck_assert_int_eq(schema_add_plugin(&sch, &dns_plugin, msg, sizeof(msg)),
			 0);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static void teardown(void)
{
	schema_fini(&sch);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Equal trees, with both shown on failure. */
#define ck_assert_tree_eq(got, want)                                         \
	do {                                                                 \
		json_t *g_ = (got), *w_ = (want);                            \
		if (!json_equal(g_, w_)) {                                   \
			char *gs_ = dump(g_), *ws_ = dump(w_);               \
			ck_abort_msg("trees differ:\ngot  %s\nwant %s", gs_, \
				     ws_);                                   \
		}                                                            \
	} while (0)

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file, owned; NULL if it cannot be read. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void hist_path(char *buf, size_t len, unsigned v)
{
	snprintf(buf, len, "%s/history/%010u.conf", statedir, v);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Names in dir, sorted, joined by spaces ("" if none), in buf. */
static const char *list_dir(const char *dir, char *buf, size_t len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t used = 0;

	buf[0] = '\0';
	ck_assert_msg(n >= 0, "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? " " : "", name);
		free(names[i]);
	}
	free(names);
	return buf;
}

/* Temporary files ("." names) left in the state and history dirs. */
static int temp_files(void)
{
	const char *dirs[2];
	char hdir[PATH_MAX];
	int count = 0;

	snprintf(hdir, sizeof(hdir), "%s/history", statedir);
	dirs[0] = statedir;
	dirs[1] = hdir;
	for (int d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;
		if (!dir)
			continue;
		while ((e = readdir(dir)))
			if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				count++;
		closedir(dir);
	}
	return count;
}

static struct store *open_store(unsigned keep)
{
	struct store *s = NULL;

	ck_assert_int_eq(store_open(statedir, keep, &s), 0);
	ck_assert_ptr_nonnull(s);
	return s;
}

static struct store_meta meta_of(const char *user, const char *summary)
{
	struct store_meta m = { .time = 1700000000 };

	snprintf(m.user, sizeof(m.user), "%s", user);
	snprintf(m.source, sizeof(m.source), "192.0.2.7");
	snprintf(m.interface, sizeof(m.interface), "rest");
	snprintf(m.summary, sizeof(m.summary), "%s", summary);
	return m;
}

/* A small valid tree whose hostname tells versions apart. */
static json_t *tree_n(unsigned n)
{
	char host[32];
	json_t *t;

	snprintf(host, sizeof(host), "host%u", n);
	t = json_pack("{s:{s:{s:s, s:s}, s:[{s:s, s:[s], s:s}]}}", "dns",
		      "settings", "hostname", host, "domain", "example.com",
		      "hosts", "name", "db1", "addresses", "10.0.0.1",
		      "comment", host);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* got (borrowed) is tree_n(n). */
#define ck_assert_tree_is_n(got, n)                                          \
	do {                                                                 \
		json_t *want_n_ = tree_n(n);                                 \
		ck_assert_tree_eq(got, want_n_);                             \
		json_decref(want_n_);                                        \
	} while (0)

/* Commit tree (stolen) with a default meta; returns the store's rc. */
static int commit(struct store *s, json_t *tree, const char *summary)
{
	struct store_meta m = meta_of("admin", summary);
	int rc = store_commit(s, tree, &m);

	json_decref(tree);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Opening, committing, reading back                                   */

START_TEST(test_open_creates_state_and_history)
{
	struct store *s;
	json_t *tree = NULL;
	char msg[512], want[PATH_MAX + 32];

	snprintf(statedir, sizeof(statedir), "%s/a/b/state", tmpdir);
	s = open_store(5);
	ck_assert_uint_eq(store_version(s), 0);
	snprintf(want, sizeof(want), "%s/config.conf", statedir);
	ck_assert_str_eq(store_current_path(s), want);
	snprintf(want, sizeof(want), "%s/history", statedir);
	ck_assert(exists(want));

	/* nothing committed yet */
	ck_assert_int_eq(store_load_current(s, &tree, msg, sizeof(msg)),
			 -ENOENT);
	ck_assert_ptr_null(tree);
	ck_assert_ptr_nonnull(strstr(msg, "config.conf"));
	ck_assert_uint_eq(store_version(s), 0);
	tree = store_versions(s);
	ck_assert_uint_eq(json_array_size(tree), 0);
	json_decref(tree);
	store_close(s);

	/* a file where the directory should be */
	snprintf(statedir, sizeof(statedir), "%s/file", tmpdir);
	write_file(statedir, "x");
	s = NULL;
	ck_assert_int_lt(store_open(statedir, 5, &s), 0);
	ck_assert_ptr_null(s);
	store_close(NULL);
}
END_TEST

START_TEST(test_commit_and_read_versions_back)
{
	struct store *s = open_store(10);
	json_t *trees[4], *got;
	struct store_meta m, back;

	for (unsigned v = 1; v <= 3; v++) {
		char user[16], summary[32];
		trees[v] = tree_n(v);
		snprintf(user, sizeof(user), "user%u", v);
		snprintf(summary, sizeof(summary), "change %u", v);
		m = meta_of(user, summary);
		m.time = 1700000000 + v;
		m.version = 99; /* filled in by the store */
		ck_assert_int_eq(store_commit(s, trees[v], &m), 0);
		ck_assert_uint_eq(m.version, v);
		ck_assert_uint_eq(store_version(s), v);
	}
	for (unsigned v = 1; v <= 3; v++) {
		char user[16], summary[32];
		snprintf(user, sizeof(user), "user%u", v);
		snprintf(summary, sizeof(summary), "change %u", v);
		got = NULL;
		memset(&back, 0x55, sizeof(back));
		ck_assert_int_eq(store_read_version(s, v, &got, &back), 0);
		ck_assert_tree_eq(got, trees[v]);
		ck_assert_uint_eq(back.version, v);
		ck_assert_int_eq(back.time, 1700000000 + v);
		ck_assert_str_eq(back.user, user);
		ck_assert_str_eq(back.source, "192.0.2.7");
		ck_assert_str_eq(back.interface, "rest");
		ck_assert_str_eq(back.summary, summary);
		json_decref(got);

		/* the meta alone, from the first line */
		memset(&back, 0x55, sizeof(back));
		ck_assert_int_eq(store_read_version_meta(s, v, &back), 0);
		ck_assert_uint_eq(back.version, v);
		ck_assert_str_eq(back.user, user);
		ck_assert_str_eq(back.summary, summary);
		/* no meta wanted */
		ck_assert_int_eq(store_read_version(s, v, &got, NULL), 0);
		ck_assert_tree_eq(got, trees[v]);
		json_decref(got);
	}
	got = NULL;
	ck_assert_int_eq(store_read_version(s, 0, &got, &back), -ENOENT);
	ck_assert_int_eq(store_read_version(s, 4, &got, &back), -ENOENT);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(store_read_version_meta(s, 0, &back), -ENOENT);
	ck_assert_int_eq(store_read_version_meta(s, 4, &back), -ENOENT);
	for (unsigned v = 1; v <= 3; v++)
		json_decref(trees[v]);
	store_close(s);
}
END_TEST

START_TEST(test_meta_with_quotes_backslashes_and_newlines)
{
	static const char summary[] =
		"said \"hi\"; path C:\\dir\\ \\\"; line1\nline2\r\ttab\x01"
		"\x1f end \xc3\xa9t\xc3\xa9 ' } ; # // /* */";
	static const char user[] = "o'brien \"the admin\" \\";
	struct store *s = open_store(10);
	struct store_meta m = meta_of(user, summary), back;
	json_t *tree = tree_n(1), *got = NULL, *list, *first;

	snprintf(m.source, sizeof(m.source), "2001:db8::7");
	snprintf(m.interface, sizeof(m.interface), "cli");
	m.time = 4102444800; /* 2100-01-01: beyond 32 bits */
	ck_assert_int_eq(store_commit(s, tree, &m), 0);

	ck_assert_int_eq(store_read_version(s, 1, &got, &back), 0);
	ck_assert_tree_eq(got, tree);
	ck_assert_str_eq(back.summary, summary);
	ck_assert_str_eq(back.user, user);
	ck_assert_str_eq(back.source, "2001:db8::7");
	ck_assert_str_eq(back.interface, "cli");
	ck_assert_int_eq(back.time, 4102444800);
	json_decref(got);

	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(store_read_version_meta(s, 1, &back), 0);
	ck_assert_str_eq(back.summary, summary);
	ck_assert_str_eq(back.user, user);
	ck_assert_int_eq(back.time, 4102444800);

	list = store_versions(s);
	ck_assert_uint_eq(json_array_size(list), 1);
	first = json_array_get(list, 0);
	ck_assert_str_eq(json_string_value(json_object_get(first, "summary")),
			 summary);
	ck_assert_str_eq(json_string_value(json_object_get(first, "user")),
			 user);
	ck_assert_int_eq(json_integer_value(json_object_get(first, "time")),
			 4102444800);
	json_decref(list);
	json_decref(tree);
	store_close(s);
}
END_TEST

START_TEST(test_meta_worst_case_still_one_line)
{
	/* Every field full of characters that escaping widens most. */
	struct store *s = open_store(10);
	struct store_meta m = { .time = -1 }, back;
	json_t *list, *tree;

	memset(m.user, '"', sizeof(m.user) - 1);
	memset(m.source, '\\', sizeof(m.source) - 1);
	memset(m.interface, '\n', sizeof(m.interface) - 1);
	memset(m.summary, '\x02', sizeof(m.summary) - 1);
	ck_assert_int_eq(commit(s, tree_n(1), "x"), 0); /* version 1 */
	tree = tree_n(2);
	ck_assert_int_eq(store_commit(s, tree, &m), 0);
	json_decref(tree);

	ck_assert_int_eq(store_read_version_meta(s, 2, &back), 0);
	ck_assert_str_eq(back.user, m.user);
	ck_assert_str_eq(back.source, m.source);
	ck_assert_str_eq(back.interface, m.interface);
	ck_assert_str_eq(back.summary, m.summary);
	ck_assert_int_eq(back.time, -1);
	list = store_versions(s);
	ck_assert_uint_eq(json_array_size(list), 2);
	json_decref(list);
	store_close(s);
}
END_TEST

START_TEST(test_meta_json)
{
	struct store_meta m = meta_of("bob", "did \"it\"");
	json_t *j;

	m.version = 12;
	m.time = 5000000000;
	j = store_meta_json(&m);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(json_object_size(j), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 12);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "time")),
			 5000000000);
	ck_assert_str_eq(json_string_value(json_object_get(j, "user")), "bob");
	ck_assert_str_eq(json_string_value(json_object_get(j, "source")),
			 "192.0.2.7");
	ck_assert_str_eq(json_string_value(json_object_get(j, "interface")),
			 "rest");
	ck_assert_str_eq(json_string_value(json_object_get(j, "summary")),
			 "did \"it\"");
	json_decref(j);
}
END_TEST

START_TEST(test_managed_file_holds_version_and_parses_back)
{
	struct store *s = open_store(10);
	json_t *t2 = tree_n(2), *got = NULL;
	char path[PATH_MAX], msg[512], *text;
	unsigned version = 77;
	struct stat st;

	ck_assert_int_eq(commit(s, tree_n(1), "one"), 0);
	ck_assert_int_eq(commit(s, json_incref(t2), "two"), 0);

	text = read_text(store_current_path(s));
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strncmp(text, "# mgmtd managed configuration", 29) == 0,
		      "no header: %s", text);
	ck_assert_msg(strstr(text, "\nversion = 2;\n") != NULL,
		      "no version line: %s", text);
	ck_assert_ptr_null(strstr(text, "meta"));
	free(text);
	/* the files hold secrets: owner only; no temporary file is left */
	ck_assert_int_eq(stat(store_current_path(s), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	hist_path(path, sizeof(path), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "%s/history", statedir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(temp_files(), 0);

	ck_assert_int_eq(store_parse_file(store_current_path(s), &got, &version,
					  NULL, msg, sizeof(msg)),
			 0);
	ck_assert_uint_eq(version, 2);
	ck_assert_tree_eq(got, t2);
	json_decref(got);

	/* the history file: the meta line, then the managed file */
	hist_path(path, sizeof(path), 2);
	text = read_text(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strncmp(text, "meta = { version = 2; time = 1700000000L;",
			      41) == 0,
		      "history starts: %.80s", text);
	ck_assert_ptr_nonnull(strchr(text, '\n'));
	ck_assert_msg(strncmp(strchr(text, '\n') + 1,
			      "# mgmtd managed configuration", 29) == 0,
		      "history body: %s", text);
	free(text);
	version = 0;
	ck_assert_int_eq(store_parse_file(path, &got, &version, NULL, msg,
					  sizeof(msg)),
			 0);
	ck_assert_uint_eq(version, 2);
	ck_assert_tree_eq(got, t2); /* "meta" is not part of the tree */
	json_decref(got);

	/* a reopened store loads the same */
	store_close(s);
	s = open_store(10);
	ck_assert_uint_eq(store_version(s), 0);
	ck_assert_int_eq(store_load_current(s, &got, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(store_version(s), 2);
	ck_assert_tree_eq(got, t2);
	json_decref(got);
	ck_assert_int_eq(commit(s, tree_n(3), "three"), 0);
	ck_assert_uint_eq(store_version(s), 3);

	json_decref(t2);
	store_close(s);
}
END_TEST

START_TEST(test_file_without_version_reads_as_zero)
{
	char path[PATH_MAX], msg[256];
	unsigned version = 5;
	json_t *got = NULL, *want;

	snprintf(path, sizeof(path), "%s/hand.conf", tmpdir);
	write_file(path, "dns = { settings = { hostname = \"a\"; }; };\n");
	ck_assert_int_eq(store_parse_file(path, &got, &version, NULL, msg,
					  sizeof(msg)),
			 0);
	ck_assert_uint_eq(version, 0);
	want = load("{\"dns\": {\"settings\": {\"hostname\": \"a\"}}}");
	ck_assert_tree_eq(got, want);
	json_decref(want);
	json_decref(got);
	/* version may be left out */
	ck_assert_int_eq(store_parse_file(path, &got, NULL, NULL, msg,
					  sizeof(msg)),
			 0);
	json_decref(got);
}
END_TEST

/* ------------------------------------------------------------------ */
/* JSON <-> libconfig                                                  */

static const char round_trip_json[] =
	"{\"p\": {"
	"\"group\": {\"nested\": {\"deep\": {\"x\": 1, \"y\": \"z\"}},"
	"\"empty\": {}},"
	"\"list\": [{\"a\": 1, \"b\": \"x\"}, {\"a\": 2, \"c\": [true, false]},"
	"{\"g\": {\"h\": [\"i\"]}}],"
	"\"strs\": [\"a\", \"b \\\"q\\\" \\\\ \\n\\t\", \"\", \"\\u00e9\"],"
	"\"empty_arr\": [],"
	"\"big\": 4294967296, \"edge\": 2147483648, \"int_max\": 2147483647,"
	"\"int_min\": -2147483648, \"neg_big\": -3000000000,"
	"\"max\": 9223372036854775807, \"min\": -9223372036854775808,"
	"\"small\": 5, \"zero\": 0,"
	"\"ints\": [1, -2, 3], \"bigs\": [5000000000, 1],"
	"\"t\": true, \"f\": false, \"bools\": [false, true],"
	"\"s\": \"\\u00e9t\\u00e9 \\\"quoted\\\" back\\\\slash\\nnew line\"},"
	"\"q\": {\"x\": \"y\"}}";

START_TEST(test_round_trip_through_commit)
{
	struct store *s = open_store(10);
	json_t *tree = load(round_trip_json), *got = NULL;
	char msg[512];
	unsigned version = 0;

	ck_assert_int_eq(store_commit(s, tree, &(struct store_meta){ 0 }), 0);
	ck_assert_int_eq(store_parse_file(store_current_path(s), &got, &version,
					  NULL, msg, sizeof(msg)),
			 0);
	ck_assert_uint_eq(version, 1);
	ck_assert_tree_eq(got, tree);
	/* integers keep their exact value and stay integers */
	ck_assert(json_is_integer(json_object_get(json_object_get(got, "p"),
						  "max")));
	json_decref(got);
	ck_assert_int_eq(store_read_version(s, 1, &got, NULL), 0);
	ck_assert_tree_eq(got, tree);
	json_decref(got);
	json_decref(tree);
	store_close(s);
}
END_TEST

/* tree -> libconfig text -> tree, without the store. */
static json_t *convert_round_trip(json_t *tree, char **text)
{
	config_t c, back;
	const char *name;
	json_t *sub, *got;
	size_t len = 0;
	FILE *f;

	config_init(&c);
	json_object_foreach(tree, name, sub)
		ck_assert_int_eq(store_json_to_setting(config_root_setting(&c),
						       name, sub),
				 0);
	f = open_memstream(text, &len);
	config_write(&c, f);
	fclose(f);
	config_destroy(&c);

	config_init(&back);
	ck_assert_msg(config_read_string(&back, *text) == CONFIG_TRUE,
		      "line %d: %s in\n%s", config_error_line(&back),
		      config_error_text(&back), *text);
	got = store_setting_to_json(config_root_setting(&back));
	config_destroy(&back);
	return got;
}

START_TEST(test_round_trip_conversion_functions)
{
	json_t *tree = load(round_trip_json), *got;
	char *text = NULL;

	got = convert_round_trip(tree, &text);
	ck_assert_tree_eq(got, tree);
	/* values beyond 32 bits are written as 64-bit literals */
	ck_assert_ptr_nonnull(strstr(text, "4294967296L"));
	ck_assert_ptr_nonnull(strstr(text, "-9223372036854775808L"));
	free(text);
	json_decref(got);
	json_decref(tree);
}
END_TEST

START_TEST(test_round_trip_int_array_with_late_big_value)
{
	/* The first item fits 32 bits, a later one does not: libconfig arrays
	 * hold one type, so all must be written as 64-bit. */
	json_t *tree = load("{\"p\": {\"sizes\": [1, 5000000000, 2]}}"), *got;
	struct store *s = open_store(10);
	char *text = NULL, msg[512];

	got = convert_round_trip(tree, &text);
	ck_assert_tree_eq(got, tree);
	free(text);
	json_decref(got);

	/* and the store can read back what it committed */
	ck_assert_int_eq(store_commit(s, tree, &(struct store_meta){ 0 }), 0);
	got = NULL;
	ck_assert_msg(store_parse_file(store_current_path(s), &got, NULL, NULL,
				       msg, sizeof(msg)) == 0,
		      "%s", msg);
	ck_assert_tree_eq(got, tree);
	json_decref(got);
	json_decref(tree);
	store_close(s);
}
END_TEST

START_TEST(test_conversion_edge_cases)
{
	config_t c;
	config_setting_t *root;
	json_t *v;

	config_init(&c);
	root = config_root_setting(&c);
	/* null is "unset": nothing is written */
	v = json_null();
	ck_assert_int_eq(store_json_to_setting(root, "n", v), 0);
	ck_assert_ptr_null(config_setting_get_member(root, "n"));
	json_decref(v);
	/* names libconfig cannot hold, duplicates and nested arrays fail */
	v = json_integer(1);
	ck_assert_int_lt(store_json_to_setting(root, "bad name", v), 0);
	ck_assert_int_eq(store_json_to_setting(root, "ok", v), 0);
	ck_assert_int_lt(store_json_to_setting(root, "ok", v), 0);
	json_decref(v);
	v = load("[[1]]");
	ck_assert_int_lt(store_json_to_setting(root, "nested", v), 0);
	json_decref(v);
	/* a real number survives */
	v = json_real(1.5);
	ck_assert_int_eq(store_json_to_setting(root, "r", v), 0);
	json_decref(v);
	v = store_setting_to_json(config_setting_get_member(root, "r"));
	ck_assert(json_is_real(v));
	ck_assert(json_real_value(v) == 1.5);
	json_decref(v);
	config_destroy(&c);
}
END_TEST

START_TEST(test_commit_refuses_unrenderable_tree)
{
	struct store *s = open_store(10);
	char path[PATH_MAX], buf[512];

	ck_assert_int_eq(commit(s, tree_n(1), "one"), 0);
	ck_assert_int_lt(commit(s, load("{\"bad key\": 1}"), "bad"), 0);
	ck_assert_uint_eq(store_version(s), 1);
	hist_path(path, sizeof(path), 2);
	ck_assert(!exists(path));
	snprintf(path, sizeof(path), "%s/history", statedir);
	ck_assert_str_eq(list_dir(path, buf, sizeof(buf)), "0000000001.conf");
	ck_assert_int_eq(temp_files(), 0);
	store_close(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* History: pruning, listing, orphans                                  */

START_TEST(test_prune_keeps_exactly_keep_versions)
{
	struct store *s = open_store(3);
	char hdir[PATH_MAX], buf[512];
	json_t *list, *got = NULL;

	snprintf(hdir, sizeof(hdir), "%s/history", statedir);
	for (unsigned v = 1; v <= 7; v++) {
		char want[64];
		ck_assert_int_eq(commit(s, tree_n(v), "x"), 0);
		/* never more than keep files: the newest ones */
		snprintf(want, sizeof(want), "%010u.conf", v);
		list_dir(hdir, buf, sizeof(buf));
		ck_assert_uint_eq(strlen(buf), (v < 3 ? v : 3) * 16 - 1);
		ck_assert_str_eq(buf + strlen(buf) - 15, want);
	}
	ck_assert_str_eq(list_dir(hdir, buf, sizeof(buf)),
			 "0000000005.conf 0000000006.conf 0000000007.conf");
	ck_assert_int_eq(store_read_version(s, 4, &got, NULL), -ENOENT);
	ck_assert_int_eq(store_read_version_meta(s, 4, &(struct store_meta){ 0 }),
			 -ENOENT);
	ck_assert_int_eq(store_read_version(s, 5, &got, NULL), 0);
	ck_assert_tree_is_n(got, 5);
	json_decref(got);

	list = store_versions(s);
	ck_assert_uint_eq(json_array_size(list), 3);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(json_integer_value(json_object_get(
					 json_array_get(list, i), "version")),
				 7 - i);
	json_decref(list);
	store_close(s);
}
END_TEST

START_TEST(test_keep_zero_means_one)
{
	struct store *s = open_store(0);
	char hdir[PATH_MAX], buf[256];

	snprintf(hdir, sizeof(hdir), "%s/history", statedir);
	for (unsigned v = 1; v <= 3; v++)
		ck_assert_int_eq(commit(s, tree_n(v), "x"), 0);
	ck_assert_str_eq(list_dir(hdir, buf, sizeof(buf)), "0000000003.conf");
	store_close(s);
}
END_TEST

START_TEST(test_versions_newest_first_with_meta)
{
	struct store *s = open_store(10);
	json_t *list;

	for (unsigned v = 1; v <= 12; v++) {
		char summary[32];
		snprintf(summary, sizeof(summary), "change %u", v);
		ck_assert_int_eq(commit(s, tree_n(v), summary), 0);
	}
	list = store_versions(s);
	/* 10 kept: 12 down to 3, numerically (not 9 before 10) */
	ck_assert_uint_eq(json_array_size(list), 10);
	for (unsigned i = 0; i < 10; i++) {
		json_t *e = json_array_get(list, i);
		char summary[32];
		snprintf(summary, sizeof(summary), "change %u", 12 - i);
		ck_assert_int_eq(json_integer_value(json_object_get(e, "version")),
				 12 - i);
		ck_assert_str_eq(json_string_value(json_object_get(e, "summary")),
				 summary);
		ck_assert_str_eq(json_string_value(json_object_get(e, "user")),
				 "admin");
		ck_assert_int_eq(json_integer_value(json_object_get(e, "time")),
				 1700000000);
	}
	json_decref(list);
	store_close(s);
}
END_TEST

START_TEST(test_orphans_above_current_are_dropped_on_load)
{
	struct store *s = open_store(10);
	char path[PATH_MAX], src[PATH_MAX], msg[512], hdir[PATH_MAX], buf[512];
	char *text;
	json_t *got = NULL, *list;

	snprintf(hdir, sizeof(hdir), "%s/history", statedir);
	for (unsigned v = 1; v <= 3; v++)
		ck_assert_int_eq(commit(s, tree_n(v), "x"), 0);
	store_close(s);

	/* A crash after writing history 4 (and a stray 9) but before the
	 * rename of config.conf; other files in history are not ours. */
	hist_path(src, sizeof(src), 3);
	text = read_text(src);
	hist_path(path, sizeof(path), 4);
	write_file(path, text);
	hist_path(path, sizeof(path), 9);
	write_file(path, text);
	free(text);
	snprintf(path, sizeof(path), "%s/notes.txt", hdir);
	write_file(path, "keep me");

	s = open_store(10);
	ck_assert_int_eq(store_load_current(s, &got, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(store_version(s), 3);
	ck_assert_tree_is_n(got, 3);
	json_decref(got);
	ck_assert_str_eq(list_dir(hdir, buf, sizeof(buf)),
			 "0000000001.conf 0000000002.conf 0000000003.conf "
			 "notes.txt");
	list = store_versions(s);
	ck_assert_uint_eq(json_array_size(list), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_array_get(list, 0), "version")),
			 3);
	json_decref(list);

	/* the next commit is 4 again, with its own content */
	ck_assert_int_eq(commit(s, tree_n(40), "new four"), 0);
	ck_assert_uint_eq(store_version(s), 4);
	ck_assert_int_eq(store_read_version(s, 4, &got, NULL), 0);
	ck_assert_tree_is_n(got, 40);
	json_decref(got);
	store_close(s);
}
END_TEST

START_TEST(test_orphan_after_commit_with_old_config_restored)
{
	struct store *s = open_store(10);
	char msg[512], *v2, hdir[PATH_MAX], buf[512];
	json_t *got = NULL;

	snprintf(hdir, sizeof(hdir), "%s/history", statedir);
	ck_assert_int_eq(commit(s, tree_n(1), "x"), 0);
	ck_assert_int_eq(commit(s, tree_n(2), "x"), 0);
	v2 = read_text(store_current_path(s));
	ck_assert_int_eq(commit(s, tree_n(3), "x"), 0);
	/* as if the rename of config.conf for version 3 never happened */
	write_file(store_current_path(s), v2);
	free(v2);
	store_close(s);

	s = open_store(10);
	ck_assert_int_eq(store_load_current(s, &got, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(store_version(s), 2);
	ck_assert_tree_is_n(got, 2);
	json_decref(got);
	ck_assert_str_eq(list_dir(hdir, buf, sizeof(buf)),
			 "0000000001.conf 0000000002.conf");
	ck_assert_int_eq(store_read_version(s, 3, &got, NULL), -ENOENT);
	store_close(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Atomicity: a failed commit changes nothing                          */

START_TEST(test_commit_fails_when_config_cannot_be_replaced)
{
	struct store *s = open_store(10);
	char cur[PATH_MAX], keep[PATH_MAX], blocker[PATH_MAX], path[PATH_MAX];
	char *before, *after;
	json_t *got = NULL;
	struct store_meta m = meta_of("admin", "blocked");

	ck_assert_int_eq(commit(s, tree_n(1), "one"), 0);
	before = read_text(store_current_path(s));

	/* config.conf becomes a non-empty directory: rename() over it fails
	 * even for root.  The real file is set aside meanwhile. */
	snprintf(cur, sizeof(cur), "%s", store_current_path(s));
	snprintf(keep, sizeof(keep), "%s.aside", cur);
	snprintf(blocker, sizeof(blocker), "%s/blocker", cur);
	ck_assert_int_eq(rename(cur, keep), 0);
	ck_assert_int_eq(mkdir(cur, 0700), 0);
	write_file(blocker, "x");

	got = tree_n(2);
	ck_assert_int_lt(store_commit(s, got, &m), 0);
	json_decref(got);
	ck_assert_uint_eq(store_version(s), 1);
	hist_path(path, sizeof(path), 2);
	ck_assert_msg(!exists(path), "history of the failed version is left");
	ck_assert_int_eq(temp_files(), 0);
	ck_assert(exists(blocker));

	/* put the file back: version 1 is intact and the next commit is 2 */
	ck_assert_int_eq(unlink(blocker), 0);
	ck_assert_int_eq(rmdir(cur), 0);
	ck_assert_int_eq(rename(keep, cur), 0);
	after = read_text(cur);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(store_read_version(s, 1, &got, NULL), 0);
	ck_assert_tree_is_n(got, 1);
	json_decref(got);
	ck_assert_int_eq(commit(s, tree_n(2), "two"), 0);
	ck_assert_uint_eq(store_version(s), 2);
	free(before);
	free(after);
	store_close(s);
}
END_TEST

START_TEST(test_commit_fails_when_history_cannot_be_written)
{
	struct store *s = open_store(10);
	char path[PATH_MAX], blocker[PATH_MAX], *before, *after;
	json_t *got = NULL, *list;

	ck_assert_int_eq(commit(s, tree_n(1), "one"), 0);
	before = read_text(store_current_path(s));

	hist_path(path, sizeof(path), 2);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(blocker, sizeof(blocker), "%s/blocker", path);
	write_file(blocker, "x");

	ck_assert_int_lt(commit(s, tree_n(2), "two"), 0);
	ck_assert_uint_eq(store_version(s), 1);
	after = read_text(store_current_path(s));
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(temp_files(), 0);
	list = store_versions(s);
	ck_assert_uint_eq(json_array_size(list), 1);
	json_decref(list);

	/* the reopened store agrees */
	store_close(s);
	s = open_store(10);
	ck_assert_int_eq(store_load_current(s, &got, blocker, sizeof(blocker)),
			 0);
	ck_assert_uint_eq(store_version(s), 1);
	ck_assert_tree_is_n(got, 1);
	json_decref(got);
	free(before);
	free(after);
	store_close(s);
}
END_TEST

START_TEST(test_commit_fails_when_state_dir_is_gone)
{
	struct store *s = open_store(10);

	ck_assert_int_eq(commit(s, tree_n(1), "one"), 0);
	nftw(statedir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	ck_assert(!exists(statedir));
	ck_assert_int_lt(commit(s, tree_n(2), "two"), 0);
	ck_assert_uint_eq(store_version(s), 1);
	ck_assert(!exists(statedir));
	store_close(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Parse errors and line numbers                                       */

START_TEST(test_parse_file_syntax_error_line)
{
	char path[PATH_MAX], msg[512], want[PATH_MAX + 8];
	json_t *got = NULL;
	config_t cfg;

	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	write_file(path, "# comment\n"
			 "version = 3;\n"
			 "dns = {\n"
			 "  settings = { hostname = \"a\" }\n"
			 "  oops oops;\n"
			 "};\n");
	ck_assert_int_eq(store_parse_file(path, &got, NULL, &cfg, msg,
					  sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_null(got);
	snprintf(want, sizeof(want), "%s:5: ", path);
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0,
		      "message \"%s\", want \"%s...\"", msg, want);
	ck_assert_uint_gt(strlen(msg), strlen(want));

	write_file(path, "version = ;\n");
	ck_assert_int_eq(store_parse_file(path, &got, NULL, NULL, msg,
					  sizeof(msg)),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s:1: ", path);
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "message \"%s\"",
		      msg);

	/* a missing file */
	snprintf(path, sizeof(path), "%s/none.conf", tmpdir);
	ck_assert_int_eq(store_parse_file(path, &got, NULL, NULL, msg,
					  sizeof(msg)),
			 -ENOENT);
	snprintf(want, sizeof(want), "%s: ", path);
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "message \"%s\"",
		      msg);
}
END_TEST

static const char lines_conf[] =
	"version = 2;\n"                      /* 1 */
	"dns :\n"                             /* 2 */
	"{\n"                                 /* 3 */
	"  settings :\n"                      /* 4 */
	"  {\n"                               /* 5 */
	"    hostname = \"nas\";\n"           /* 6 */
	"  };\n"                              /* 7 */
	"  hosts = (\n"                       /* 8 */
	"    {\n"                             /* 9 */
	"      name = \"db0\";\n"             /* 10 */
	"      addresses = [ \"10.0.0.1\" ];\n" /* 11 */
	"    },\n"                            /* 12 */
	"    {\n"                             /* 13 */
	"      name = \"db1\";\n"             /* 14 */
	"      comment = \"x\";\n"            /* 15 */
	"      addresses = [ \"10.0.0.2\",\n" /* 16 */
	"                    \"10.0.0.3\" ];\n" /* 17 */
	"    } );\n"                          /* 18 */
	"  zones = ( { id = 7; origin = \"a\"; },\n" /* 19 */
	"            { id = 5000000000L;\n"   /* 20 */
	"              origin = \"b\"; } );\n" /* 21 */
	"};\n"                                /* 22 */
	"other = { hosts = ( { name = \"db1\"; } ); };\n"; /* 23 */

START_TEST(test_line_of_error_paths)
{
	char path[PATH_MAX], msg[512];
	json_t *got = NULL;
	config_t cfg;

	snprintf(path, sizeof(path), "%s/lines.conf", tmpdir);
	write_file(path, lines_conf);
	ck_assert_msg(store_parse_file(path, &got, NULL, &cfg, msg,
				       sizeof(msg)) == 0,
		      "%s", msg);
	json_decref(got);

	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db1].addresses"),
			 16);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db1].comment"),
			 15);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db0].addresses"),
			 11);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.settings.hostname"), 6);
	/* by position, as errors name items without a key */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[#2].comment"),
			 15);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[#1].name"), 10);
	/* integer keys */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.zones[7].origin"), 19);
	ck_assert_int_eq(store_line_of(&cfg, &sch,
				       "dns.zones[5000000000].origin"),
			 21);

	/* absent attribute: the object's line (where its group opens) */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db1].missing"),
			 13);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db1]"), 13);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.zones[5000000000]"),
			 20);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.settings.domain"), 4);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.settings"), 4);
	/* absent object: the collection's line */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[db9].comment"),
			 8);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.hosts[#9]"), 8);
	/* absent class, plugin: the plugin's line, or none */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "dns.nosuch"), 2);
	ck_assert_int_eq(store_line_of(&cfg, &sch, "nosuch.hosts[db1]"), 0);
	ck_assert_int_eq(store_line_of(&cfg, &sch, ""), 0);
	/* a plugin not in the schema: no keys known, so no item lookup */
	ck_assert_int_eq(store_line_of(&cfg, &sch, "other.hosts[db1].name"), 23);
	config_destroy(&cfg);

	/* keys with dots, as host names are */
	write_file(path, "dns = {\n"
			 "  hosts = ( { name = \"a.example.com\"; },\n"
			 "            { name = \"b.example.com\";\n"
			 "              comment = \"c\"; } );\n"
			 "};\n");
	ck_assert_msg(store_parse_file(path, &got, NULL, &cfg, msg,
				       sizeof(msg)) == 0,
		      "%s", msg);
	json_decref(got);
	ck_assert_int_eq(store_line_of(&cfg, &sch,
				       "dns.hosts[b.example.com].comment"),
			 4);
	ck_assert_int_eq(store_line_of(&cfg, &sch,
				       "dns.hosts[a.example.com].comment"),
			 2);
	config_destroy(&cfg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Diff                                                                */

static json_t *diff_of(const char *a, const char *b)
{
	json_t *ja = a ? load(a) : NULL, *jb = b ? load(b) : NULL;
	json_t *d = diff_trees(&sch, ja, jb);

	ck_assert_ptr_nonnull(d);
	ck_assert(json_is_array(d));
	json_decref(ja);
	json_decref(jb);
	return d;
}

#define ck_assert_diff(a, b, want)                                           \
	do {                                                                 \
		json_t *d_ = diff_of(a, b), *dw_ = load(want);                \
		ck_assert_tree_eq(d_, dw_);                                   \
		json_decref(d_);                                             \
		json_decref(dw_);                                            \
	} while (0)

static const char base_tree[] =
	"{\"dns\": {\"settings\": {\"hostname\": \"a\", \"password\": \"p1\"},"
	"\"hosts\": [{\"name\": \"db1\", \"addresses\": [\"10.0.0.1\"]},"
	"{\"name\": \"db2\", \"comment\": \"two\", \"key\": \"k2\"}],"
	"\"zones\": [{\"id\": 1, \"origin\": \"x\"}]}}";

START_TEST(test_diff_no_change)
{
	ck_assert_diff(base_tree, base_tree, "[]");
	ck_assert_diff(NULL, NULL, "[]");
	ck_assert_diff("{}", "{}", "[]");
	/* the order of items does not matter, only keys */
	ck_assert_diff("{\"dns\": {\"hosts\": [{\"name\": \"a\"}, "
		       "{\"name\": \"b\"}]}}",
		       "{\"dns\": {\"hosts\": [{\"name\": \"b\"}, "
		       "{\"name\": \"a\"}]}}",
		       "[]");
}
END_TEST

START_TEST(test_diff_changes_with_paths)
{
	ck_assert_diff(
		base_tree,
		"{\"dns\": {\"settings\": {\"hostname\": \"b\", "
		"\"domain\": \"d\", \"password\": \"p1\"},"
		"\"hosts\": [{\"name\": \"db2\", \"comment\": \"2\", "
		"\"key\": \"k2\"}, {\"name\": \"db3\", \"key\": \"k3\"}],"
		"\"zones\": [{\"id\": 1, \"origin\": \"y\"}]}}",
		"["
		"{\"op\": \"change\", \"path\": \"dns.settings.hostname\","
		" \"old\": \"a\", \"new\": \"b\"},"
		"{\"op\": \"change\", \"path\": \"dns.settings.domain\","
		" \"old\": null, \"new\": \"d\"},"
		"{\"op\": \"change\", \"path\": \"dns.hosts[db2].comment\","
		" \"old\": \"two\", \"new\": \"2\"},"
		"{\"op\": \"add\", \"path\": \"dns.hosts[db3]\","
		" \"new\": {\"name\": \"db3\", \"key\": \"(secret)\"}},"
		"{\"op\": \"remove\", \"path\": \"dns.hosts[db1]\","
		" \"old\": {\"name\": \"db1\", \"addresses\": [\"10.0.0.1\"]}},"
		"{\"op\": \"change\", \"path\": \"dns.zones[1].origin\","
		" \"old\": \"x\", \"new\": \"y\"}"
		"]");
	/* an attribute unset */
	ck_assert_diff("{\"dns\": {\"settings\": {\"hostname\": \"a\"}}}",
		       "{\"dns\": {\"settings\": {}}}",
		       "[{\"op\": \"change\", \"path\": \"dns.settings.hostname\","
		       " \"old\": \"a\", \"new\": null}]");
	/* from nothing */
	ck_assert_diff(NULL,
		       "{\"dns\": {\"hosts\": [{\"name\": \"h\"}]}}",
		       "[{\"op\": \"add\", \"path\": \"dns.hosts[h]\","
		       " \"new\": {\"name\": \"h\"}}]");
}
END_TEST

START_TEST(test_diff_masks_secrets)
{
	json_t *d = diff_of(base_tree,
			    "{\"dns\": {\"settings\": {\"hostname\": \"a\", "
			    "\"password\": \"p2\"},"
			    "\"hosts\": [{\"name\": \"db1\", \"addresses\": "
			    "[\"10.0.0.1\"], \"key\": \"new\"},"
			    "{\"name\": \"db2\", \"comment\": \"two\", "
			    "\"key\": \"k2b\"}],"
			    "\"zones\": [{\"id\": 1, \"origin\": \"x\"}]}}");
	json_t *w = load(
		"["
		"{\"op\": \"change\", \"path\": \"dns.settings.password\","
		" \"old\": \"(secret)\", \"new\": \"(secret)\"},"
		"{\"op\": \"change\", \"path\": \"dns.hosts[db1].key\","
		" \"old\": null, \"new\": \"(secret)\"},"
		"{\"op\": \"change\", \"path\": \"dns.hosts[db2].key\","
		" \"old\": \"(secret)\", \"new\": \"(secret)\"}"
		"]");
	char *text = dump(d);

	ck_assert_tree_eq(d, w);
	ck_assert_ptr_null(strstr(text, "p1"));
	ck_assert_ptr_null(strstr(text, "p2"));
	ck_assert_ptr_null(strstr(text, "k2"));
	free(text);
	json_decref(d);
	json_decref(w);

	/* whole objects removed: secrets masked there too */
	d = diff_of(base_tree, "{\"dns\": {}}");
	text = dump(d);
	ck_assert_ptr_null(strstr(text, "p1"));
	ck_assert_ptr_null(strstr(text, "k2"));
	ck_assert_ptr_nonnull(strstr(text, "\"path\":\"dns.hosts[db2]\""));
	free(text);
	json_decref(d);
}
END_TEST

START_TEST(test_diff_plugins_not_loaded_compare_whole)
{
	ck_assert_diff("{\"ghost\": {\"a\": 1}, \"gone\": [1]}",
		       "{\"ghost\": {\"a\": 2}, \"new\": {\"b\": true}}",
		       "["
		       "{\"op\": \"change\", \"path\": \"ghost\","
		       " \"old\": {\"a\": 1}, \"new\": {\"a\": 2}},"
		       "{\"op\": \"add\", \"path\": \"new\","
		       " \"new\": {\"b\": true}},"
		       "{\"op\": \"remove\", \"path\": \"gone\", \"old\": [1]}"
		       "]");
	ck_assert_diff("{\"ghost\": {\"a\": 1}}", "{\"ghost\": {\"a\": 1}}",
		       "[]");
}
END_TEST

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Running under valgrind (the check-valgrind target): slower by far. */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload");
}

START_TEST(test_diff_large_collection_is_fast)
{
	enum { N = 10000 };
	json_t *ha = json_array(), *hb = json_array(), *a, *b, *d;
	double t0, elapsed, limit = under_valgrind() ? 60.0 : 1.0;

	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof(name), "host%05d", i);
		json_array_append_new(
			ha, json_pack("{s:s, s:[s], s:s}", "name", name,
				      "addresses", "10.0.0.1", "comment", "c"));
	}
	/* b: the same in reverse order, with one changed, one removed and
	 * one added */
	for (int i = N - 1; i >= 0; i--) {
		json_t *item = json_deep_copy(json_array_get(ha, (size_t)i));
		if (i == 17) {
			json_decref(item);
			continue;
		}
		if (i == 4242)
			json_object_set_new(item, "comment", json_string("d"));
		json_array_append_new(hb, item);
	}
	json_array_append_new(hb, json_pack("{s:s}", "name", "extra"));
	a = json_pack("{s:{s:o}}", "dns", "hosts", ha);
	b = json_pack("{s:{s:o}}", "dns", "hosts", hb);

	t0 = now();
	d = diff_trees(&sch, a, b);
	elapsed = now() - t0;
	ck_assert_msg(elapsed < limit, "10,000 objects took %.2f s", elapsed);
	ck_assert_uint_eq(json_array_size(d), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0),
							   "path")),
			 "dns.hosts[host04242].comment");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 1),
							   "path")),
			 "dns.hosts[extra]");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 2),
							   "path")),
			 "dns.hosts[host00017]");
	json_decref(d);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* diff_summary of changes into buf (size bytes, poisoned first), telling
 * it that it has len bytes. */
static void summary_in(const char *changes, char *buf, size_t size,
		       size_t len)
{
	json_t *c = load(changes);

	memset(buf, 'Z', size);
	diff_summary(c, buf, len);
	json_decref(c);
}

static void summary_of(const char *changes, char *buf, size_t len)
{
	json_t *c = load(changes);

	memset(buf, 'Z', len);
	diff_summary(c, buf, len);
	json_decref(c);
}

START_TEST(test_diff_summary)
{
	static const char five[] =
		"[{\"op\": \"add\", \"path\": \"dns.hosts[db2]\"},"
		"{\"op\": \"change\", \"path\": \"dns.settings.hostname\"},"
		"{\"op\": \"remove\", \"path\": \"dns.hosts[db1]\"},"
		"{\"op\": \"add\", \"path\": \"dns.hosts[db3]\"},"
		"{\"op\": \"add\", \"path\": \"dns.hosts[db4]\"}]";
	char buf[512];

	summary_of("[]", buf, sizeof(buf));
	ck_assert_str_eq(buf, "no change");
	summary_of("[{\"op\": \"add\", \"path\": \"dns.hosts[db2]\"}]", buf,
		   sizeof(buf));
	ck_assert_str_eq(buf, "dns.hosts[db2] added");
	summary_of("[{\"op\": \"add\", \"path\": \"dns.hosts[db2]\"},"
		   "{\"op\": \"change\", \"path\": \"dns.settings.hostname\"},"
		   "{\"op\": \"remove\", \"path\": \"dns.hosts[db1]\"}]",
		   buf, sizeof(buf));
	ck_assert_str_eq(buf, "dns.hosts[db2] added; dns.settings.hostname "
			      "changed; dns.hosts[db1] removed");
	summary_of("[{\"op\": \"add\", \"path\": \"a\"},"
		   "{\"op\": \"add\", \"path\": \"b\"},"
		   "{\"op\": \"add\", \"path\": \"c\"},"
		   "{\"op\": \"add\", \"path\": \"d\"}]",
		   buf, sizeof(buf));
	ck_assert_str_eq(buf, "a added; b added; c added; and 1 more");
	summary_of(five, buf, sizeof(buf));
	ck_assert_str_eq(buf, "dns.hosts[db2] added; dns.settings.hostname "
			      "changed; dns.hosts[db1] removed; and 2 more");
}
END_TEST

START_TEST(test_diff_summary_truncates_safely)
{
	static const char five[] =
		"[{\"op\": \"add\", \"path\": \"dns.hosts[db2]\"},"
		"{\"op\": \"change\", \"path\": \"dns.settings.hostname\"},"
		"{\"op\": \"remove\", \"path\": \"dns.hosts[db1]\"},"
		"{\"op\": \"add\", \"path\": \"dns.hosts[db3]\"},"
		"{\"op\": \"add\", \"path\": \"dns.hosts[db4]\"}]";
	static const char full[] = "dns.hosts[db2] added; dns.settings.hostname "
				   "changed; dns.hosts[db1] removed; and 2 more";
	char buf[sizeof(full) + 8];

	for (size_t len = 1; len < sizeof(buf); len++) {
		summary_in(five, buf, sizeof(buf), len);
		ck_assert_uint_lt(strlen(buf), len);
		/* nothing written past len */
		for (size_t i = len; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], 'Z');
		ck_assert_msg(strncmp(buf, full, len - 1) == 0,
			      "len %zu: %s", len, buf);
	}
	summary_of("[]", buf, 4);
	ck_assert_str_eq(buf, "no ");
}
END_TEST

START_TEST(test_diff_summary_of_real_diff)
{
	json_t *d = diff_of(base_tree, "{\"dns\": {\"settings\": "
				       "{\"hostname\": \"a\", \"password\": "
				       "\"p1\"}}}");
	char buf[256];

	diff_summary(d, buf, sizeof(buf));
	ck_assert_str_eq(buf, "dns.hosts[db1] removed; dns.hosts[db2] removed; "
			      "dns.zones[1] removed");
	json_decref(d);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("commit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_creates_state_and_history);
	tcase_add_test(tc, test_commit_and_read_versions_back);
	tcase_add_test(tc, test_meta_with_quotes_backslashes_and_newlines);
	tcase_add_test(tc, test_meta_worst_case_still_one_line);
	tcase_add_test(tc, test_meta_json);
	tcase_add_test(tc, test_managed_file_holds_version_and_parses_back);
	tcase_add_test(tc, test_file_without_version_reads_as_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("convert");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip_through_commit);
	tcase_add_test(tc, test_round_trip_conversion_functions);
	tcase_add_test(tc, test_round_trip_int_array_with_late_big_value);
	tcase_add_test(tc, test_conversion_edge_cases);
	tcase_add_test(tc, test_commit_refuses_unrenderable_tree);
	suite_add_tcase(s, tc);

	tc = tcase_create("history");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_prune_keeps_exactly_keep_versions);
	tcase_add_test(tc, test_keep_zero_means_one);
	tcase_add_test(tc, test_versions_newest_first_with_meta);
	tcase_add_test(tc, test_orphans_above_current_are_dropped_on_load);
	tcase_add_test(tc, test_orphan_after_commit_with_old_config_restored);
	suite_add_tcase(s, tc);

	tc = tcase_create("atomicity");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_commit_fails_when_config_cannot_be_replaced);
	tcase_add_test(tc, test_commit_fails_when_history_cannot_be_written);
	tcase_add_test(tc, test_commit_fails_when_state_dir_is_gone);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_file_syntax_error_line);
	tcase_add_test(tc, test_line_of_error_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("diff");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_diff_no_change);
	tcase_add_test(tc, test_diff_changes_with_paths);
	tcase_add_test(tc, test_diff_masks_secrets);
	tcase_add_test(tc, test_diff_plugins_not_loaded_compare_whole);
	tcase_add_test(tc, test_diff_large_collection_is_fast);
	tcase_add_test(tc, test_diff_summary);
	tcase_add_test(tc, test_diff_summary_truncates_safely);
	tcase_add_test(tc, test_diff_summary_of_real_diff);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
