/* Attribute types: parsing user input into canonical values.
 *
 * Values travel as jansson values.  Canonical forms: strings for string,
 * enum, hostname, path, secret and addresses (IPv4 dotted quad, IPv6 RFC
 * 5952, prefix "address/len" with the address canonical); integers for int,
 * size (bytes) and duration (seconds); booleans for bool. */
#ifndef MGMTD_TYPES_H
#define MGMTD_TYPES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

/* Check one scalar value of attribute a (a list attribute's item when the
 * attribute has MGMTD_A_LIST) and produce its canonical form.
 * in: borrowed.  *out: a new reference on success.
 * Returns 0, or -EINVAL with a human message in msg ("must be between 1 and
 * 65535", "is not an IPv4 address") that does not repeat the path. */
int types_normalize_scalar(const struct mgmtd_attr *a, json_t *in,
			   json_t **out, char *msg, size_t msglen);

/* "10G", "512M", "1.5T", "4096", "4096B", "64k" (binary multiples, case
 * insensitive) -> bytes.  -EINVAL on junk, -ERANGE on overflow. */
int types_parse_size(const char *s, int64_t *bytes);
/* "90", "90s", "5m", "1h30m", "2d", "1w" -> seconds. */
int types_parse_duration(const char *s, int64_t *seconds);
/* Canonical text of an address of family AF_INET, AF_INET6 or AF_UNSPEC
 * (either).  Returns -EINVAL if s is not one. */
int types_canon_ip(int family, const char *s, char *out, size_t outlen);
int types_canon_prefix(const char *s, char *out, size_t outlen);
bool types_is_hostname(const char *s);
bool types_is_abs_path(const char *s);

/* The text of a scalar value (string as is, integer in decimal, "true" or
 * "false"): keys in paths and OIDs, list items in SNMP.  -EINVAL for
 * anything else. */
int types_scalar_text(json_t *v, char *buf, size_t len);

/* The name of a type as written in the schema ("ipv4", "size", ...). */
const char *types_name(enum mgmtd_type t);

#endif
