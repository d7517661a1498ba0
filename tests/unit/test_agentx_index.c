/* Unit tests for the SNMP index encoding (mgmtd/mib_map.c): keys become
 * table indexes per SMIv2 and come back unchanged; what cannot be an index
 * is refused, never mangled. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mib_map.h"

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct mgmtd_attr key_string = {
	.name = "name", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d", .max = 32,
};
static const struct mgmtd_attr key_host = {
	.name = "name", .type = MGMTD_T_HOSTNAME, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d",
};
static const struct mgmtd_attr key_int = {
	.name = "id", .type = MGMTD_T_INT, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d", .min = 1, .max = 100000,
};
static const struct mgmtd_attr key_enum = {
	.name = "colour", .type = MGMTD_T_ENUM, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d", .enum_values = colours,
};
static const struct mgmtd_attr key_v4 = {
	.name = "addr", .type = MGMTD_T_IPV4, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d",
};
static const struct mgmtd_attr key_v6 = {
	.name = "addr", .type = MGMTD_T_IPV6, .flags = MGMTD_A_KEY | MGMTD_A_CONFIG,
	.snmp_column = 2, .description = "d",
};

/* Encode text, check the sub-identifiers, decode them back. */
static void round_trip(const struct mgmtd_attr *key, const char *text,
		       const uint32_t *want, size_t want_len)
{
	uint32_t idx[MIB_MAX_OID];
	char back[512];
	size_t len = 0;

	ck_assert_int_eq(mib_index_encode(key, text, idx, MIB_MAX_OID, &len), 0);
	ck_assert_uint_eq(len, want_len);
	for (size_t i = 0; i < len; i++)
		ck_assert_uint_eq(idx[i], want[i]);
	ck_assert_int_eq(mib_index_decode(key, idx, len, back, sizeof(back)), 0);
	ck_assert_str_eq(back, text);
}

START_TEST(test_string_is_length_prefixed)
{
	static const uint32_t db1[] = { 3, 'd', 'b', '1' };
	static const uint32_t empty[] = { 0 };

	round_trip(&key_string, "db1", db1, 4);
	round_trip(&key_string, "", empty, 1);
	round_trip(&key_host, "db1", db1, 4);
}
END_TEST

START_TEST(test_string_bytes_are_octets)
{
	/* UTF-8 travels as its octets. */
	static const uint32_t e[] = { 2, 0xc3, 0xa9 };

	round_trip(&key_string, "\xc3\xa9", e, 3);
}
END_TEST

START_TEST(test_integer_is_one_subidentifier)
{
	static const uint32_t v[] = { 4242 };
	static const uint32_t zero[] = { 0 };
	static const uint32_t max[] = { 4294967295u };

	round_trip(&key_int, "4242", v, 1);
	round_trip(&key_int, "0", zero, 1);
	round_trip(&key_int, "4294967295", max, 1);
}
END_TEST

START_TEST(test_integer_out_of_oid_range_is_refused)
{
	uint32_t idx[4];
	size_t len;

	ck_assert_int_eq(mib_index_encode(&key_int, "-1", idx, 4, &len), -ERANGE);
	ck_assert_int_eq(mib_index_encode(&key_int, "4294967296", idx, 4, &len),
			 -ERANGE);
	ck_assert_int_eq(mib_index_encode(&key_int, "12x", idx, 4, &len), -EINVAL);
	ck_assert_int_eq(mib_index_encode(&key_int, "", idx, 4, &len), -EINVAL);
}
END_TEST

START_TEST(test_enum_is_its_number)
{
	static const uint32_t blue[] = { 3 };
	uint32_t idx[2];
	size_t len;

	round_trip(&key_enum, "blue", blue, 1);
	ck_assert_int_eq(mib_index_encode(&key_enum, "mauve", idx, 2, &len),
			 -EINVAL);
}
END_TEST

START_TEST(test_addresses_have_fixed_length)
{
	static const uint32_t v4[] = { 192, 0, 2, 1 };
	static const uint32_t v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				       0, 0, 0, 0, 0, 0, 0, 1 };

	round_trip(&key_v4, "192.0.2.1", v4, 4);
	round_trip(&key_v6, "2001:db8::1", v6, 16);
}
END_TEST

START_TEST(test_too_long_is_erange)
{
	char name[200];
	uint32_t idx[MIB_MAX_OID];
	size_t len;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(mib_index_encode(&key_host, name, idx,
					  mib_index_max(), &len), -ERANGE);
	/* The longest that fits: the length and one arc per byte. */
	name[mib_index_max() - 1] = '\0';
	ck_assert_int_eq(mib_index_encode(&key_host, name, idx,
					  mib_index_max(), &len), 0);
	ck_assert_uint_eq(len, mib_index_max());
}
END_TEST

START_TEST(test_decode_refuses_what_no_key_encodes)
{
	char out[64];
	static const uint32_t wrong_len[] = { 4, 'd', 'b', '1' };
	static const uint32_t nul[] = { 2, 'a', 0 };
	static const uint32_t big[] = { 1, 256 };
	static const uint32_t v4_big[] = { 192, 0, 2, 256 };
	static const uint32_t two[] = { 1, 2 };
	static const uint32_t enum_big[] = { 4 };

	ck_assert_int_eq(mib_index_decode(&key_string, wrong_len, 4, out,
					  sizeof(out)), -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_string, nul, 3, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_string, big, 2, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_string, big, 0, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_v4, v4_big, 4, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_v4, v4_big, 3, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_int, two, 2, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(mib_index_decode(&key_enum, enum_big, 1, out,
					  sizeof(out)), -EINVAL);
}
END_TEST

START_TEST(test_index_order_is_length_first)
{
	/* SMIv2 order: a shorter name sorts first ("zz" before "aaa"). */
	uint32_t a[8], b[8];
	size_t al, bl;

	ck_assert_int_eq(mib_index_encode(&key_string, "zz", a, 8, &al), 0);
	ck_assert_int_eq(mib_index_encode(&key_string, "aaa", b, 8, &bl), 0);
	ck_assert_uint_lt(a[0], b[0]);
}
END_TEST

START_TEST(test_root_and_class_oids)
{
	uint32_t oid[MIB_MAX_OID];
	static const uint32_t want[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999,
					 4242 };
	static const struct mgmtd_attr attrs[] = { { .name = NULL } };
	static const struct mgmtd_class cls = { .name = "hosts",
						.snmp_table = 2,
						.attrs = attrs };
	static const struct mgmtd_plugin p = { .name = "dns", .mib_arc = 7 };
	struct schema_class sc = { .cls = &cls };
	struct schema_plugin sp = { .name = "dns", .desc = &p };
	size_t n = mib_root(oid);

	ck_assert_uint_eq(n, 10);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(oid[i], want[i]);
	n = mib_class_oid(&sp, &sc, oid);
	ck_assert_uint_eq(n, 13);
	ck_assert_uint_eq(oid[10], MIB_OBJECTS);
	ck_assert_uint_eq(oid[11], 7);
	ck_assert_uint_eq(oid[12], 2);
	/* root (10) + objects, arc, table, entry, column = 15 */
	ck_assert_uint_eq(mib_index_max(), MIB_MAX_OID - 15);
}
END_TEST

static Suite *index_suite(void)
{
	Suite *s = suite_create("agentx_index");
	TCase *tc = tcase_create("encode");

	tcase_add_test(tc, test_string_is_length_prefixed);
	tcase_add_test(tc, test_string_bytes_are_octets);
	tcase_add_test(tc, test_integer_is_one_subidentifier);
	tcase_add_test(tc, test_integer_out_of_oid_range_is_refused);
	tcase_add_test(tc, test_enum_is_its_number);
	tcase_add_test(tc, test_addresses_have_fixed_length);
	tcase_add_test(tc, test_too_long_is_erange);
	tcase_add_test(tc, test_index_order_is_length_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("decode");
	tcase_add_test(tc, test_decode_refuses_what_no_key_encodes);
	tcase_add_test(tc, test_root_and_class_oids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(index_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
