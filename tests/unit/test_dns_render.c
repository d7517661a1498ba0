/* Unit tests of the DNS plugin's pure functions (plugins/dns/dns_render.c):
 * rendering /etc/hostname, /etc/resolv.conf and /etc/hosts, parsing the
 * name servers back, and the checks of meaning.
 *
 * Long expected output lives in golden files under TEST_DATA_DIR; run with
 * UPDATE_GOLDEN=1 to rewrite them from the current output (then review the
 * diff). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmtd/plugin.h"

#include "dns_render.h"
#include "unit_golden.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Helpers */

/* Problems reported by the checks, collected for inspection. */
struct problem {
	enum mgmtd_err_code code;
	char path[320];
	char msg[640];
};

struct problems {
	size_t n;
	struct problem items[32];
};

static void collect_problem(void *arg, enum mgmtd_err_code code,
			    const char *path, const char *msg)
{
	struct problems *ps = arg;

	if (ps->n < LEN(ps->items)) {
		struct problem *p = &ps->items[ps->n];

		p->code = code;
		snprintf(p->path, sizeof(p->path), "%s", path);
		snprintf(p->msg, sizeof(p->msg), "%s", msg);
	}
	ps->n++;
}

static void assert_one_problem(const struct problems *ps, int rc,
			       enum mgmtd_err_code code, const char *path,
			       const char *msg)
{
	ck_assert_int_eq(rc, 1);
	ck_assert_uint_eq(ps->n, 1);
	ck_assert_int_eq(ps->items[0].code, code);
	ck_assert_str_eq(ps->items[0].path, path);
	ck_assert_str_eq(ps->items[0].msg, msg);
}

static const char *const no_items[] = { NULL };

/* ------------------------------------------------------------------ */
/* /etc/hostname */

START_TEST(test_hostname_file_is_short_name_and_newline)
{
	struct dns_settings_conf s = { .hostname = "nas1",
				       .domain = "example.com" };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_hostname(&s, &out, &len), 0);
	assert_golden("dns_hostname.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_hostname_file_needs_a_hostname)
{
	struct dns_settings_conf s = { .domain = "example.com" };
	char *out = (char *)"unchanged";
	size_t len = 1;

	ck_assert_int_eq(dns_render_hostname(&s, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* /etc/hosts */

START_TEST(test_hosts_without_config_has_only_loopback_lines)
{
	struct dns_settings_conf s = { .hostname = NULL };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_hosts(&s, NULL, 0, &out, &len), 0);
	assert_golden("dns_hosts_empty.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_hosts_one_entry_after_fqdn_loopback_line)
{
	static const char *const addrs[] = { "10.0.0.11" };
	static const char *const aliases[] = { "database" };
	struct dns_settings_conf s = { .hostname = "nas1",
				       .domain = "example.com" };
	struct dns_host_entry e = { .name = "db1",
				    .addresses = addrs,
				    .n_addresses = 1,
				    .aliases = aliases,
				    .n_aliases = 1 };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_hosts(&s, &e, 1, &out, &len), 0);
	assert_golden("dns_hosts_one.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_hosts_many_entries_one_line_per_address)
{
	static const char *const db1_addrs[] = { "10.0.0.11",
						 "2001:db8::11" };
	static const char *const db1_aliases[] = { "database",
						   "db1.example.com" };
	static const char *const web_addrs[] = { "192.0.2.80" };
	static const char *const bk_addrs[] = { "198.51.100.7",
						"198.51.100.8",
						"2001:db8:0:1::7" };
	static const char *const bk_aliases[] = { "bkp" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = db1_addrs, .n_addresses = 2,
		  .aliases = db1_aliases, .n_aliases = 2 },
		{ .name = "web", .addresses = web_addrs, .n_addresses = 1,
		  .aliases = no_items },
		{ .name = "backup", .addresses = bk_addrs, .n_addresses = 3,
		  .aliases = bk_aliases, .n_aliases = 1 },
	};
	/* No domain: the 127.0.1.1 line carries the short name only. */
	struct dns_settings_conf s = { .hostname = "nas1" };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_hosts(&s, hosts, LEN(hosts), &out, &len),
			 0);
	assert_golden("dns_hosts_many.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_hosts_entry_for_own_name_replaces_127_0_1_1)
{
	static const char *const addrs[] = { "192.0.2.10" };
	static const char *const aliases[] = { "NAS1" };
	struct dns_settings_conf s = { .hostname = "nas1",
				       .domain = "example.com" };
	struct dns_host_entry by_alias = { .name = "nas1.example.com",
					   .addresses = addrs,
					   .n_addresses = 1,
					   .aliases = aliases,
					   .n_aliases = 1 };
	struct dns_host_entry by_fqdn = { .name = "NAS1.Example.COM",
					  .addresses = addrs,
					  .n_addresses = 1 };
	struct dns_host_entry other = { .name = "nas10.example.com",
					.addresses = addrs,
					.n_addresses = 1 };
	char *out;
	size_t len;

	ck_assert(dns_hosts_map_own_name(&s, &by_alias, 1));
	ck_assert(dns_hosts_map_own_name(&s, &by_fqdn, 1));
	ck_assert(!dns_hosts_map_own_name(&s, &other, 1));
	ck_assert_int_eq(dns_render_hosts(&s, &by_alias, 1, &out, &len), 0);
	ck_assert_ptr_null(strstr(out, "127.0.1.1"));
	ck_assert_ptr_nonnull(
		strstr(out, "\n192.0.2.10\tnas1.example.com NAS1\n"));
	free(out);
	ck_assert_int_eq(dns_render_hosts(&s, &other, 1, &out, &len), 0);
	ck_assert_ptr_nonnull(
		strstr(out, "\n127.0.1.1\tnas1.example.com nas1\n"));
	free(out);
}
END_TEST

START_TEST(test_hosts_refuses_values_that_would_break_lines)
{
	static const char *const addrs[] = { "10.0.0.1" };
	static const char *const bad_aliases[] = { "db1\n10.6.6.6\tevil" };
	static const char *const comment_alias[] = { "db1#x" };
	struct dns_settings_conf s = { .hostname = NULL };
	struct dns_host_entry e = { .name = "db1",
				    .addresses = addrs,
				    .n_addresses = 1,
				    .aliases = bad_aliases,
				    .n_aliases = 1 };
	struct dns_host_entry spaced = { .name = "my host",
					 .addresses = addrs,
					 .n_addresses = 1 };
	struct dns_host_entry noaddr = { .name = "db1" };
	struct dns_settings_conf bad_host = { .hostname = "nas 1" };
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(dns_render_hosts(&s, &e, 1, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
	e.aliases = comment_alias;
	ck_assert_int_eq(dns_render_hosts(&s, &e, 1, &out, &len), -EINVAL);
	ck_assert_int_eq(dns_render_hosts(&s, &spaced, 1, &out, &len),
			 -EINVAL);
	ck_assert_int_eq(dns_render_hosts(&s, &noaddr, 1, &out, &len),
			 -EINVAL);
	ck_assert_int_eq(dns_render_hosts(&bad_host, NULL, 0, &out, &len),
			 -EINVAL);
	ck_assert_int_eq(dns_render_hostname(&bad_host, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

/* 10,000 entries, each with two addresses and an alias: the file renders
 * in a few milliseconds and every entry is where it belongs. */
#define BIG_N 10000

struct big_hosts {
	struct dns_host_entry *hosts;
	char (*names)[32];
	char (*aliases)[32];
	char (*addrs)[2][48];
	const char **ptrs; /* 3 per entry: 2 addresses, 1 alias */
};

static void big_hosts_make(struct big_hosts *b, size_t n)
{
	b->hosts = calloc(n, sizeof(*b->hosts));
	b->names = calloc(n, sizeof(*b->names));
	b->aliases = calloc(n, sizeof(*b->aliases));
	b->addrs = calloc(n, sizeof(*b->addrs));
	b->ptrs = calloc(3 * n, sizeof(*b->ptrs));
	ck_assert(b->hosts && b->names && b->aliases && b->addrs && b->ptrs);
	for (size_t i = 0; i < n; i++) {
		snprintf(b->names[i], sizeof(b->names[i]), "host%06zu", i);
		snprintf(b->aliases[i], sizeof(b->aliases[i]), "h%06zu-alt",
			 i);
		snprintf(b->addrs[i][0], sizeof(b->addrs[i][0]),
			 "10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255);
		snprintf(b->addrs[i][1], sizeof(b->addrs[i][1]),
			 "2001:db8::%zx", i + 1);
		b->ptrs[3 * i] = b->addrs[i][0];
		b->ptrs[3 * i + 1] = b->addrs[i][1];
		b->ptrs[3 * i + 2] = b->aliases[i];
		b->hosts[i] = (struct dns_host_entry){
			.name = b->names[i],
			.addresses = &b->ptrs[3 * i],
			.n_addresses = 2,
			.aliases = &b->ptrs[3 * i + 2],
			.n_aliases = 1,
		};
	}
}

static void big_hosts_free(struct big_hosts *b)
{
	free(b->hosts);
	free(b->names);
	free(b->aliases);
	free(b->addrs);
	free(b->ptrs);
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

START_TEST(test_hosts_10000_entries_render_in_order)
{
	struct dns_settings_conf s = { .hostname = "nas1",
				       .domain = "example.com" };
	struct big_hosts b;
	struct timespec t0, t1;
	char *out;
	size_t len, lines = 0;

	big_hosts_make(&b, BIG_N);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(dns_render_hosts(&s, b.hosts, BIG_N, &out, &len), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("dns_render_hosts: %d entries, %zu bytes in %.2f ms\n", BIG_N,
	       len, elapsed_ms(&t0, &t1));
	fflush(stdout);
	/* A generous bound that still holds under valgrind. */
	ck_assert(elapsed_ms(&t0, &t1) < 2000.0);

	ck_assert_uint_eq(strlen(out), len);
	for (size_t i = 0; i < len; i++)
		lines += out[i] == '\n';
	/* header, 2 loopback, 127.0.1.1, blank, 2 per entry */
	ck_assert_uint_eq(lines, 5 + 2 * BIG_N);
	ck_assert_ptr_nonnull(
		strstr(out, "\n\n10.0.0.0\thost000000 h000000-alt\n"
			    "2001:db8::1\thost000000 h000000-alt\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "\n10.0.19.136\thost005000 h005000-alt\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n2001:db8::2710\thost009999 "
					  "h009999-alt\n"));
	ck_assert_int_eq(out[len - 1], '\n');
	free(out);
	big_hosts_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* /etc/resolv.conf */

START_TEST(test_resolv_all_fields_in_glibc_order)
{
	static const char *const res[] = { "192.0.2.53", "2001:db8::53",
					   "198.51.100.53" };
	static const char *const search[] = { "example.com",
					      "corp.example.com" };
	static const char *const opts[] = { "ndots:2", "timeout:1",
					    "rotate" };
	struct dns_settings_conf s = {
		.hostname = "nas1",
		.domain = "example.com",
		.resolvers = res,
		.n_resolvers = LEN(res),
		.search = search,
		.n_search = LEN(search),
		.options = opts,
		.n_options = LEN(opts),
	};
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_resolv(&s, &out, &len), 0);
	assert_golden("dns_resolv_full.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_resolv_only_resolvers)
{
	static const char *const res[] = { "192.0.2.53", "192.0.2.54" };
	struct dns_settings_conf s = { .resolvers = res, .n_resolvers = 2 };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_resolv(&s, &out, &len), 0);
	assert_golden("dns_resolv_resolvers_only.golden", out, len);
	free(out);
}
END_TEST

START_TEST(test_resolv_refuses_unsafe_option)
{
	static const char *const opts[] = { "ndots:2\nnameserver 6.6.6.6" };
	struct dns_settings_conf s = { .options = opts, .n_options = 1 };
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_resolv(&s, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_resolv_rendered_nameservers_parse_back)
{
	static const char *const res[] = { "192.0.2.53", "2001:db8::53",
					   "198.51.100.53" };
	static const char *const search[] = { "example.com" };
	struct dns_settings_conf s = { .domain = "example.com",
				       .resolvers = res,
				       .n_resolvers = 3,
				       .search = search,
				       .n_search = 1 };
	struct dns_nameservers ns;
	char *out;
	size_t len;

	ck_assert_int_eq(dns_render_resolv(&s, &out, &len), 0);
	dns_parse_nameservers(out, len, &ns);
	ck_assert_uint_eq(ns.count, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(ns.addr[i], res[i]);
	free(out);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Parsing resolv.conf */

START_TEST(test_parse_skips_comments_and_garbage)
{
	struct dns_nameservers ns;
	size_t len;
	char *text = read_data("dns_resolv_messy.conf", &len);

	dns_parse_nameservers(text, len, &ns);
	ck_assert_uint_eq(ns.count, 3);
	ck_assert_str_eq(ns.addr[0], "192.0.2.1");
	ck_assert_str_eq(ns.addr[1], "192.0.2.2");
	ck_assert_str_eq(ns.addr[2], "fe80::1%eth0");
	free(text);
}
END_TEST

START_TEST(test_parse_keeps_first_three_nameservers)
{
	static const char text[] = "nameserver 192.0.2.1\n"
				   "nameserver 192.0.2.2\n"
				   "nameserver 192.0.2.3\n"
				   "nameserver 192.0.2.4\n";
	struct dns_nameservers ns;

	dns_parse_nameservers(text, strlen(text), &ns);
	ck_assert_uint_eq(ns.count, 3);
	ck_assert_str_eq(ns.addr[2], "192.0.2.3");
}
END_TEST

START_TEST(test_parse_ipv6_canonical_with_zone)
{
	static const char text[] = "nameserver FE80:0:0:0::53%eth0\n"
				   "nameserver 2001:DB8:0:0:0:0:0:1\n"
				   "nameserver fe80::2%\n";
	struct dns_nameservers ns;

	dns_parse_nameservers(text, strlen(text), &ns);
	ck_assert_uint_eq(ns.count, 3);
	ck_assert_str_eq(ns.addr[0], "fe80::53%eth0");
	ck_assert_str_eq(ns.addr[1], "2001:db8::1");
	/* An empty zone is no zone. */
	ck_assert_str_eq(ns.addr[2], "fe80::2");
}
END_TEST

START_TEST(test_parse_ipv4_short_forms_as_glibc)
{
	/* inet_aton forms, as glibc's resolver reads them; the last line
	 * has no newline and a carriage return makes a line unreadable. */
	static const char text[] = "nameserver 10.1\r\n"
				   "nameserver 127.1\n"
				   "nameserver 0x0a.0.0.2";
	struct dns_nameservers ns;

	dns_parse_nameservers(text, strlen(text), &ns);
	ck_assert_uint_eq(ns.count, 2);
	ck_assert_str_eq(ns.addr[0], "127.0.0.1");
	ck_assert_str_eq(ns.addr[1], "10.0.0.2");
}
END_TEST

START_TEST(test_parse_empty_or_missing_text_has_no_nameservers)
{
	struct dns_nameservers ns;
	/* Length bounds the text: the server past it is not read. */
	static const char text[] = "# nothing\nnameserver 192.0.2.1\n";

	dns_parse_nameservers("", 0, &ns);
	ck_assert_uint_eq(ns.count, 0);
	dns_parse_nameservers(text, strlen("# nothing\n"), &ns);
	ck_assert_uint_eq(ns.count, 0);
	/* Cut short, "192.0.2" is still an inet_aton address: a.b.c with a
	 * 16-bit c, as glibc reads it. */
	dns_parse_nameservers(text, strlen("# nothing\nnameserver 192.0.2"),
			      &ns);
	ck_assert_uint_eq(ns.count, 1);
	ck_assert_str_eq(ns.addr[0], "192.0.0.2");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Checks of settings */

START_TEST(test_check_settings_accepts_a_full_config)
{
	static const char *const res[] = { "192.0.2.53", "2001:db8::53",
					   "198.51.100.53" };
	static const char *const search[] = { "example.com",
					      "corp.example.com" };
	static const char *const opts[] = { "ndots:15", "timeout:30",
					    "attempts:5", "rotate", "edns0",
					    "trust-ad" };
	struct dns_settings_conf s = {
		.hostname = "nas-1", .domain = "example.com",
		.resolvers = res, .n_resolvers = LEN(res),
		.search = search, .n_search = LEN(search),
		.options = opts, .n_options = LEN(opts),
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 0);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

START_TEST(test_check_hostname_must_be_one_label)
{
	struct dns_settings_conf s = { .hostname = "nas1.example.com" };
	struct problems ps = { .n = 0 };
	int rc;

	rc = dns_check_settings(&s, collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_INVALID, "dns.settings.hostname",
			   "must be a single label, the short host name: put "
			   "the rest in domain");
	s.hostname = "nas 1";
	ps.n = 0;
	rc = dns_check_settings(&s, collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_INVALID, "dns.settings.hostname",
			   "must be 1 to 63 letters, digits or inner hyphens");
	s.hostname = "-nas";
	ps.n = 0;
	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 1);
}
END_TEST

START_TEST(test_check_fqdn_length_blames_domain)
{
	char dom[250];
	struct dns_settings_conf s = { .hostname = "nas1", .domain = dom };
	struct problems ps = { .n = 0 };

	memset(dom, 'a', sizeof(dom) - 1);
	dom[sizeof(dom) - 1] = '\0'; /* 249 + 1 + 4 = 254 > 253 */
	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 1);
	ck_assert_str_eq(ps.items[0].path, "dns.settings.domain");
	dom[sizeof(dom) - 2] = '\0'; /* 253 */
	ps.n = 0;
	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 0);
}
END_TEST

START_TEST(test_check_fourth_resolver_refused)
{
	static const char *const res[] = { "192.0.2.1", "192.0.2.2",
					   "192.0.2.3", "192.0.2.4" };
	struct dns_settings_conf s = { .resolvers = res, .n_resolvers = 4 };
	struct problems ps = { .n = 0 };
	int rc;

	rc = dns_check_settings(&s, collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_INVALID, "dns.settings.resolvers",
			   "at most 3 resolvers: the resolver library ignores "
			   "the rest");
}
END_TEST

START_TEST(test_check_duplicate_resolver_and_search_refused)
{
	static const char *const res[] = { "192.0.2.1", "2001:db8::1",
					   "2001:DB8::1" };
	static const char *const search[] = { "a.example", "b.example",
					      "A.Example" };
	struct dns_settings_conf s = { .resolvers = res, .n_resolvers = 3,
				       .search = search, .n_search = 3 };
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 2);
	ck_assert_str_eq(ps.items[0].path, "dns.settings.resolvers");
	ck_assert_str_eq(ps.items[0].msg, "resolver 2001:DB8::1 listed twice");
	ck_assert_str_eq(ps.items[1].path, "dns.settings.search");
	ck_assert_str_eq(ps.items[1].msg,
			 "search domain A.Example listed twice");
}
END_TEST

START_TEST(test_check_options_bad_or_repeated)
{
	static const char *const opts[] = { "ndots:2",  "ndots:3",
					    "timeout:0", "rotate:1",
					    "debug",    "attempts" };
	struct dns_settings_conf s = { .options = opts, .n_options = 6 };
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_settings(&s, collect_problem, &ps), 5);
	for (size_t i = 0; i < ps.n; i++)
		ck_assert_str_eq(ps.items[i].path, "dns.settings.options");
	ck_assert_str_eq(ps.items[0].msg, "option ndots given twice");
	ck_assert_str_eq(ps.items[1].msg,
			 "option timeout needs a value from 1 to 30 "
			 "(timeout:N)");
	ck_assert_str_eq(ps.items[2].msg, "option rotate takes no value");
	ck_assert_str_eq(ps.items[3].msg,
			 "option debug is not a resolv.conf option mgmtd "
			 "supports");
	ck_assert_str_eq(ps.items[4].msg,
			 "option attempts needs a value from 1 to 5 "
			 "(attempts:N)");
}
END_TEST

/* The schema's pattern, anchored as the core anchors it, and the C check
 * accept the same options. */
START_TEST(test_option_pattern_and_check_agree)
{
	static const char *const names[] = {
		"ndots", "timeout", "attempts", "rotate", "no-aaaa",
		"no-check-names", "inet6", "edns0", "single-request",
		"single-request-reopen", "no-tld-query", "use-vc",
		"no-reload", "trust-ad", "debug", "ip6-dotint", "", "ndot",
		"rotat", "rotatex",
	};
	static const char *const values[] = { "", "00", "01", "1a", "-1",
					      "+1", "100", "99999" };
	regex_t re;
	size_t tried = 0, accepted = 0;

	ck_assert_int_eq(regcomp(&re, "^(" DNS_OPTION_PATTERN ")$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	for (size_t i = 0; i < LEN(names); i++) {
		for (int v = -2; v < (int)LEN(values) + 42; v++) {
			char opt[64];
			const char *const one[] = { opt };
			struct dns_settings_conf s = { .options = one,
						       .n_options = 1 };
			struct problems ps = { .n = 0 };
			bool by_re, by_c;

			if (v == -2)
				snprintf(opt, sizeof(opt), "%s", names[i]);
			else if (v < (int)LEN(values))
				snprintf(opt, sizeof(opt), "%s:%s", names[i],
					 v < 0 ? "" : values[v]);
			else
				snprintf(opt, sizeof(opt), "%s:%d", names[i],
					 v - (int)LEN(values));
			by_re = regexec(&re, opt, 0, NULL, 0) == 0;
			by_c = dns_check_settings(&s, collect_problem, &ps) ==
			       0;
			ck_assert_msg(by_re == by_c,
				      "\"%s\": pattern %s, check %s", opt,
				      by_re ? "accepts" : "refuses",
				      by_c ? "accepts" : "refuses");
			tried++;
			accepted += by_c;
		}
	}
	regfree(&re);
	/* 11 plain words + ndots 0..15 + timeout 1..30 + attempts 1..5 */
	ck_assert_uint_eq(accepted, 11 + 16 + 30 + 5);
	ck_assert_uint_gt(tried, 1000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Checks of hosts */

static const char *const addr1[] = { "10.0.0.1" };
static const char *const addr2[] = { "10.0.0.2" };
static const char *const addr3[] = { "10.0.0.3" };

START_TEST(test_check_hosts_accepts_distinct_names)
{
	static const char *const al1[] = { "database", "db1.example.com" };
	static const char *const al2[] = { "nas1" }; /* own name: allowed */
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1,
		  .aliases = al1, .n_aliases = 2 },
		{ .name = "nas1.example.com", .addresses = addr2,
		  .n_addresses = 1, .aliases = al2, .n_aliases = 1 },
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_hosts(hosts, LEN(hosts), collect_problem,
					 &ps),
			 0);
}
END_TEST

START_TEST(test_check_alias_equal_to_other_host_name_conflicts)
{
	static const char *const al2[] = { "db2-alt", "DB1" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1 },
		{ .name = "db2", .addresses = addr2, .n_addresses = 1,
		  .aliases = al2, .n_aliases = 2 },
	};
	struct problems ps = { .n = 0 };
	int rc;

	rc = dns_check_hosts(hosts, LEN(hosts), collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_CONFLICT, "dns.hosts[db2].aliases",
			   "alias DB1 is already the name of host db1");
}
END_TEST

START_TEST(test_check_alias_of_later_host_name_blames_alias)
{
	static const char *const al1[] = { "db2" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1,
		  .aliases = al1, .n_aliases = 1 },
		{ .name = "db2", .addresses = addr2, .n_addresses = 1 },
	};
	struct problems ps = { .n = 0 };
	int rc;

	rc = dns_check_hosts(hosts, LEN(hosts), collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_CONFLICT, "dns.hosts[db1].aliases",
			   "alias db2 is already the name of host db2");
}
END_TEST

START_TEST(test_check_alias_shared_by_two_hosts_conflicts)
{
	static const char *const al[] = { "database" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1,
		  .aliases = al, .n_aliases = 1 },
		{ .name = "db2", .addresses = addr2, .n_addresses = 1,
		  .aliases = al, .n_aliases = 1 },
		{ .name = "db3", .addresses = addr3, .n_addresses = 1,
		  .aliases = al, .n_aliases = 1 },
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_hosts(hosts, LEN(hosts), collect_problem,
					 &ps),
			 2);
	ck_assert_str_eq(ps.items[0].path, "dns.hosts[db2].aliases");
	ck_assert_str_eq(ps.items[0].msg,
			 "alias database is already an alias of host db1");
	ck_assert_str_eq(ps.items[1].path, "dns.hosts[db3].aliases");
	ck_assert_int_eq(ps.items[1].code, MGMTD_E_CONFLICT);
}
END_TEST

START_TEST(test_check_alias_repeating_own_names)
{
	static const char *const al[] = { "db1", "x", "X" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1,
		  .aliases = al, .n_aliases = 3 },
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_hosts(hosts, 1, collect_problem, &ps), 2);
	ck_assert_int_eq(ps.items[0].code, MGMTD_E_INVALID);
	ck_assert_str_eq(ps.items[0].msg, "alias db1 repeats the host's name");
	ck_assert_str_eq(ps.items[1].msg, "alias X listed twice");
}
END_TEST

START_TEST(test_check_names_differing_in_case_conflict)
{
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = addr1, .n_addresses = 1 },
		{ .name = "DB1", .addresses = addr2, .n_addresses = 1 },
	};
	struct problems ps = { .n = 0 };
	int rc;

	rc = dns_check_hosts(hosts, LEN(hosts), collect_problem, &ps);
	assert_one_problem(&ps, rc, MGMTD_E_CONFLICT, "dns.hosts[DB1].name",
			   "name DB1 is already the name of host db1");
}
END_TEST

START_TEST(test_check_loopback_names_reserved)
{
	static const char *const al[] = { "ip6-loopback" };
	const struct dns_host_entry hosts[] = {
		{ .name = "LocalHost", .addresses = addr1, .n_addresses = 1 },
		{ .name = "db2", .addresses = addr2, .n_addresses = 1,
		  .aliases = al, .n_aliases = 1 },
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_hosts(hosts, LEN(hosts), collect_problem,
					 &ps),
			 2);
	ck_assert_int_eq(ps.items[0].code, MGMTD_E_CONFLICT);
	ck_assert_str_eq(ps.items[0].path, "dns.hosts[LocalHost].name");
	ck_assert_str_eq(ps.items[0].msg, "LocalHost is reserved for the "
					  "loopback lines mgmtd writes");
	ck_assert_str_eq(ps.items[1].path, "dns.hosts[db2].aliases");
}
END_TEST

START_TEST(test_check_addresses_required_and_distinct)
{
	static const char *const dup[] = { "10.0.0.1", "2001:db8::1",
					   "10.0.0.1" };
	const struct dns_host_entry hosts[] = {
		{ .name = "db1", .addresses = dup, .n_addresses = 3 },
		{ .name = "db2", .addresses = no_items },
	};
	struct problems ps = { .n = 0 };

	ck_assert_int_eq(dns_check_hosts(hosts, LEN(hosts), collect_problem,
					 &ps),
			 2);
	ck_assert_int_eq(ps.items[0].code, MGMTD_E_INVALID);
	ck_assert_str_eq(ps.items[0].path, "dns.hosts[db1].addresses");
	ck_assert_str_eq(ps.items[0].msg, "address 10.0.0.1 listed twice");
	ck_assert_str_eq(ps.items[1].path, "dns.hosts[db2].addresses");
	ck_assert_str_eq(ps.items[1].msg, "at least one address is required");
}
END_TEST

START_TEST(test_check_10000_hosts_linear_and_finds_late_clash)
{
	struct big_hosts b;
	struct problems ps = { .n = 0 };
	struct timespec t0, t1;

	big_hosts_make(&b, BIG_N);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(dns_check_hosts(b.hosts, BIG_N, collect_problem,
					 &ps),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("dns_check_hosts: %d entries in %.2f ms\n", BIG_N,
	       elapsed_ms(&t0, &t1));
	fflush(stdout);
	/* The last entry's alias becomes the first entry's name. */
	snprintf(b.aliases[BIG_N - 1], sizeof(b.aliases[0]), "HOST000000");
	ck_assert_int_eq(dns_check_hosts(b.hosts, BIG_N, collect_problem,
					 &ps),
			 1);
	ck_assert_str_eq(ps.items[0].path, "dns.hosts[host009999].aliases");
	ck_assert_str_eq(ps.items[0].msg,
			 "alias HOST000000 is already the name of host "
			 "host000000");
	big_hosts_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *dns_render_suite(void)
{
	Suite *s = suite_create("dns_render");
	TCase *tc;

	tc = tcase_create("hostname");
	tcase_add_test(tc, test_hostname_file_is_short_name_and_newline);
	tcase_add_test(tc, test_hostname_file_needs_a_hostname);
	suite_add_tcase(s, tc);

	tc = tcase_create("hosts");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hosts_without_config_has_only_loopback_lines);
	tcase_add_test(tc, test_hosts_one_entry_after_fqdn_loopback_line);
	tcase_add_test(tc, test_hosts_many_entries_one_line_per_address);
	tcase_add_test(tc, test_hosts_entry_for_own_name_replaces_127_0_1_1);
	tcase_add_test(tc, test_hosts_refuses_values_that_would_break_lines);
	tcase_add_test(tc, test_hosts_10000_entries_render_in_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolv");
	tcase_add_test(tc, test_resolv_all_fields_in_glibc_order);
	tcase_add_test(tc, test_resolv_only_resolvers);
	tcase_add_test(tc, test_resolv_refuses_unsafe_option);
	tcase_add_test(tc, test_resolv_rendered_nameservers_parse_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_skips_comments_and_garbage);
	tcase_add_test(tc, test_parse_keeps_first_three_nameservers);
	tcase_add_test(tc, test_parse_ipv6_canonical_with_zone);
	tcase_add_test(tc, test_parse_ipv4_short_forms_as_glibc);
	tcase_add_test(tc, test_parse_empty_or_missing_text_has_no_nameservers);
	suite_add_tcase(s, tc);

	tc = tcase_create("check_settings");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_check_settings_accepts_a_full_config);
	tcase_add_test(tc, test_check_hostname_must_be_one_label);
	tcase_add_test(tc, test_check_fqdn_length_blames_domain);
	tcase_add_test(tc, test_check_fourth_resolver_refused);
	tcase_add_test(tc, test_check_duplicate_resolver_and_search_refused);
	tcase_add_test(tc, test_check_options_bad_or_repeated);
	tcase_add_test(tc, test_option_pattern_and_check_agree);
	suite_add_tcase(s, tc);

	tc = tcase_create("check_hosts");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_check_hosts_accepts_distinct_names);
	tcase_add_test(tc, test_check_alias_equal_to_other_host_name_conflicts);
	tcase_add_test(tc, test_check_alias_of_later_host_name_blames_alias);
	tcase_add_test(tc, test_check_alias_shared_by_two_hosts_conflicts);
	tcase_add_test(tc, test_check_alias_repeating_own_names);
	tcase_add_test(tc, test_check_names_differing_in_case_conflict);
	tcase_add_test(tc, test_check_loopback_names_reserved);
	tcase_add_test(tc, test_check_addresses_required_and_distinct);
	tcase_add_test(tc, test_check_10000_hosts_linear_and_finds_late_clash);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dns_render_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
