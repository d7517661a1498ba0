/* Unit tests for the SNMP type mapping (mgmtd/mib_map.c): which SMI type
 * each attribute gets, how values are encoded for GET and decoded (and
 * checked) for SET, and the names the MIB uses. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mib_map.h"

static const char *const modes[] = { "read_only", "read_write", NULL };

#define ATTR(...)                                                         \
	((struct mgmtd_attr){ .name = "x", .snmp_column = 2,              \
			      .description = "d", __VA_ARGS__ })

static struct mib_type type_of(struct mgmtd_attr a)
{
	struct mib_type t;

	ck_assert_int_eq(mib_type_of(&a, &t), 0);
	return t;
}

START_TEST(test_type_mapping)
{
	struct mib_type t;
	struct mgmtd_attr a;

	t = type_of(ATTR(.type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG, .max = 64));
	ck_assert_str_eq(t.syntax, "DisplayString");
	ck_assert(t.ranged && t.lo == 0 && t.hi == 64 && t.writable);
	t = type_of(ATTR(.type = MGMTD_T_STRING, .flags = MGMTD_A_STATE));
	ck_assert_str_eq(t.syntax, "MgmtdText");
	ck_assert(!t.writable);
	t = type_of(ATTR(.type = MGMTD_T_HOSTNAME, .flags = MGMTD_A_CONFIG));
	ck_assert(strcmp(t.syntax, "DisplayString") == 0 && t.hi == 253);
	t = type_of(ATTR(.type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG));
	ck_assert(strcmp(t.syntax, "TruthValue") == 0 && t.base == MIB_B_TRUTH);
	t = type_of(ATTR(.type = MGMTD_T_ENUM, .flags = MGMTD_A_CONFIG,
			 .enum_values = modes));
	ck_assert(t.base == MIB_B_ENUM && strcmp(t.syntax, "INTEGER") == 0);
	t = type_of(ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_CONFIG, .min = 1,
			 .max = 65535));
	ck_assert(strcmp(t.syntax, "Integer32") == 0 && t.lo == 1 && t.hi == 65535);
	t = type_of(ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_CONFIG));
	ck_assert(strcmp(t.syntax, "Integer32") == 0 && !t.ranged);
	t = type_of(ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_CONFIG, .min = 0,
			 .max = 4000000000LL));
	ck_assert_str_eq(t.syntax, "Unsigned32");
	t = type_of(ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_STATE | MGMTD_A_COUNTER));
	ck_assert(strcmp(t.syntax, "Counter64") == 0 && !t.writable);
	t = type_of(ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_STATE, .min = 0,
			 .max = INT64_MAX));
	ck_assert_str_eq(t.syntax, "CounterBasedGauge64");
	t = type_of(ATTR(.type = MGMTD_T_IPV4, .flags = MGMTD_A_CONFIG));
	ck_assert_str_eq(t.syntax, "InetAddressIPv4");
	t = type_of(ATTR(.type = MGMTD_T_IPV6, .flags = MGMTD_A_CONFIG));
	ck_assert_str_eq(t.syntax, "InetAddressIPv6");
	t = type_of(ATTR(.type = MGMTD_T_IP, .flags = MGMTD_A_CONFIG));
	ck_assert_str_eq(t.syntax, "InetAddress");
	t = type_of(ATTR(.type = MGMTD_T_PREFIX, .flags = MGMTD_A_CONFIG));
	ck_assert_str_eq(t.syntax, "DisplayString");
	t = type_of(ATTR(.type = MGMTD_T_DURATION, .flags = MGMTD_A_CONFIG));
	ck_assert(strcmp(t.syntax, "Unsigned32") == 0 &&
		  strcmp(t.units, "seconds") == 0);
	t = type_of(ATTR(.type = MGMTD_T_IP, .flags = MGMTD_A_CONFIG | MGMTD_A_LIST));
	ck_assert(t.list && t.base == MIB_B_TEXT && t.writable);
	/* A key is never written through its column. */
	t = type_of(ATTR(.type = MGMTD_T_STRING,
			 .flags = MGMTD_A_CONFIG | MGMTD_A_KEY));
	ck_assert(!t.writable);
	/* Secrets are write-only: SMI has no such access, SNMP shows none. */
	a = ATTR(.type = MGMTD_T_SECRET, .flags = MGMTD_A_CONFIG);
	ck_assert_int_eq(mib_type_of(&a, &t), -ENOENT);
}
END_TEST

START_TEST(test_sizes)
{
	struct mib_type t;

	/* State: bytes, 64 bits, read-only. */
	t = type_of(ATTR(.type = MGMTD_T_SIZE, .flags = MGMTD_A_STATE | MGMTD_A_GAUGE));
	ck_assert(strcmp(t.syntax, "CounterBasedGauge64") == 0 &&
		  strcmp(t.units, "bytes") == 0 && t.scale == 1);
	/* Config: writable, so Unsigned32 in KiB. */
	t = type_of(ATTR(.type = MGMTD_T_SIZE, .flags = MGMTD_A_CONFIG,
			 .min = 1024, .max = 1099511627776LL));
	ck_assert(strcmp(t.syntax, "Unsigned32") == 0 &&
		  strcmp(t.units, "KiB") == 0 && t.scale == 1024 && t.writable);
	ck_assert(t.lo == 1 && t.hi == 1073741824);
}
END_TEST

START_TEST(test_key_types)
{
	struct mib_type t;
	struct mgmtd_attr a = ATTR(.type = MGMTD_T_HOSTNAME,
				   .flags = MGMTD_A_KEY | MGMTD_A_CONFIG);

	mib_key_type(&a, &t);
	ck_assert(strcmp(t.syntax, "DisplayString") == 0 && t.lo == 1 &&
		  t.hi == (int64_t)mib_index_max() - 1);
	a = ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
		 .min = -5, .max = 10);
	mib_key_type(&a, &t);
	ck_assert(strcmp(t.syntax, "Unsigned32") == 0 && t.lo == 0 && t.hi == 10);
}
END_TEST

/* Encode v (stolen) for a GET; text into buf. */
static int encode(struct mgmtd_attr a, json_t *v, struct mib_value *out,
		  unsigned char *buf, size_t cap)
{
	struct mib_type t;
	int rc;

	ck_assert_int_eq(mib_type_of(&a, &t), 0);
	*out = (struct mib_value){ .buf = buf, .cap = cap };
	rc = mib_value_encode(&a, &t, v, out);
	json_decref(v);
	return rc;
}

START_TEST(test_encode_values)
{
	unsigned char buf[64];
	struct mib_value v;

	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG),
				json_false(), &v, buf, sizeof(buf)), 0);
	ck_assert(v.kind == MIB_V_INT && v.i == 2);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_ENUM, .flags = MGMTD_A_CONFIG,
				     .enum_values = modes),
				json_string("read_write"), &v, buf, sizeof(buf)), 0);
	ck_assert(v.kind == MIB_V_INT && v.i == 2);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_SIZE, .flags = MGMTD_A_CONFIG),
				json_integer(10240), &v, buf, sizeof(buf)), 0);
	ck_assert(v.kind == MIB_V_UINT && v.u == 10);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_SIZE, .flags = MGMTD_A_STATE),
				json_integer(5000000000LL), &v, buf, sizeof(buf)), 0);
	ck_assert(v.kind == MIB_V_U64 && v.u == 5000000000ULL);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_IPV4, .flags = MGMTD_A_CONFIG),
				json_string("192.0.2.1"), &v, buf, sizeof(buf)), 0);
	ck_assert(v.kind == MIB_V_OCTETS && v.len == 4 && buf[0] == 192 && buf[3] == 1);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_IP, .flags = MGMTD_A_CONFIG),
				json_string("2001:db8::1"), &v, buf, sizeof(buf)), 0);
	ck_assert(v.len == 16 && buf[0] == 0x20 && buf[15] == 1);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_IP,
				     .flags = MGMTD_A_CONFIG | MGMTD_A_LIST),
				json_pack("[ss]", "192.0.2.1", "2001:db8::1"), &v,
				buf, sizeof(buf)), 0);
	ck_assert_int_eq(v.len, strlen("192.0.2.1,2001:db8::1"));
	ck_assert(memcmp(buf, "192.0.2.1,2001:db8::1", v.len) == 0);
	/* Wrong JSON for the type, and text that does not fit. */
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG),
				json_string("yes"), &v, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(encode(ATTR(.type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG),
				json_string("0123456789"), &v, buf, 4), -ENOSPC);
}
END_TEST

/* Decode a SET value; *json receives the compact JSON text or "". */
static enum mib_set_err decode(struct mgmtd_attr a, struct mib_value in,
			       char *json, size_t len)
{
	struct mib_type t;
	json_t *out = NULL;
	char msg[256];
	enum mib_set_err e;

	ck_assert_int_eq(mib_type_of(&a, &t), 0);
	e = mib_value_decode(&a, &t, &in, &out, msg, sizeof(msg));
	json[0] = '\0';
	if (e == MIB_SET_OK) {
		char *s = json_dumps(out, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(json, len, "%s", s);
		free(s);
	} else {
		ck_assert_ptr_null(out);
		ck_assert(msg[0] != '\0');
	}
	json_decref(out);
	return e;
}

static struct mib_value octets(const char *s)
{
	return (struct mib_value){ .kind = MIB_V_OCTETS,
				   .buf = (unsigned char *)s,
				   .len = strlen(s), .cap = strlen(s) };
}

static struct mib_value integer(int64_t i)
{
	return (struct mib_value){ .kind = MIB_V_INT, .i = i };
}

START_TEST(test_decode_values)
{
	char j[256];
	struct mgmtd_attr host = ATTR(.type = MGMTD_T_HOSTNAME,
				      .flags = MGMTD_A_CONFIG);
	struct mgmtd_attr req = ATTR(.type = MGMTD_T_HOSTNAME,
				     .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED);
	struct mgmtd_attr list = ATTR(.type = MGMTD_T_IP,
				      .flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
				      .max_items = 3);
	struct mgmtd_attr port = ATTR(.type = MGMTD_T_INT, .flags = MGMTD_A_CONFIG,
				      .min = 1, .max = 65535);
	struct mgmtd_attr size = ATTR(.type = MGMTD_T_SIZE, .flags = MGMTD_A_CONFIG);
	struct mgmtd_attr mode = ATTR(.type = MGMTD_T_ENUM, .flags = MGMTD_A_CONFIG,
				      .enum_values = modes);
	struct mgmtd_attr flag = ATTR(.type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG);
	struct mgmtd_attr state = ATTR(.type = MGMTD_T_STRING, .flags = MGMTD_A_STATE);

	ck_assert_int_eq(decode(host, octets("NAS1.Example.com"), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "\"nas1.example.com\"");
	ck_assert_int_eq(decode(host, octets("bad name"), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(host, integer(3), j, sizeof(j)), MIB_SET_WRONG_TYPE);
	/* An empty string removes an optional attribute, not a required one. */
	ck_assert_int_eq(decode(host, octets(""), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "null");
	ck_assert_int_eq(decode(req, octets(""), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(list, octets("192.0.2.1, 2001:DB8::1"), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "[\"192.0.2.1\",\"2001:db8::1\"]");
	ck_assert_int_eq(decode(list, octets(""), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "[]");
	ck_assert_int_eq(decode(list, octets("192.0.2.1,nope"), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(list, octets("192.0.2.1,192.0.2.2,192.0.2.3,192.0.2.4"),
				j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(list, octets("192.0.2.1,192.0.2.1"), j, sizeof(j)),
			 MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(port, integer(8080), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "8080");
	ck_assert_int_eq(decode(port, integer(0), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(port, integer(65536), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(size, (struct mib_value){ .kind = MIB_V_UINT, .u = 4 },
				j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "4096");
	ck_assert_int_eq(decode(size, integer(4), j, sizeof(j)), MIB_SET_WRONG_TYPE);
	ck_assert_int_eq(decode(mode, integer(2), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "\"read_write\"");
	ck_assert_int_eq(decode(mode, integer(3), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(flag, integer(1), j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "true");
	ck_assert_int_eq(decode(flag, integer(0), j, sizeof(j)), MIB_SET_WRONG_VALUE);
	ck_assert_int_eq(decode(state, octets("x"), j, sizeof(j)), MIB_SET_WRONG_TYPE);
}
END_TEST

START_TEST(test_decode_lengths)
{
	char j[512], big[300];
	struct mgmtd_attr host = ATTR(.type = MGMTD_T_HOSTNAME,
				      .flags = MGMTD_A_CONFIG);
	struct mgmtd_attr v4 = ATTR(.type = MGMTD_T_IPV4, .flags = MGMTD_A_CONFIG);
	unsigned char addr[4] = { 10, 0, 0, 1 };

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(decode(host, octets(big), j, sizeof(j)), MIB_SET_WRONG_LENGTH);
	ck_assert_int_eq(decode(v4, (struct mib_value){ .kind = MIB_V_OCTETS,
							.buf = addr, .len = 4 },
				j, sizeof(j)), MIB_SET_OK);
	ck_assert_str_eq(j, "\"10.0.0.1\"");
	ck_assert_int_eq(decode(v4, (struct mib_value){ .kind = MIB_V_OCTETS,
							.buf = addr, .len = 3 },
				j, sizeof(j)), MIB_SET_WRONG_LENGTH);
}
END_TEST

START_TEST(test_names)
{
	char buf[128];

	mib_name(buf, sizeof(buf), "dns", "hosts", "addresses", NULL);
	ck_assert_str_eq(buf, "mgmtdDnsHostsAddresses");
	mib_name(buf, sizeof(buf), "dns", "settings", "current_hostname", NULL);
	ck_assert_str_eq(buf, "mgmtdDnsSettingsCurrentHostname");
	mib_name(buf, sizeof(buf), "dns", "hosts", NULL, "row_status");
	ck_assert_str_eq(buf, "mgmtdDnsHostsRowStatus");
	mib_name(buf, 8, "dns", "hosts", NULL, NULL);
	ck_assert_str_eq(buf, "mgmtdDn");
	mib_enum_label(buf, sizeof(buf), "read_only");
	ck_assert_str_eq(buf, "readOnly");
	mib_enum_label(buf, sizeof(buf), "ndots:2");
	ck_assert_str_eq(buf, "ndots2");
	mib_enum_label(buf, sizeof(buf), "4k");
	ck_assert_str_eq(buf, "v4k");
	mib_enum_label(buf, sizeof(buf), "RAID1");
	ck_assert_str_eq(buf, "rAID1");
}
END_TEST

static Suite *types_suite(void)
{
	Suite *s = suite_create("agentx_types");
	TCase *tc = tcase_create("mapping");

	tcase_add_test(tc, test_type_mapping);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_key_types);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_encode_values);
	tcase_add_test(tc, test_decode_values);
	tcase_add_test(tc, test_decode_lengths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(types_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
