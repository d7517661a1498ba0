/* Unit tests for mgmtd/types.c: every attribute type, its boundaries, its
 * canonical form and the messages a client sees. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "types.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define GOT_LEN 8192

/* Run types_normalize_scalar on in (stolen).  On success got holds the
 * output as compact JSON text; on failure *out must have been left NULL. */
static int norm_json(const struct mgmtd_attr *a, json_t *in, char *got,
		     char *msg, size_t msglen)
{
	json_t *out = (json_t *)&out; /* poison: must be overwritten */
	char *text;
	int rc;

	ck_assert_ptr_nonnull(in);
	got[0] = '\0';
	rc = types_normalize_scalar(a, in, &out, msg, msglen);
	if (rc == 0) {
		ck_assert_ptr_nonnull(out);
		/* a new value, except the immutable true/false singletons */
		if (!json_is_boolean(out))
			ck_assert_ptr_ne(out, in);
		text = json_dumps(out, JSON_ENCODE_ANY | JSON_COMPACT |
					       JSON_ENSURE_ASCII);
		ck_assert_ptr_nonnull(text);
		ck_assert_uint_lt(strlen(text), GOT_LEN);
		strcpy(got, text);
		free(text);
		json_decref(out);
	} else {
		ck_assert_ptr_null(out);
	}
	json_decref(in);
	return rc;
}

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, e.text);
	return j;
}

/* in_json normalises to want_json (both JSON text; NULL: anything). */
#define OK(a, in_json, want_json) OKJ(a, load(in_json), in_json, want_json)
#define OKJ(a, jin, label, want_json)                                        \
	do {                                                                 \
		char got_[GOT_LEN], msg_[MGMTD_ERR_MSG_LEN] = "";            \
		const char *want_ = (want_json);                             \
		int rc_ = norm_json(a, jin, got_, msg_, sizeof(msg_));       \
		ck_assert_msg(rc_ == 0, "%s: rc %d, message \"%s\"", label,  \
			      rc_, msg_);                                    \
		ck_assert_msg(!want_ || strcmp(got_, want_) == 0,            \
			      "%s: got %s, want %s", label, got_,            \
			      want_ ? want_ : "");                           \
	} while (0)

/* in_json is refused with -EINVAL and exactly want_msg (NULL: any). */
#define BAD(a, in_json, want_msg) BADJ(a, load(in_json), in_json, want_msg)
#define BADJ(a, jin, label, want_msg)                                        \
	do {                                                                 \
		char got_[GOT_LEN], msg_[MGMTD_ERR_MSG_LEN] = "";            \
		const char *want_ = (want_msg);                              \
		int rc_ = norm_json(a, jin, got_, msg_, sizeof(msg_));       \
		ck_assert_msg(rc_ == -EINVAL, "%s: rc %d, got %s", label,    \
			      rc_, got_);                                    \
		ck_assert_msg(msg_[0] != '\0', "%s: no message", label);     \
		ck_assert_msg(!want_ || strcmp(msg_, want_) == 0,            \
			      "%s: message \"%s\", want \"%s\"", label, msg_,  \
			      want_ ? want_ : "");                           \
	} while (0)

#define SIZE_OK(text, want)                                                  \
	do {                                                                 \
		int64_t v_ = -42;                                            \
		int rc_ = types_parse_size(text, &v_);                       \
		ck_assert_msg(rc_ == 0, "%s: rc %d", text, rc_);             \
		ck_assert_msg(v_ == (int64_t)(want), "%s: got %lld, want %lld", \
			      text, (long long)v_, (long long)(want));       \
	} while (0)

#define SIZE_RC(text, want_rc)                                               \
	do {                                                                 \
		int64_t v_ = -42;                                            \
		int rc_ = types_parse_size(text, &v_);                       \
		ck_assert_msg(rc_ == (want_rc), "%s: rc %d, want %d", text,  \
			      rc_, want_rc);                                 \
		ck_assert_msg(v_ == -42, "%s: output written on failure", text); \
	} while (0)

#define DUR_OK(text, want)                                                   \
	do {                                                                 \
		int64_t v_ = -42;                                            \
		int rc_ = types_parse_duration(text, &v_);                   \
		ck_assert_msg(rc_ == 0, "%s: rc %d", text, rc_);             \
		ck_assert_msg(v_ == (int64_t)(want), "%s: got %lld, want %lld", \
			      text, (long long)v_, (long long)(want));       \
	} while (0)

#define DUR_RC(text, want_rc)                                                \
	do {                                                                 \
		int64_t v_ = -42;                                            \
		int rc_ = types_parse_duration(text, &v_);                   \
		ck_assert_msg(rc_ == (want_rc), "%s: rc %d, want %d", text,  \
			      rc_, want_rc);                                 \
		ck_assert_msg(v_ == -42, "%s: output written on failure", text); \
	} while (0)

/* A string of n copies of c (owned by the caller). */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* STRING                                                              */

static const struct mgmtd_attr a_str = { .name = "s", .type = MGMTD_T_STRING };
static const struct mgmtd_attr a_str_max3 = {
	.name = "s", .type = MGMTD_T_STRING, .max = 3,
};
static const struct mgmtd_attr a_str_2_5 = {
	.name = "s", .type = MGMTD_T_STRING, .min = 2, .max = 5,
};
static const struct mgmtd_attr a_str_min1 = {
	.name = "s", .type = MGMTD_T_STRING, .min = 1,
};
static const struct mgmtd_attr a_str_lower = {
	.name = "s", .type = MGMTD_T_STRING, .pattern = "[a-z]+",
};

START_TEST(test_string_unbounded_accepts_any_text)
{
	OK(&a_str, "\"\"", "\"\"");
	OK(&a_str, "\"hello world\"", "\"hello world\"");
	OK(&a_str, "\"h\\u00e9llo\"", "\"h\\u00E9llo\"");
}
END_TEST

START_TEST(test_string_rejects_non_strings)
{
	BAD(&a_str, "42", "must be a string");
	BAD(&a_str, "true", "must be a string");
	BAD(&a_str, "null", "must be a string");
	BAD(&a_str, "[\"a\"]", "must be a string");
	BAD(&a_str, "{}", "must be a string");
}
END_TEST

START_TEST(test_string_max_length_boundary)
{
	OK(&a_str_max3, "\"\"", "\"\"");
	OK(&a_str_max3, "\"abc\"", "\"abc\"");
	BAD(&a_str_max3, "\"abcd\"", "must be at most 3 characters");
}
END_TEST

START_TEST(test_string_min_and_max_length_boundaries)
{
	BAD(&a_str_2_5, "\"a\"", "must be at least 2 characters");
	OK(&a_str_2_5, "\"ab\"", "\"ab\"");
	OK(&a_str_2_5, "\"abcde\"", "\"abcde\"");
	BAD(&a_str_2_5, "\"abcdef\"", "must be at most 5 characters");
}
END_TEST

START_TEST(test_string_min_one_means_not_empty)
{
	BAD(&a_str_min1, "\"\"", "must not be empty");
	OK(&a_str_min1, "\"x\"", "\"x\"");
}
END_TEST

START_TEST(test_string_length_counts_characters_not_bytes)
{
	/* three characters, six bytes */
	OK(&a_str_max3, "\"\\u00e9\\u00e9\\u00e9\"", "\"\\u00E9\\u00E9\\u00E9\"");
	BAD(&a_str_max3, "\"\\u00e9\\u00e9\\u00e9\\u00e9\"",
	    "must be at most 3 characters");
}
END_TEST

START_TEST(test_string_rejects_control_characters)
{
	const char *msg = "must not contain control characters";

	BAD(&a_str, "\"a\\nb\"", msg);
	BAD(&a_str, "\"a\\tb\"", msg);
	BAD(&a_str, "\"\\r\"", msg);
	BAD(&a_str, "\"\\u001b[31m\"", msg);
	BAD(&a_str, "\"del\\u007f\"", msg);
	BAD(&a_str, "\"c1\\u0085\"", msg);
	BAD(&a_str, "\"a\\u0000b\"", msg);
	OK(&a_str, "\"\\u00a0nbsp\"", "\"\\u00A0nbsp\"");
}
END_TEST

START_TEST(test_string_pattern_must_match_whole_string)
{
	OK(&a_str_lower, "\"abc\"", "\"abc\"");
	BAD(&a_str_lower, "\"abc1\"", "does not match pattern [a-z]+");
	BAD(&a_str_lower, "\"1abc\"", "does not match pattern [a-z]+");
	BAD(&a_str_lower, "\"\"", "does not match pattern [a-z]+");
}
END_TEST

START_TEST(test_string_pattern_alternation_is_anchored_as_a_whole)
{
	/* "^a|b$" would match "ab"; "^(a|b)$" must not. */
	static const struct mgmtd_attr alt = {
		.name = "s", .type = MGMTD_T_STRING, .pattern = "a|b",
	};

	OK(&alt, "\"a\"", "\"a\"");
	OK(&alt, "\"b\"", "\"b\"");
	BAD(&alt, "\"ab\"", "does not match pattern a|b");
	BAD(&alt, "\"xa\"", NULL);
}
END_TEST

START_TEST(test_string_pattern_with_own_anchors)
{
	static const struct mgmtd_attr anch = {
		.name = "s", .type = MGMTD_T_STRING, .pattern = "^[a-z]+$",
	};

	OK(&anch, "\"abc\"", "\"abc\"");
	BAD(&anch, "\"ab c\"", "does not match pattern ^[a-z]+$");
}
END_TEST

START_TEST(test_string_length_checked_before_pattern)
{
	static const struct mgmtd_attr both = {
		.name = "s", .type = MGMTD_T_STRING, .max = 3,
		.pattern = "[a-z]+",
	};

	BAD(&both, "\"abcd\"", "must be at most 3 characters");
	BAD(&both, "\"ab1\"", "does not match pattern [a-z]+");
}
END_TEST

START_TEST(test_string_invalid_pattern_is_reported)
{
	static const struct mgmtd_attr broken = {
		.name = "s", .type = MGMTD_T_STRING, .pattern = "[a-",
	};

	BAD(&broken, "\"a\"", "has an invalid pattern [a- in its schema");
}
END_TEST

/* ------------------------------------------------------------------ */
/* SECRET                                                              */

static const struct mgmtd_attr a_secret = {
	.name = "password", .type = MGMTD_T_SECRET, .min = 8, .max = 12,
	.pattern = "[[:print:]]+",
};

START_TEST(test_secret_accepts_within_bounds)
{
	OK(&a_secret, "\"hunter22\"", "\"hunter22\"");
	OK(&a_secret, "\"hunter22hunt\"", "\"hunter22hunt\"");
}
END_TEST

START_TEST(test_secret_messages_never_contain_the_value)
{
	static const char *const bad[] = {
		"\"hunter\"",                   /* too short */
		"\"hunter22hunter22\"",         /* too long */
		"\"hunter22\\nx\"",             /* control character */
		"\"hunter22\\u00e9\"",          /* pattern ([:print:] is ASCII) */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char got[GOT_LEN], msg[MGMTD_ERR_MSG_LEN] = "";
		int rc = norm_json(&a_secret, load(bad[i]), got, msg,
				   sizeof(msg));

		ck_assert_int_eq(rc, -EINVAL);
		ck_assert_str_ne(msg, "");
		ck_assert_msg(strstr(msg, "hunter") == NULL,
			      "secret leaked: %s", msg);
	}
	BAD(&a_secret, "12345678", "must be a string");
}
END_TEST

/* ------------------------------------------------------------------ */
/* INT                                                                 */

static const struct mgmtd_attr a_port = {
	.name = "port", .type = MGMTD_T_INT, .min = 1, .max = 65535,
};
static const struct mgmtd_attr a_int = { .name = "i", .type = MGMTD_T_INT };

START_TEST(test_int_accepts_min_and_max)
{
	OK(&a_port, "1", "1");
	OK(&a_port, "65535", "65535");
	OK(&a_port, "443", "443");
}
END_TEST

START_TEST(test_int_rejects_min_minus_one_and_max_plus_one)
{
	BAD(&a_port, "0", "must be an integer between 1 and 65535");
	BAD(&a_port, "65536", "must be an integer between 1 and 65535");
	BAD(&a_port, "-1", "must be an integer between 1 and 65535");
}
END_TEST

START_TEST(test_int_is_strict_about_json_type)
{
	BAD(&a_port, "\"80\"", "must be an integer between 1 and 65535");
	BAD(&a_port, "80.0", "must be an integer between 1 and 65535");
	BAD(&a_int, "1.5", "must be an integer");
	BAD(&a_int, "true", "must be an integer");
	BAD(&a_int, "null", "must be an integer");
	BAD(&a_int, "[1]", "must be an integer");
}
END_TEST

START_TEST(test_int_unbounded_accepts_int64_extremes)
{
	OK(&a_int, "0", "0");
	OK(&a_int, "-9223372036854775808", "-9223372036854775808");
	OK(&a_int, "9223372036854775807", "9223372036854775807");
}
END_TEST

START_TEST(test_int_zero_to_max_range)
{
	static const struct mgmtd_attr r = {
		.name = "i", .type = MGMTD_T_INT, .min = 0, .max = 10,
	};

	OK(&r, "0", "0");
	OK(&r, "10", "10");
	BAD(&r, "-1", "must be an integer between 0 and 10");
	BAD(&r, "11", "must be an integer between 0 and 10");
}
END_TEST

START_TEST(test_int_negative_range)
{
	static const struct mgmtd_attr r = {
		.name = "i", .type = MGMTD_T_INT, .min = -10, .max = -1,
	};

	OK(&r, "-10", "-10");
	OK(&r, "-1", "-1");
	BAD(&r, "-11", "must be an integer between -10 and -1");
	BAD(&r, "0", "must be an integer between -10 and -1");
}
END_TEST

START_TEST(test_int_positive_min_with_zero_max_has_no_upper_bound)
{
	static const struct mgmtd_attr r = {
		.name = "i", .type = MGMTD_T_INT, .min = 1,
	};

	OK(&r, "1", "1");
	OK(&r, "9223372036854775807", "9223372036854775807");
	BAD(&r, "0", "must be an integer of at least 1");
}
END_TEST

/* ------------------------------------------------------------------ */
/* BOOL and ENUM                                                       */

static const struct mgmtd_attr a_bool = { .name = "b", .type = MGMTD_T_BOOL };
static const char *const signing_values[] = { "off", "desired", "required",
					      NULL };
static const struct mgmtd_attr a_enum = {
	.name = "signing", .type = MGMTD_T_ENUM, .enum_values = signing_values,
};

START_TEST(test_bool_accepts_true_and_false)
{
	OK(&a_bool, "true", "true");
	OK(&a_bool, "false", "false");
}
END_TEST

START_TEST(test_bool_rejects_strings_and_numbers)
{
	BAD(&a_bool, "\"true\"", "must be true or false");
	BAD(&a_bool, "\"yes\"", "must be true or false");
	BAD(&a_bool, "1", "must be true or false");
	BAD(&a_bool, "0", "must be true or false");
	BAD(&a_bool, "null", "must be true or false");
}
END_TEST

START_TEST(test_enum_accepts_each_listed_value)
{
	OK(&a_enum, "\"off\"", "\"off\"");
	OK(&a_enum, "\"desired\"", "\"desired\"");
	OK(&a_enum, "\"required\"", "\"required\"");
}
END_TEST

START_TEST(test_enum_rejects_others_and_lists_choices)
{
	const char *msg = "must be one of: off, desired, required";

	BAD(&a_enum, "\"Off\"", msg);
	BAD(&a_enum, "\"\"", msg);
	BAD(&a_enum, "\"of\"", msg);
	BAD(&a_enum, "\"off \"", msg);
	BAD(&a_enum, "1", msg);
	BAD(&a_enum, "\"off\\u0000x\"", msg);
}
END_TEST

START_TEST(test_enum_without_values_is_a_schema_error)
{
	static const char *const none[] = { NULL };
	static const struct mgmtd_attr e1 = { .name = "e", .type = MGMTD_T_ENUM };
	static const struct mgmtd_attr e2 = {
		.name = "e", .type = MGMTD_T_ENUM, .enum_values = none,
	};

	BAD(&e1, "\"x\"", "has no allowed values in its schema");
	BAD(&e2, "\"x\"", "has no allowed values in its schema");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

static const struct mgmtd_attr a_ipv4 = { .name = "a", .type = MGMTD_T_IPV4 };
static const struct mgmtd_attr a_ipv6 = { .name = "a", .type = MGMTD_T_IPV6 };
static const struct mgmtd_attr a_ip = { .name = "a", .type = MGMTD_T_IP };
static const struct mgmtd_attr a_prefix = {
	.name = "p", .type = MGMTD_T_PREFIX,
};

START_TEST(test_ipv4_accepts_dotted_quads)
{
	OK(&a_ipv4, "\"0.0.0.0\"", "\"0.0.0.0\"");
	OK(&a_ipv4, "\"255.255.255.255\"", "\"255.255.255.255\"");
	OK(&a_ipv4, "\"192.168.1.10\"", "\"192.168.1.10\"");
}
END_TEST

START_TEST(test_ipv4_rejects_bad_addresses)
{
	BAD(&a_ipv4, "\"10.0.0.300\"", "'10.0.0.300' is not an IPv4 address");
	BAD(&a_ipv4, "\"010.0.0.1\"", "'010.0.0.1' is not an IPv4 address");
	BAD(&a_ipv4, "\"1.2.3\"", NULL);
	BAD(&a_ipv4, "\"1.2.3.4.5\"", NULL);
	BAD(&a_ipv4, "\" 1.2.3.4\"", NULL);
	BAD(&a_ipv4, "\"1.2.3.4 \"", NULL);
	BAD(&a_ipv4, "\"0x7f.0.0.1\"", NULL);
	BAD(&a_ipv4, "\"\"", "'' is not an IPv4 address");
	BAD(&a_ipv4, "\"::1\"", "'::1' is not an IPv4 address");
	BAD(&a_ipv4, "167772161", "must be an IPv4 address");
}
END_TEST

START_TEST(test_ipv6_canonical_form_is_rfc5952)
{
	OK(&a_ipv6, "\"2001:DB8:0:0::1\"", "\"2001:db8::1\"");
	OK(&a_ipv6, "\"2001:0db8:0000:0000:0000:0000:0000:0001\"",
	   "\"2001:db8::1\"");
	OK(&a_ipv6, "\"::\"", "\"::\"");
	OK(&a_ipv6, "\"0:0:0:0:0:0:0:1\"", "\"::1\"");
	OK(&a_ipv6, "\"FE80:0:0:0:0:0:0:0\"", "\"fe80::\"");
	/* the longest run of zeros is compressed */
	OK(&a_ipv6, "\"1:0:0:2:0:0:0:3\"", "\"1:0:0:2::3\"");
	/* the first of two equal runs */
	OK(&a_ipv6, "\"1:0:0:2:0:0:3:4\"", "\"1::2:0:0:3:4\"");
	/* a single zero group is not compressed */
	OK(&a_ipv6, "\"2001:db8:0:1:1:1:1:1\"", "\"2001:db8:0:1:1:1:1:1\"");
	OK(&a_ipv6, "\"2001:db8::1:1:1:1:1\"", "\"2001:db8:0:1:1:1:1:1\"");
	/* IPv4-mapped in mixed notation; the deprecated compatible form not */
	OK(&a_ipv6, "\"::FFFF:1.2.3.4\"", "\"::ffff:1.2.3.4\"");
	OK(&a_ipv6, "\"::ffff:0102:0304\"", "\"::ffff:1.2.3.4\"");
	OK(&a_ipv6, "\"::1:2\"", "\"::1:2\"");
	OK(&a_ipv6, "\"::1.2.3.4\"", "\"::102:304\"");
}
END_TEST

START_TEST(test_ipv6_rejects_bad_addresses)
{
	BAD(&a_ipv6, "\"1.2.3.4\"", "'1.2.3.4' is not an IPv6 address");
	BAD(&a_ipv6, "\"fe80::1%eth0\"", NULL);
	BAD(&a_ipv6, "\"2001:db8::g\"", NULL);
	BAD(&a_ipv6, "\"1:2:3:4:5:6:7:8:9\"", NULL);
	BAD(&a_ipv6, "\"1::2::3\"", NULL);
	BAD(&a_ipv6, "\":::\"", NULL);
	BAD(&a_ipv6, "\"[::1]\"", NULL);
	BAD(&a_ipv6, "false", "must be an IPv6 address");
}
END_TEST

START_TEST(test_ip_accepts_either_family)
{
	OK(&a_ip, "\"10.0.0.1\"", "\"10.0.0.1\"");
	OK(&a_ip, "\"2001:DB8::0:1\"", "\"2001:db8::1\"");
	BAD(&a_ip, "\"files.example\"", "'files.example' is not an IP address");
	BAD(&a_ip, "\"010.0.0.1\"", NULL);
}
END_TEST

START_TEST(test_address_message_quotes_long_values_shortly)
{
	char *s = repeat('a', 200);
	char got[GOT_LEN], msg[MGMTD_ERR_MSG_LEN] = "";
	int rc = norm_json(&a_ipv4, json_string(s), got, msg, sizeof(msg));

	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_uint_lt(strlen(msg), 100);
	ck_assert_ptr_nonnull(strstr(msg, "...' is not an IPv4 address"));
	free(s);
}
END_TEST

START_TEST(test_prefix_canonicalises_address_and_keeps_host_bits)
{
	OK(&a_prefix, "\"10.0.0.1/8\"", "\"10.0.0.1/8\"");
	OK(&a_prefix, "\"192.168.0.0/16\"", "\"192.168.0.0/16\"");
	OK(&a_prefix, "\"0.0.0.0/0\"", "\"0.0.0.0/0\"");
	OK(&a_prefix, "\"1.2.3.4/32\"", "\"1.2.3.4/32\"");
	OK(&a_prefix, "\"2001:DB8:0:0::1/64\"", "\"2001:db8::1/64\"");
	OK(&a_prefix, "\"::/0\"", "\"::/0\"");
	OK(&a_prefix, "\"::1/128\"", "\"::1/128\"");
}
END_TEST

START_TEST(test_prefix_length_bounded_by_family)
{
	BAD(&a_prefix, "\"1.2.3.4/33\"",
	    "'1.2.3.4/33' has a prefix length above 32");
	BAD(&a_prefix, "\"::/129\"", "'::/129' has a prefix length above 128");
	OK(&a_prefix, "\"::/100\"", "\"::/100\"");
}
END_TEST

START_TEST(test_prefix_rejects_malformed)
{
	static const char *const bad[] = {
		"\"10.0.0.0\"",    "\"10.0.0.0/\"",   "\"10.0.0.0/-1\"",
		"\"10.0.0.0/+8\"", "\"10.0.0.0/08\"", "\"10.0.0.0/8/8\"",
		"\"/8\"",          "\"10.0.0.300/8\"", "\"10.0.0.0/ 8\"",
		"\"10.0.0.0/1000\"", "\"10.0.0.0/8 \"", "\"010.0.0.0/8\"",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		BAD(&a_prefix, bad[i], NULL);
	BAD(&a_prefix, "\"10.0.0.0\"",
	    "'10.0.0.0' is not an address/length prefix");
	BAD(&a_prefix, "24", "must be an address/length prefix");
}
END_TEST

START_TEST(test_canon_ip_direct)
{
	char buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(types_canon_ip(AF_INET, "10.1.2.3", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.1.2.3");
	ck_assert_int_eq(types_canon_ip(AF_INET6, "0::0:1", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "::1");
	ck_assert_int_eq(types_canon_ip(AF_UNSPEC, "::FFFF:10.0.0.1", buf,
					sizeof(buf)), 0);
	ck_assert_str_eq(buf, "::ffff:10.0.0.1");
	ck_assert_int_eq(types_canon_ip(AF_UNSPEC, "10.0.0.1", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "10.0.0.1");
	ck_assert_int_eq(types_canon_ip(AF_INET6, "10.0.0.1", buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(types_canon_ip(AF_INET, "::1", buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(types_canon_ip(AF_UNIX, "::1", buf, sizeof(buf)),
			 -EAFNOSUPPORT);
	ck_assert_int_eq(types_canon_ip(AF_INET, NULL, buf, sizeof(buf)),
			 -EINVAL);
	/* "10.0.0.1" needs 9 bytes */
	ck_assert_int_eq(types_canon_ip(AF_INET, "10.0.0.1", buf, 8), -ENOSPC);
	ck_assert_int_eq(types_canon_ip(AF_INET, "10.0.0.1", buf, 9), 0);
	ck_assert_str_eq(buf, "10.0.0.1");
}
END_TEST

START_TEST(test_canon_prefix_direct)
{
	char buf[INET6_ADDRSTRLEN + 4];

	ck_assert_int_eq(types_canon_prefix("2001:0DB8::/32", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "2001:db8::/32");
	ck_assert_int_eq(types_canon_prefix("10.0.0.0/8", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.0.0.0/8");
	ck_assert_int_eq(types_canon_prefix("10.0.0.0/8", buf, 10), -ENOSPC);
	ck_assert_int_eq(types_canon_prefix("10.0.0.0/33", buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(types_canon_prefix("10.0.0.0", buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(types_canon_prefix(NULL, buf, sizeof(buf)), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HOSTNAME                                                            */

static const struct mgmtd_attr a_host = {
	.name = "h", .type = MGMTD_T_HOSTNAME,
};

START_TEST(test_hostname_accepts_rfc1123_names)
{
	OK(&a_host, "\"a\"", "\"a\"");
	OK(&a_host, "\"db1\"", "\"db1\"");
	OK(&a_host, "\"3com.example\"", "\"3com.example\"");
	OK(&a_host, "\"123.example\"", "\"123.example\"");
	OK(&a_host, "\"a-b.c-d\"", "\"a-b.c-d\"");
	OK(&a_host, "\"xn--bcher-kva.example\"", "\"xn--bcher-kva.example\"");
}
END_TEST

START_TEST(test_hostname_canonical_form_is_lower_case)
{
	OK(&a_host, "\"Web01.Example.COM\"", "\"web01.example.com\"");
}
END_TEST

START_TEST(test_hostname_rejects_spaces_and_other_characters)
{
	BAD(&a_host, "\"my host\"",
	    "'my host' is not a hostname: it may contain only letters, "
	    "digits, hyphens and dots");
	BAD(&a_host, "\"my_host\"", NULL);
	BAD(&a_host, "\"h\\u00f4te\"", NULL);
	BAD(&a_host, "\"a\\nb\"", "'a?b' is not a hostname: it may contain "
				  "only letters, digits, hyphens and dots");
	BAD(&a_host, "\"a\\u0085'b\"", "'a??b' is not a hostname: it may "
				     "contain only letters, digits, hyphens and dots");
	BAD(&a_host, "\"a\\u0000b\"", "must be a hostname");
	BAD(&a_host, "7", "must be a hostname");
}
END_TEST

START_TEST(test_hostname_rejects_hyphen_at_label_edges)
{
	BAD(&a_host, "\"-foo\"",
	    "'-foo' is not a hostname: it has a label starting with a hyphen");
	BAD(&a_host, "\"foo-\"",
	    "'foo-' is not a hostname: it has a label ending with a hyphen");
	BAD(&a_host, "\"a.-b.c\"", NULL);
	BAD(&a_host, "\"a.b-.c\"", NULL);
}
END_TEST

START_TEST(test_hostname_label_length_boundary)
{
	char *l63 = repeat('a', 63), *l64 = repeat('a', 64), name[80];

	OKJ(&a_host, json_string(l63), "63-char label", NULL);
	snprintf(name, sizeof(name), "%s.example", l63);
	ck_assert(types_is_hostname(name));
	snprintf(name, sizeof(name), "%s.example", l64);
	ck_assert(!types_is_hostname(name));
	BADJ(&a_host, json_string(name), "64-char label", NULL);
	free(l63);
	free(l64);
}
END_TEST

START_TEST(test_hostname_total_length_boundary)
{
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253, then one more */
	char name[300];
	char *l63 = repeat('a', 63), *l61 = repeat('b', 61), *l62 = repeat('b', 62);

	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l61);
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert(types_is_hostname(name));
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l62);
	ck_assert_uint_eq(strlen(name), 254);
	ck_assert(!types_is_hostname(name));
	BADJ(&a_host, json_string(name), "254 chars", NULL);
	free(l63);
	free(l61);
	free(l62);
}
END_TEST

START_TEST(test_hostname_rejects_empty_labels_and_trailing_dot)
{
	BAD(&a_host, "\"\"", "'' is not a hostname: it is empty");
	BAD(&a_host, "\"example.com.\"",
	    "'example.com.' is not a hostname: it has an empty label");
	BAD(&a_host, "\".\"", NULL);
	BAD(&a_host, "\".a\"", NULL);
	BAD(&a_host, "\"a..b\"", NULL);
}
END_TEST

START_TEST(test_hostname_rejects_all_numeric_last_label)
{
	BAD(&a_host, "\"10.0.0.300\"",
	    "'10.0.0.300' is not a hostname: it ends with an all-numeric label");
	BAD(&a_host, "\"123\"", NULL);
}
END_TEST

START_TEST(test_is_hostname_direct)
{
	ck_assert(types_is_hostname("files.Example.org"));
	ck_assert(!types_is_hostname(NULL));
	ck_assert(!types_is_hostname(""));
	ck_assert(!types_is_hostname("a b"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* PATH                                                                */

static const struct mgmtd_attr a_path = { .name = "p", .type = MGMTD_T_PATH };

START_TEST(test_path_accepts_absolute_paths)
{
	OK(&a_path, "\"/\"", "\"/\"");
	OK(&a_path, "\"/srv/share\"", "\"/srv/share\"");
	OK(&a_path, "\"/srv/.hidden/a.b/..c/...\"", "\"/srv/.hidden/a.b/..c/...\"");
	OK(&a_path, "\"/srv/with space\"", "\"/srv/with space\"");
}
END_TEST

START_TEST(test_path_drops_trailing_slash)
{
	OK(&a_path, "\"/srv/share/\"", "\"/srv/share\"");
	OK(&a_path, "\"/a/\"", "\"/a\"");
}
END_TEST

START_TEST(test_path_rejects_relative_paths)
{
	BAD(&a_path, "\"srv/share\"", "must be an absolute path");
	BAD(&a_path, "\"\"", "must be an absolute path");
	BAD(&a_path, "\"./a\"", "must be an absolute path");
	BAD(&a_path, "\"~/a\"", "must be an absolute path");
	BAD(&a_path, "1", "must be an absolute path");
}
END_TEST

START_TEST(test_path_rejects_dot_and_dotdot_components)
{
	const char *msg = "must not contain '.' or '..' components";

	BAD(&a_path, "\"/a/./b\"", msg);
	BAD(&a_path, "\"/a/../b\"", msg);
	BAD(&a_path, "\"/..\"", msg);
	BAD(&a_path, "\"/.\"", msg);
	BAD(&a_path, "\"/a/.\"", msg);
	BAD(&a_path, "\"/a/..\"", msg);
	BAD(&a_path, "\"/a/../\"", msg);
}
END_TEST

START_TEST(test_path_rejects_double_slash)
{
	BAD(&a_path, "\"//\"", "must not contain '//'");
	BAD(&a_path, "\"/a//b\"", "must not contain '//'");
	BAD(&a_path, "\"/a//\"", "must not contain '//'");
}
END_TEST

START_TEST(test_path_rejects_nul_and_control_characters)
{
	BAD(&a_path, "\"/a\\u0000b\"", "must not contain control characters");
	BAD(&a_path, "\"/a\\nb\"", "must not contain control characters");
}
END_TEST

START_TEST(test_path_length_boundary)
{
	char *p = repeat('a', 4096);

	p[0] = '/';
	ck_assert(!types_is_abs_path(p));
	BADJ(&a_path, json_string(p), "4096 chars",
	     "must be at most 4095 characters");
	p[4095] = '\0';
	ck_assert(types_is_abs_path(p));
	OKJ(&a_path, json_string(p), "4095 chars", NULL);
	free(p);
}
END_TEST

START_TEST(test_is_abs_path_direct)
{
	ck_assert(types_is_abs_path("/"));
	ck_assert(types_is_abs_path("/a/b/"));
	ck_assert(!types_is_abs_path(NULL));
	ck_assert(!types_is_abs_path(""));
	ck_assert(!types_is_abs_path("a"));
	ck_assert(!types_is_abs_path("/a/../b"));
	ck_assert(!types_is_abs_path("/a//b"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* SIZE                                                                */

START_TEST(test_parse_size_plain_and_units)
{
	SIZE_OK("0", 0);
	SIZE_OK("4096", 4096);
	SIZE_OK("4096B", 4096);
	SIZE_OK("4096b", 4096);
	SIZE_OK("64k", 65536);
	SIZE_OK("64K", 65536);
	SIZE_OK("512M", 536870912);
	SIZE_OK("10G", 10737418240LL);
	SIZE_OK("10g", 10737418240LL);
	SIZE_OK("10GB", 10737418240LL);
	SIZE_OK("10GiB", 10737418240LL);
	SIZE_OK("10gib", 10737418240LL);
	SIZE_OK("1T", 1099511627776LL);
	SIZE_OK("1P", 1125899906842624LL);
	SIZE_OK("007K", 7168);
	SIZE_OK("0K", 0);
}
END_TEST

START_TEST(test_parse_size_fractions_round_down)
{
	SIZE_OK("1.5K", 1536);
	SIZE_OK("0.5k", 512);
	SIZE_OK("1.5T", 1649267441664LL);
	SIZE_OK("1.0001K", 1024); /* 1024.1024 bytes */
	SIZE_OK("0.001K", 1);      /* 1.024 bytes */
	SIZE_OK("0.0001K", 0);
	SIZE_OK("1.123456789012345678P", 1264899894090713LL);
}
END_TEST

START_TEST(test_parse_size_rejects_junk)
{
	static const char *const bad[] = {
		"",     "-1",    "+1",   "1e3",  "1.5",  "1.5B",  ".5K",
		"5.K",  "10 G",  " 10G", "10G ", "10X",  "10KK",  "10iB",
		"10Gi", "10E",   "0x10", "1,5K", "K",    "B",     "10GiBB",
		"1.1234567890123456789K", /* 19 fraction digits */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		SIZE_RC(bad[i], -EINVAL);
	ck_assert_int_eq(types_parse_size(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_parse_size_overflow_is_erange)
{
	SIZE_RC("9999999P", -ERANGE);
	SIZE_RC("8192P", -ERANGE); /* 2^63 */
	SIZE_OK("8191P", 9222246136947933184LL);
	SIZE_OK("8191.99999P", 9223372025595776739LL);
	SIZE_OK("9223372036854775807", INT64_MAX);
	SIZE_RC("9223372036854775808", -ERANGE);
	SIZE_RC("99999999999999999999999", -ERANGE);
	/* junk wins over overflow */
	SIZE_RC("99999999999999999999999X", -EINVAL);
}
END_TEST

static const struct mgmtd_attr a_size = { .name = "s", .type = MGMTD_T_SIZE };
static const struct mgmtd_attr a_size_4k_1t = {
	.name = "s", .type = MGMTD_T_SIZE, .min = 4096, .max = 1099511627776LL,
};

START_TEST(test_size_normalises_integers_and_strings)
{
	OK(&a_size, "0", "0");
	OK(&a_size, "4096", "4096");
	OK(&a_size, "\"4096\"", "4096");
	OK(&a_size, "\"10G\"", "10737418240");
	OK(&a_size, "\"1.5K\"", "1536");
}
END_TEST

START_TEST(test_size_rejects_bad_values)
{
	BAD(&a_size, "-1", "must not be negative");
	BAD(&a_size, "\"-1\"",
	    "'-1' is not a size (e.g. 4096, 64K, 512M, 1.5G)");
	BAD(&a_size, "\"1e3\"", NULL);
	BAD(&a_size, "1.5", "must be a size (e.g. 4096, 64K, 512M, 1.5G)");
	BAD(&a_size, "true", NULL);
	BAD(&a_size, "\"9999999P\"", "'9999999P' is too large");
}
END_TEST

START_TEST(test_size_range_boundaries)
{
	const char *msg = "must be a size between 4K and 1T";

	BAD(&a_size_4k_1t, "4095", msg);
	OK(&a_size_4k_1t, "\"4K\"", "4096");
	OK(&a_size_4k_1t, "\"1T\"", "1099511627776");
	BAD(&a_size_4k_1t, "1099511627777", msg);
	BAD(&a_size_4k_1t, "\"1.0000001T\"", msg);
}
END_TEST

START_TEST(test_size_range_message_uses_plain_numbers_when_inexact)
{
	static const struct mgmtd_attr r = {
		.name = "s", .type = MGMTD_T_SIZE, .min = 100, .max = 1536,
	};

	BAD(&r, "99", "must be a size between 100 and 1536");
	OK(&r, "\"1.5K\"", "1536");
}
END_TEST

/* ------------------------------------------------------------------ */
/* DURATION                                                            */

START_TEST(test_parse_duration_forms)
{
	DUR_OK("0", 0);
	DUR_OK("90", 90);
	DUR_OK("0s", 0);
	DUR_OK("90s", 90);
	DUR_OK("5m", 300);
	DUR_OK("100m", 6000);
	DUR_OK("1h30m", 5400);
	DUR_OK("2d", 172800);
	DUR_OK("1w", 604800);
	DUR_OK("1w2d3h4m5s", 788645);
	DUR_OK("1d12h", 129600);
	DUR_OK("1h5s", 3605);
}
END_TEST

START_TEST(test_parse_duration_rejects_junk)
{
	static const char *const bad[] = {
		"",     "-5",   "+5",  "1.5h", "5M",  "1H",  "30m1h",
		"5m5m", "1h30", "h",   "5 m",  "5mm", "1y",  " 5s",
		"5s ",  "1e3",  "1h-5m",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		DUR_RC(bad[i], -EINVAL);
	ck_assert_int_eq(types_parse_duration(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_parse_duration_overflow_is_erange)
{
	DUR_OK("9223372036854775807", INT64_MAX);
	DUR_RC("9223372036854775808", -ERANGE);
	DUR_OK("15250284452471w", 15250284452471LL * 604800);
	DUR_RC("15250284452472w", -ERANGE);
	DUR_RC("1w9223372036854775807s", -ERANGE);
	DUR_RC("99999999999999999999999x", -EINVAL);
}
END_TEST

static const struct mgmtd_attr a_dur = { .name = "d", .type = MGMTD_T_DURATION };
static const struct mgmtd_attr a_dur_1s_1d = {
	.name = "d", .type = MGMTD_T_DURATION, .min = 1, .max = 86400,
};

START_TEST(test_duration_normalises_integers_and_strings)
{
	OK(&a_dur, "0", "0");
	OK(&a_dur, "90", "90");
	OK(&a_dur, "\"90\"", "90");
	OK(&a_dur, "\"1h30m\"", "5400");
}
END_TEST

START_TEST(test_duration_rejects_bad_values)
{
	BAD(&a_dur, "-1", "must not be negative");
	BAD(&a_dur, "\"5x\"",
	    "'5x' is not a duration (e.g. 90, 90s, 5m, 1h30m, 2d, 1w)");
	BAD(&a_dur, "1.5", "must be a duration (e.g. 90, 90s, 5m, 1h30m, 2d, 1w)");
	BAD(&a_dur, "\"15250284452472w\"", "'15250284452472w' is too large");
}
END_TEST

START_TEST(test_duration_range_boundaries)
{
	static const struct mgmtd_attr r = {
		.name = "d", .type = MGMTD_T_DURATION, .min = 90, .max = 5400,
	};
	const char *msg = "must be a duration between 1s and 1d";

	BAD(&a_dur_1s_1d, "0", msg);
	OK(&a_dur_1s_1d, "\"1s\"", "1");
	OK(&a_dur_1s_1d, "\"1d\"", "86400");
	BAD(&a_dur_1s_1d, "\"1d1s\"", msg);
	BAD(&r, "89", "must be a duration between 1m30s and 1h30m");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Whole-interface behaviour                                           */

START_TEST(test_types_name_of_each_type)
{
	static const struct {
		enum mgmtd_type t;
		const char *name;
	} names[] = {
		{ MGMTD_T_STRING, "string" },     { MGMTD_T_INT, "int" },
		{ MGMTD_T_BOOL, "bool" },         { MGMTD_T_ENUM, "enum" },
		{ MGMTD_T_IPV4, "ipv4" },         { MGMTD_T_IPV6, "ipv6" },
		{ MGMTD_T_IP, "ip" },             { MGMTD_T_PREFIX, "prefix" },
		{ MGMTD_T_HOSTNAME, "hostname" }, { MGMTD_T_PATH, "path" },
		{ MGMTD_T_SIZE, "size" },         { MGMTD_T_DURATION, "duration" },
		{ MGMTD_T_SECRET, "secret" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_str_eq(types_name(names[i].t), names[i].name);
	ck_assert_ptr_null(types_name((enum mgmtd_type)0));
	ck_assert_ptr_null(types_name((enum mgmtd_type)99));
}
END_TEST

START_TEST(test_normalize_refuses_missing_input_and_unknown_type)
{
	static const struct mgmtd_attr unknown = {
		.name = "x", .type = (enum mgmtd_type)99,
	};
	char msg[MGMTD_ERR_MSG_LEN];
	json_t *out = (json_t *)&out, *in = json_integer(1);

	ck_assert_int_eq(types_normalize_scalar(&a_int, NULL, &out, msg,
						sizeof(msg)), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(msg, "is missing");
	ck_assert_int_eq(types_normalize_scalar(NULL, in, &out, msg,
						sizeof(msg)), -EINVAL);
	ck_assert_int_eq(types_normalize_scalar(&a_int, in, NULL, msg,
						sizeof(msg)), -EINVAL);
	json_decref(in);
	BAD(&unknown, "1", "has unknown type 99");
}
END_TEST

START_TEST(test_normalize_works_without_message_buffer)
{
	static const struct mgmtd_attr *const attrs[] = {
		&a_str_max3, &a_port, &a_bool, &a_enum, &a_ipv4, &a_ipv6,
		&a_ip, &a_prefix, &a_host, &a_path, &a_size, &a_dur, &a_secret,
	};
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		json_t *in = json_pack("[{}]"), *out = NULL;

		ck_assert_int_eq(types_normalize_scalar(attrs[i], in, &out,
							NULL, 0), -EINVAL);
		ck_assert_ptr_null(out);
		json_decref(in);
	}
}
END_TEST

START_TEST(test_normalize_truncates_long_messages_safely)
{
	char msg[12];
	json_t *in = json_string("nope"), *out = NULL;

	memset(msg, 'x', sizeof(msg));
	ck_assert_int_eq(types_normalize_scalar(&a_enum, in, &out, msg,
						sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "must be one");
	json_decref(in);
}
END_TEST

START_TEST(test_normalize_leaves_input_untouched)
{
	json_t *in = json_string("Web01.Example.com"), *out = NULL;
	char msg[MGMTD_ERR_MSG_LEN];

	ck_assert_int_eq(types_normalize_scalar(&a_host, in, &out, msg,
						sizeof(msg)), 0);
	ck_assert_str_eq(json_string_value(in), "Web01.Example.com");
	ck_assert_str_eq(json_string_value(out), "web01.example.com");
	ck_assert_int_eq(in->refcount, 1);
	ck_assert_int_eq(out->refcount, 1);
	json_decref(in);
	json_decref(out);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *types_suite(void)
{
	Suite *s = suite_create("types");
	TCase *tc;

	tc = tcase_create("string");
	tcase_add_test(tc, test_string_unbounded_accepts_any_text);
	tcase_add_test(tc, test_string_rejects_non_strings);
	tcase_add_test(tc, test_string_max_length_boundary);
	tcase_add_test(tc, test_string_min_and_max_length_boundaries);
	tcase_add_test(tc, test_string_min_one_means_not_empty);
	tcase_add_test(tc, test_string_length_counts_characters_not_bytes);
	tcase_add_test(tc, test_string_rejects_control_characters);
	tcase_add_test(tc, test_string_pattern_must_match_whole_string);
	tcase_add_test(tc, test_string_pattern_alternation_is_anchored_as_a_whole);
	tcase_add_test(tc, test_string_pattern_with_own_anchors);
	tcase_add_test(tc, test_string_length_checked_before_pattern);
	tcase_add_test(tc, test_string_invalid_pattern_is_reported);
	tcase_add_test(tc, test_secret_accepts_within_bounds);
	tcase_add_test(tc, test_secret_messages_never_contain_the_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("int_bool_enum");
	tcase_add_test(tc, test_int_accepts_min_and_max);
	tcase_add_test(tc, test_int_rejects_min_minus_one_and_max_plus_one);
	tcase_add_test(tc, test_int_is_strict_about_json_type);
	tcase_add_test(tc, test_int_unbounded_accepts_int64_extremes);
	tcase_add_test(tc, test_int_zero_to_max_range);
	tcase_add_test(tc, test_int_negative_range);
	tcase_add_test(tc, test_int_positive_min_with_zero_max_has_no_upper_bound);
	tcase_add_test(tc, test_bool_accepts_true_and_false);
	tcase_add_test(tc, test_bool_rejects_strings_and_numbers);
	tcase_add_test(tc, test_enum_accepts_each_listed_value);
	tcase_add_test(tc, test_enum_rejects_others_and_lists_choices);
	tcase_add_test(tc, test_enum_without_values_is_a_schema_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("address");
	tcase_add_test(tc, test_ipv4_accepts_dotted_quads);
	tcase_add_test(tc, test_ipv4_rejects_bad_addresses);
	tcase_add_test(tc, test_ipv6_canonical_form_is_rfc5952);
	tcase_add_test(tc, test_ipv6_rejects_bad_addresses);
	tcase_add_test(tc, test_ip_accepts_either_family);
	tcase_add_test(tc, test_address_message_quotes_long_values_shortly);
	tcase_add_test(tc, test_prefix_canonicalises_address_and_keeps_host_bits);
	tcase_add_test(tc, test_prefix_length_bounded_by_family);
	tcase_add_test(tc, test_prefix_rejects_malformed);
	tcase_add_test(tc, test_canon_ip_direct);
	tcase_add_test(tc, test_canon_prefix_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostname");
	tcase_add_test(tc, test_hostname_accepts_rfc1123_names);
	tcase_add_test(tc, test_hostname_canonical_form_is_lower_case);
	tcase_add_test(tc, test_hostname_rejects_spaces_and_other_characters);
	tcase_add_test(tc, test_hostname_rejects_hyphen_at_label_edges);
	tcase_add_test(tc, test_hostname_label_length_boundary);
	tcase_add_test(tc, test_hostname_total_length_boundary);
	tcase_add_test(tc, test_hostname_rejects_empty_labels_and_trailing_dot);
	tcase_add_test(tc, test_hostname_rejects_all_numeric_last_label);
	tcase_add_test(tc, test_is_hostname_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("path");
	tcase_add_test(tc, test_path_accepts_absolute_paths);
	tcase_add_test(tc, test_path_drops_trailing_slash);
	tcase_add_test(tc, test_path_rejects_relative_paths);
	tcase_add_test(tc, test_path_rejects_dot_and_dotdot_components);
	tcase_add_test(tc, test_path_rejects_double_slash);
	tcase_add_test(tc, test_path_rejects_nul_and_control_characters);
	tcase_add_test(tc, test_path_length_boundary);
	tcase_add_test(tc, test_is_abs_path_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("size");
	tcase_add_test(tc, test_parse_size_plain_and_units);
	tcase_add_test(tc, test_parse_size_fractions_round_down);
	tcase_add_test(tc, test_parse_size_rejects_junk);
	tcase_add_test(tc, test_parse_size_overflow_is_erange);
	tcase_add_test(tc, test_size_normalises_integers_and_strings);
	tcase_add_test(tc, test_size_rejects_bad_values);
	tcase_add_test(tc, test_size_range_boundaries);
	tcase_add_test(tc, test_size_range_message_uses_plain_numbers_when_inexact);
	suite_add_tcase(s, tc);

	tc = tcase_create("duration");
	tcase_add_test(tc, test_parse_duration_forms);
	tcase_add_test(tc, test_parse_duration_rejects_junk);
	tcase_add_test(tc, test_parse_duration_overflow_is_erange);
	tcase_add_test(tc, test_duration_normalises_integers_and_strings);
	tcase_add_test(tc, test_duration_rejects_bad_values);
	tcase_add_test(tc, test_duration_range_boundaries);
	suite_add_tcase(s, tc);

	tc = tcase_create("interface");
	tcase_add_test(tc, test_types_name_of_each_type);
	tcase_add_test(tc, test_normalize_refuses_missing_input_and_unknown_type);
	tcase_add_test(tc, test_normalize_works_without_message_buffer);
	tcase_add_test(tc, test_normalize_truncates_long_messages_safely);
	tcase_add_test(tc, test_normalize_leaves_input_untouched);
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
