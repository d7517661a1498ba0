/* Unit tests of the system plugin's pure time parts: the checks of time
 * zones and NTP servers, the chrony sources file and timesyncd drop-in
 * (golden files), and the parsing of chronyc's and timedatectl's output
 * (recorded from chrony 4.3).  UPDATE_GOLDEN=1 rewrites the golden files
 * from the current output (then review the diff). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "system_ntp_status.h"
#include "system_time_conf.h"
#include "unit_golden.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ZONEINFO "/usr/share/zoneinfo"

static const char *const servers[] = { "ntp1.example.org", "192.0.2.1",
				       "2001:db8::123" };

static void golden(const char *name, char *text)
{
	ck_assert_ptr_nonnull(text);
	assert_golden(name, text, strlen(text));
	free(text);
}

START_TEST(chrony_sources_render)
{
	golden("system_chrony_sources.golden",
	       sys_render_chrony_sources(servers, LEN(servers), true));
	golden("system_chrony_sources_disabled.golden",
	       sys_render_chrony_sources(servers, LEN(servers), false));
}
END_TEST

START_TEST(timesyncd_render)
{
	golden("system_timesyncd.golden",
	       sys_render_timesyncd(servers, LEN(servers), true));
	golden("system_timesyncd_disabled.golden",
	       sys_render_timesyncd(servers, LEN(servers), false));
}
END_TEST

START_TEST(timezone_names)
{
	static const char *const good[] = { "UTC", "Europe/Paris",
					    "America/Port-au-Prince",
					    "Etc/GMT+5", "Etc/GMT-14",
					    "America/Argentina/Buenos_Aires" };
	static const char *const bad[] = { "", "/etc/passwd", "..", ".",
					   "Europe/../../etc/passwd",
					   "Europe//Paris", "Europe/Paris/",
					   "Europe/Par is", "Europe/Paris;x",
					   "a/./b" };

	for (size_t i = 0; i < LEN(good); i++)
		ck_assert_msg(!sys_timezone_name_problem(good[i]), "%s: %s",
			      good[i], sys_timezone_name_problem(good[i]));
	for (size_t i = 0; i < LEN(bad); i++)
		ck_assert_msg(sys_timezone_name_problem(bad[i]) != NULL,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(timezone_files)
{
	const char *why;

	if (access(ZONEINFO "/Europe/Paris", R_OK) != 0)
		return; /* no tzdata: the names alone are tested above */
	ck_assert_ptr_null(sys_timezone_problem(ZONEINFO, "Europe/Paris"));
	ck_assert_ptr_null(sys_timezone_problem(ZONEINFO, "UTC"));
	why = sys_timezone_problem(ZONEINFO, "Mars/Olympus");
	ck_assert_str_eq(why, "is not a time zone of the zoneinfo directory");
	/* A directory, and a file of the database that is not a zone. */
	ck_assert_ptr_nonnull(sys_timezone_problem(ZONEINFO, "Europe"));
	ck_assert_ptr_nonnull(sys_timezone_problem(ZONEINFO, "zone.tab"));
	ck_assert_ptr_nonnull(sys_timezone_problem(ZONEINFO, "../../etc"));
}
END_TEST

START_TEST(ntp_servers)
{
	static const char *const good[] = { "pool.ntp.org", "ntp1", "127.0.0.1",
					    "::1", "2001:db8::123",
					    "time-a.example.com" };
	static const char *const bad[] = { "", "bad..name", "-x", "a-.b",
					   "999.1.2.3", "10.0.0", "a b",
					   "x;reboot", ".lead", "trail." };

	for (size_t i = 0; i < LEN(good); i++)
		ck_assert_msg(!sys_ntp_server_problem(good[i]), "%s: %s",
			      good[i], sys_ntp_server_problem(good[i]));
	for (size_t i = 0; i < LEN(bad); i++)
		ck_assert_msg(sys_ntp_server_problem(bad[i]) != NULL,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(backend_names)
{
	enum sys_ntp_backend b;
	bool is_auto;

	ck_assert_int_eq(sys_ntp_backend_parse("chrony", &b, &is_auto), 0);
	ck_assert_int_eq(b, SYS_NTP_CHRONY);
	ck_assert(!is_auto);
	ck_assert_int_eq(sys_ntp_backend_parse("timesyncd", &b, &is_auto), 0);
	ck_assert_int_eq(b, SYS_NTP_TIMESYNCD);
	ck_assert_int_eq(sys_ntp_backend_parse("auto", &b, &is_auto), 0);
	ck_assert(is_auto);
	ck_assert_int_eq(sys_ntp_backend_parse("ntpd", &b, &is_auto), -EINVAL);
	ck_assert_str_eq(sys_ntp_backend_name(SYS_NTP_NONE), "none");
}
END_TEST

START_TEST(chrony_tracking)
{
	struct sys_ntp_status st;
	size_t len;
	char *csv = read_data("system_chronyc_tracking_synced.csv", &len);

	ck_assert_int_eq(sys_chrony_parse_tracking(csv, &st), 0);
	ck_assert(st.synchronised);
	ck_assert_str_eq(st.source, "127.0.0.1");
	ck_assert_int_eq(st.stratum, 9);
	ck_assert_int_eq(st.offset_us, -1);
	free(csv);
	csv = read_data("system_chronyc_tracking_unsynced.csv", &len);
	ck_assert_int_eq(sys_chrony_parse_tracking(csv, &st), 0);
	ck_assert(!st.synchronised);
	ck_assert_str_eq(st.source, "");
	ck_assert_int_eq(st.stratum, 0);
	free(csv);
	ck_assert_int_eq(sys_chrony_parse_tracking("506 Cannot talk to daemon",
						   &st),
			 -EINVAL);
	ck_assert_int_eq(sys_chrony_parse_tracking("", &st), -EINVAL);
}
END_TEST

struct seen {
	size_t n;
	char names[8][64];
	bool selected[8];
};

static void see(void *arg, const char *name, bool selected)
{
	struct seen *s = arg;

	if (s->n < LEN(s->names)) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->selected[s->n] = selected;
	}
	s->n++;
}

START_TEST(chrony_sources_parse)
{
	struct seen s = { 0 };
	size_t len;
	char *csv = read_data("system_chronyc_sources.csv", &len);

	/* The peer (mode "=") is not a server. */
	ck_assert_uint_eq(sys_chrony_parse_sources(csv, see, &s), 3);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.names[0], "127.0.0.1");
	ck_assert(s.selected[0]);
	ck_assert_str_eq(s.names[1], "ntp.example.org");
	ck_assert(!s.selected[1]);
	ck_assert_str_eq(s.names[2], "2001:db8::123");
	free(csv);
	s.n = 0;
	ck_assert_uint_eq(sys_chrony_parse_sources("", see, &s), 0);
}
END_TEST

START_TEST(timesyncd_parse)
{
	struct sys_ntp_status st;

	ck_assert_int_eq(sys_timesyncd_parse("Timezone=UTC\nNTP=yes\n"
					     "NTPSynchronized=yes\n",
					     "LinkNTPServers=\nServerName=ntp1."
					     "example.org\nServerAddress=192."
					     "0.2.1\n",
					     &st),
			 0);
	ck_assert(st.synchronised);
	ck_assert_str_eq(st.source, "ntp1.example.org");
	ck_assert_int_eq(sys_timesyncd_parse("NTPSynchronized=no\n", NULL,
					     &st),
			 0);
	ck_assert(!st.synchronised);
	ck_assert_int_eq(sys_timesyncd_parse("NTP=yes\n", NULL, &st), -EINVAL);
}
END_TEST

static void add_name(void *arg, const char *name)
{
	char *buf = arg;

	strcat(buf, name);
	strcat(buf, ";");
}

/* Recorded from systemd 252 in the VM tier (time_timesyncd.sh): a
 * timesyncd trying servers that never answer. */
START_TEST(timesyncd_recorded)
{
	struct sys_ntp_status st;
	size_t len;
	char *show = read_data("system_timedatectl_show.txt", &len);
	char *sync = read_data("system_timedatectl_show_timesync.txt", &len);
	char names[256] = "";

	ck_assert_int_eq(sys_timesyncd_parse(show, sync, &st), 0);
	ck_assert(!st.synchronised);
	/* It names the server it tries: no source while unsynchronised. */
	ck_assert_str_eq(st.source, "");
	ck_assert_uint_eq(sys_timesyncd_parse_servers(sync, add_name, names),
			  2);
	ck_assert_str_eq(names, "10.0.2.2;ntp.example.org;");
	free(show);
	free(sync);
}
END_TEST

START_TEST(timesyncd_servers)
{
	char names[256] = "";

	ck_assert_uint_eq(sys_timesyncd_parse_servers(
				  "LinkNTPServers=192.0.2.1\n"
				  "SystemNTPServers=ntp1.example.org  "
				  "192.0.2.1 2001:db8::123\n"
				  "FallbackNTPServers=0.debian.pool.ntp.org\n",
				  add_name, names),
			  3);
	ck_assert_str_eq(names,
			 "192.0.2.1;ntp1.example.org;2001:db8::123;");
	names[0] = '\0';
	ck_assert_uint_eq(sys_timesyncd_parse_servers("LinkNTPServers=\n"
						      "SystemNTPServers=\n",
						      add_name, names),
			  0);
	ck_assert_uint_eq(sys_timesyncd_parse_servers("", add_name, names),
			  0);
	ck_assert_str_eq(names, "");
}
END_TEST

static Suite *system_time_suite(void)
{
	Suite *s = suite_create("system_time");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, chrony_sources_render);
	tcase_add_test(tc, timesyncd_render);
	tcase_add_test(tc, timezone_names);
	tcase_add_test(tc, timezone_files);
	tcase_add_test(tc, ntp_servers);
	tcase_add_test(tc, backend_names);
	tcase_add_test(tc, chrony_tracking);
	tcase_add_test(tc, chrony_sources_parse);
	tcase_add_test(tc, timesyncd_parse);
	tcase_add_test(tc, timesyncd_recorded);
	tcase_add_test(tc, timesyncd_servers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(system_time_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
