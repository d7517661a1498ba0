/* Unit tests of the status plugin's parsers (plugins/status/status_parse.c)
 * against files recorded from a real machine under TEST_DATA_DIR
 * (status_*.in), and of the arithmetic between two samples. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "status_parse.h"
#include "unit_golden.h"

START_TEST(test_stat_and_usage)
{
	size_t len, n1, n2;
	char *t1 = read_data("status_stat1.in", &len);
	char *t2 = read_data("status_stat2.in", &len);
	struct status_cpu *c1, *c2;
	struct status_cpu_usage u;

	ck_assert_int_eq(status_parse_stat(t1, &c1, &n1), 0);
	/* The second file has the rest of /proc/stat: intr's line is long. */
	ck_assert_int_eq(status_parse_stat(t2, &c2, &n2), 0);
	ck_assert_uint_eq(n1, 3);
	ck_assert_uint_eq(n2, 3);
	ck_assert_str_eq(c1[0].name, "total");
	ck_assert_str_eq(c1[2].name, "cpu1");
	ck_assert_uint_eq(c1[0].user, 549521);
	ck_assert_uint_eq(c1[0].idle, 719715);
	ck_assert_uint_eq(c1[0].steal, 5583);

	/* total: +2 user, +3 system, +195 idle in 200 jiffies. */
	ck_assert(status_cpu_usage(&c1[0], &c2[0], &u));
	ck_assert_int_eq(u.busy, 250);
	ck_assert_int_eq(u.user, 100);
	ck_assert_int_eq(u.system, 150);
	ck_assert_int_eq(u.iowait, 0);
	ck_assert_int_eq(u.idle, 9750);
	/* cpu1: +1 user, +2 system, +98 idle in 101 jiffies. */
	ck_assert(status_cpu_usage(&c1[2], &c2[2], &u));
	ck_assert_int_eq(u.busy, 297);
	ck_assert_int_eq(u.user, 99);
	ck_assert_int_eq(u.system, 198);
	ck_assert_int_eq(u.idle, 9703);
	/* No time passed, or counters went back: nothing to say. */
	ck_assert(!status_cpu_usage(&c2[0], &c2[0], &u));
	ck_assert(!status_cpu_usage(&c2[0], &c1[0], &u));
	free(c1);
	free(c2);
	free(t1);
	free(t2);
}
END_TEST

START_TEST(test_stat_bad)
{
	struct status_cpu *c;
	size_t n;

	ck_assert_int_eq(status_parse_stat("", &c, &n), -EINVAL);
	ck_assert_int_eq(status_parse_stat("intr 1 2 3\nctxt 5\n", &c, &n),
			 -EINVAL);
	ck_assert_ptr_null(c);
	/* An old kernel's four columns. */
	ck_assert_int_eq(status_parse_stat("cpu 1 2 3 4\n", &c, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(c[0].idle, 4);
	ck_assert_uint_eq(c[0].iowait, 0);
	free(c);
}
END_TEST

START_TEST(test_meminfo)
{
	size_t len;
	char *t = read_data("status_meminfo.in", &len);
	struct status_mem m;

	ck_assert_int_eq(status_parse_meminfo(t, &m), 0);
	ck_assert_uint_eq(m.total, 25276518400u);
	ck_assert_uint_eq(m.available, 24774266880u);
	ck_assert_uint_eq(m.buffers, 4636u * 1024);
	ck_assert_uint_eq(m.cached + m.sreclaimable, 687403008u);
	ck_assert_uint_eq(m.swap_total, 0);
	free(t);
	ck_assert_int_eq(status_parse_meminfo("MemFree: 5 kB\n", &m), -EINVAL);
}
END_TEST

START_TEST(test_loadavg_uptime)
{
	size_t len;
	char *la = read_data("status_loadavg.in", &len);
	char *up = read_data("status_uptime.in", &len);
	int64_t load[3], secs;

	ck_assert_int_eq(status_parse_loadavg(la, load), 0);
	ck_assert_int_eq(load[0], 270);
	ck_assert_int_eq(load[1], 118);
	ck_assert_int_eq(load[2], 142);
	ck_assert_int_eq(status_parse_uptime(up, &secs), 0);
	ck_assert_int_eq(secs, 7384);
	ck_assert_int_eq(status_parse_loadavg("12.05 0.00 100.99 1/2 3", load),
			 0);
	ck_assert_int_eq(load[0], 1205);
	ck_assert_int_eq(load[2], 10099);
	ck_assert_int_eq(status_parse_loadavg("garbage", load), -EINVAL);
	ck_assert_int_eq(status_parse_uptime("", &secs), -EINVAL);
	free(la);
	free(up);
}
END_TEST

START_TEST(test_net_dev)
{
	size_t len, n;
	char *t = read_data("status_net_dev.in", &len);
	struct status_netdev *d;

	ck_assert_int_eq(status_parse_netdev(t, &d, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(d[0].name, "lo");
	ck_assert_uint_eq(d[0].rx_bytes, 42283984846u);
	ck_assert_uint_eq(d[0].tx_packets, 11576334u);
	ck_assert_str_eq(d[3].name, "eth0");
	ck_assert_uint_eq(d[3].rx_bytes, 2243992621u);
	ck_assert_uint_eq(d[3].rx_packets, 51969u);
	ck_assert_uint_eq(d[3].tx_bytes, 2132822u);
	ck_assert_uint_eq(d[3].tx_packets, 25086u);
	ck_assert_uint_eq(d[3].tx_errors, 0);
	free(d);
	free(t);
	/* Columns in the right places: each counter distinct. */
	ck_assert_int_eq(
		status_parse_netdev("x: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
				    "15 16\n",
				    &d, &n),
		0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0].rx_drops, 4);
	ck_assert_uint_eq(d[0].tx_bytes, 9);
	ck_assert_uint_eq(d[0].tx_errors, 11);
	ck_assert_uint_eq(d[0].tx_drops, 12);
	free(d);
}
END_TEST

START_TEST(test_diskstats)
{
	size_t len, n;
	char *t = read_data("status_diskstats.in", &len);
	struct status_disk *d, *vda;

	ck_assert_int_eq(status_parse_diskstats(t, &d, &n), 0);
	ck_assert_uint_eq(n, 9);
	vda = &d[8];
	ck_assert_str_eq(vda->name, "vda");
	ck_assert_uint_eq(vda->reads, 419172);
	ck_assert_uint_eq(vda->sectors_read, 12716362);
	ck_assert_uint_eq(vda->read_ms, 474957);
	ck_assert_uint_eq(vda->writes, 1269735);
	ck_assert_uint_eq(vda->sectors_written, 82677424);
	ck_assert_uint_eq(vda->write_ms, 558836);
	ck_assert_uint_eq(vda->in_flight, 0);
	ck_assert_uint_eq(vda->io_ms, 147016);
	ck_assert_str_eq(d[0].name, "loop0");
	free(d);
	free(t);
}
END_TEST

START_TEST(test_rate)
{
	ck_assert_int_eq(status_rate(1000, 6000, 10000), 500);
	ck_assert_int_eq(status_rate(0, 3, 1500), 2);
	ck_assert_int_eq(status_rate(6000, 1000, 10000), 0); /* reset */
	ck_assert_int_eq(status_rate(1000, 6000, 0), 0);
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status_parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_stat_and_usage);
	tcase_add_test(tc, test_stat_bad);
	tcase_add_test(tc, test_meminfo);
	tcase_add_test(tc, test_loadavg_uptime);
	tcase_add_test(tc, test_net_dev);
	tcase_add_test(tc, test_diskstats);
	tcase_add_test(tc, test_rate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(status_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
