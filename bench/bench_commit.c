/* Committed changes per second: each a full transaction (validate,
 * prepare, apply of the real DNS plugin writing its files, store commit
 * with fsync) on a hosts list of 10, 1,000 and 10,000 entries.  The
 * reference, measured in the same run, is the bare cost of replacing a file
 * of the managed config's size atomically (write, fsync, rename, fsync of
 * the directory) as often: a commit writes two such files plus the plugin's.
 *
 * usage: bench_commit DNS_PLUGIN_DIR */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api.h"
#include "core.h"
#include "fileutil.h"
#include "log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct api_caller bench_caller = {
	.user = "bench", .source = "local", .interface = "cli",
};

static void must(json_t *resp)
{
	if (!json_is_true(json_object_get(resp, "ok"))) {
		char *t = json_dumps(resp, 0);
		fprintf(stderr, "bench_commit: refused: %s\n", t);
		exit(1);
	}
	json_decref(resp);
}

static void fill_hosts(struct core *c, int n)
{
	json_t *hosts = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(
			hosts, json_pack("{s:s%, s:[s%]}", "name", "", 0,
					 "addresses", "", 0));
	for (int i = 0; i < n; i++) {
		char name[32], addr[32];
		json_t *h = json_array_get(hosts, (size_t)i);
		snprintf(name, sizeof(name), "host%d", i);
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		json_object_set_new(h, "name", json_string(name));
		json_object_set_new(h, "addresses", json_pack("[s]", addr));
	}
	must(api_handle(c, &bench_caller,
			json_pack("{s:s, s:{s:{s:{s:s}, s:o}}}", "op", "replace",
				  "config", "dns", "settings", "hostname",
				  "bench", "hosts", hosts)));
}

static double commits_per_s(struct core *c, int count)
{
	double t0 = now_s();

	for (int i = 0; i < count; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "192.0.2.%d", i % 250 + 1);
		json_t *rq = json_pack("{s:s, s:s, s:s, s:s, s:{s:[s]}}", "op",
				       "put", "plugin", "dns", "class", "hosts",
				       "key", "benchhost", "object",
				       "addresses", addr);
		must(api_handle(c, &bench_caller, rq));
		json_decref(rq);
	}
	return count / (now_s() - t0);
}

static double reference_per_s(const char *dir, size_t size, int count)
{
	char path[4096], *buf = malloc(size);
	double t0;

	memset(buf, 'x', size);
	snprintf(path, sizeof(path), "%s/reference", dir);
	t0 = now_s();
	for (int i = 0; i < count; i++)
		fileutil_write_atomic(path, buf, size, 0600);
	free(buf);
	return count / (now_s() - t0);
}

static struct core *start_core(const char *dir, const char *plugin_dir)
{
	char path[4096], msg[4096];
	struct daemon_config *dc;
	struct core *c;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/mgmtd.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "state_dir = \"%s/state\"; plugin_dir = \"%s\";\n"
		   "plugins_load = [\"dns\"]; history_keep = 100;\n"
		   "plugins = { dns = { hostname_file = \"%s/etc/hostname\";\n"
		   "  resolv_conf = \"%s/etc/resolv.conf\";\n"
		   "  hosts_file = \"%s/etc/hosts\"; set_kernel_hostname = 0; }; };\n",
		dir, plugin_dir, dir, dir, dir);
	fclose(f);
	if (daemon_config_load(path, &dc, msg, sizeof(msg)) < 0 ||
	    core_new(dc, 0, &c) < 0 || core_start(c, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "bench_commit: cannot start: %s\n", msg);
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 10, 1000, 10000 };
	static const int counts[] = { 300, 100, 30 };
	char dir[] = "/tmp/mgmtd-bench-XXXXXX", cmd[4200];
	struct core *c;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_commit DNS_PLUGIN_DIR\n");
		return 2;
	}
	log_setup(true, MGMTD_SEV_ERR, "");
	if (!mkdtemp(dir))
		return 1;
	c = start_core(dir, argv[1]);
	printf("%-8s %12s %16s %12s\n", "hosts", "commits/s", "reference/s",
	       "file bytes");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char path[4200];
		struct stat st;
		double rate, ref;

		fill_hosts(c, sizes[i]);
		rate = commits_per_s(c, counts[i]);
		snprintf(path, sizeof(path), "%s/state/config.conf", dir);
		stat(path, &st);
		ref = reference_per_s(dir, (size_t)st.st_size, counts[i]);
		printf("%-8d %12.1f %16.1f %12lld\n", sizes[i], rate, ref,
		       (long long)st.st_size);
	}
	printf("(reference: one atomic replace of a file of the config's size;"
	       " a commit does two plus the plugin's files)\n");
	core_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
