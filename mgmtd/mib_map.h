/* Where the object model lives in the MIB, and how its values look there.
 *
 * One layout serves the MIB text (mib_gen.c) and the subagent (agentx*.c):
 *
 *   mgmtdMIB                          MIB_PARENT_OID.MIB_ARC
 *     mgmtdNotifications(0)           mgmtdEventNotification(1),
 *                                     mgmtdConfigChanged(2)
 *     mgmtdObjects(1)
 *       <plugin>(mib_arc)             one arc per plugin
 *         <class>(snmp_table)         singleton: scalars <class>.<column>.0
 *                                     collection: <class>Table, Entry(1),
 *                                     columns <column>, RowStatus column 1
 *     mgmtdConformance(2)             compliance, groups, plugin groups
 *     mgmtdDaemon(3)                  version, uptime, config version,
 *                                     last change, plugin table,
 *                                     notification objects
 *
 * Nothing here depends on Net-SNMP: arcs are uint32_t, values plain C. */
#ifndef MGMTD_MIB_MAP_H
#define MGMTD_MIB_MAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"
#include "schema.h"

/* The one place the MIB's position is defined: moving to a registered
 * enterprise number means changing these lines (for example
 * "SNMPv2-SMI", "enterprises", 1, 3, 6, 1, 4, 1 and the number). */
#define MIB_PARENT_MODULE "NET-SNMP-MIB"
#define MIB_PARENT_NAME "netSnmpPlaypen"
#define MIB_PARENT_OID 1, 3, 6, 1, 4, 1, 8072, 9999, 9999
#define MIB_ARC 4242
#define MIB_MODULE "MGMTD-MIB"
#define MIB_LAST_UPDATED "202505200000Z"

#define MIB_MAX_OID 128 /* sub-identifiers in an OID (RFC 2578) */

/* Arcs under mgmtdMIB. */
enum {
	MIB_NOTIFICATIONS = 0,
	MIB_OBJECTS = 1,
	MIB_CONFORMANCE = 2,
	MIB_DAEMON = 3,
};

/* Under mgmtdNotifications. */
enum { MIB_NOTIF_EVENT = 1, MIB_NOTIF_CONFIG_CHANGED = 2 };

/* Under mgmtdDaemon. */
enum {
	MIB_D_VERSION = 1,
	MIB_D_UPTIME = 2,
	MIB_D_CONFIG_VERSION = 3,
	MIB_D_CHANGE_TIME = 4,
	MIB_D_CHANGE_USER = 5,
	MIB_D_PLUGIN_TABLE = 6,
	MIB_D_NOTIFY_OBJECTS = 7,
};

/* Columns of mgmtdPluginEntry (index: the plugin's arc). */
enum {
	MIB_P_ARC = 1,
	MIB_P_NAME = 2,
	MIB_P_VERSION = 3,
	MIB_P_STATE = 4,
};

/* Under mgmtdNotifyObjects. */
enum {
	MIB_N_SEVERITY = 1,
	MIB_N_PLUGIN = 2,
	MIB_N_OBJECT = 3,
	MIB_N_MESSAGE = 4,
	MIB_N_INTERFACE = 5,
	MIB_N_SUMMARY = 6,
};

/* In a collection's entry: column 1, which plugin.h keeps from
 * attributes, is the row's RowStatus. */
#define MIB_ROWSTATUS_COLUMN 1
/* The InetAddressType of an address attribute (MGMTD_T_IP) in column N
 * is column N + MIB_INETTYPE_OFFSET. */
#define MIB_INETTYPE_OFFSET 100

/* RowStatus values (SNMPv2-TC). */
enum {
	MIB_RS_ACTIVE = 1,
	MIB_RS_NOT_IN_SERVICE = 2,
	MIB_RS_NOT_READY = 3,
	MIB_RS_CREATE_AND_GO = 4,
	MIB_RS_CREATE_AND_WAIT = 5,
	MIB_RS_DESTROY = 6,
};

/* How an attribute is represented. */
enum mib_base {
	MIB_B_INTEGER32 = 1, /* also enums and TruthValue on the wire */
	MIB_B_UNSIGNED32,
	MIB_B_COUNTER64,
	MIB_B_GAUGE64,       /* CounterBasedGauge64: Counter64 on the wire */
	MIB_B_TRUTH,
	MIB_B_ENUM,
	MIB_B_TEXT,          /* DisplayString or MgmtdText */
	MIB_B_IPV4,          /* InetAddressIPv4 */
	MIB_B_IPV6,          /* InetAddressIPv6 */
	MIB_B_INETADDR,      /* InetAddress, with an InetAddressType column */
};

struct mib_type {
	enum mib_base base;
	const char *syntax;  /* the SMI type name: "DisplayString", ... */
	bool ranged;         /* lo..hi applies: a value range, or for
				text a size range */
	int64_t lo, hi;
	bool writable;       /* read-write (or read-create in a table) */
	const char *units;   /* UNITS clause, or NULL */
	unsigned scale;      /* SNMP value = canonical value / scale */
	bool list;           /* items joined with MIB_LIST_SEP */
};

#define MIB_LIST_SEP ','

/* The representation of attribute a.  Returns 0, or -ENOENT for an
 * attribute SNMP does not show (secrets: write-only has no SMI form). */
int mib_type_of(const struct mgmtd_attr *a, struct mib_type *t);

/* The representation of a key in its (not-accessible) index column:
 * integers as Unsigned32, text as DisplayString sized to fit an OID. */
void mib_key_type(const struct mgmtd_attr *key, struct mib_type *t);

/* Object names: "mgmtd" + each part in CamelCase ("mgmtdDnsHostsName").
 * Parts may be NULL.  Truncated to len. */
void mib_name(char *buf, size_t len, const char *plugin, const char *cls,
	      const char *attr, const char *suffix);
/* An enum value as an SMI label ("read_only" -> "readOnly"). */
void mib_enum_label(char *buf, size_t len, const char *value);

/* The OID of mgmtdMIB; returns its length. */
size_t mib_root(uint32_t *out);
/* OID of a plugin's class node (mgmtdObjects.arc.table); returns length. */
size_t mib_class_oid(const struct schema_plugin *sp,
		     const struct schema_class *sc, uint32_t *out);

/* The longest index (in sub-identifiers) a row of a table may have: the
 * rest of MIB_MAX_OID once the column's OID is counted. */
size_t mib_index_max(void);

/* Index of a row from its key (canonical text, as the REST path carries
 * it), per SMIv2: strings length-prefixed, integers one sub-identifier,
 * IPv4/IPv6 addresses 4/16 sub-identifiers.  Returns 0 and *len, -EINVAL
 * for text that is no value of the key, -ERANGE when it does not fit in
 * cap (such rows are not visible through SNMP). */
int mib_index_encode(const struct mgmtd_attr *key, const char *text,
		     uint32_t *out, size_t cap, size_t *len);
/* The key text of an index that must be exactly n sub-identifiers long.
 * Returns 0, or -EINVAL when in is not one index of the key. */
int mib_index_decode(const struct mgmtd_attr *key, const uint32_t *in,
		     size_t n, char *out, size_t cap);

/* A value on the wire, without Net-SNMP types. */
enum mib_vkind { MIB_V_INT = 1, MIB_V_UINT, MIB_V_U64, MIB_V_OCTETS };

struct mib_value {
	enum mib_vkind kind;
	int64_t i;      /* MIB_V_INT */
	uint64_t u;     /* MIB_V_UINT, MIB_V_U64 */
	unsigned char *buf; /* MIB_V_OCTETS: the caller's buffer */
	size_t len, cap;
};

/* Encode canonical JSON value v (borrowed) of attribute a, represented as
 * t, into out (out->buf, out->cap set by the caller for strings).
 * Returns 0, -EINVAL for a value of the wrong JSON type, -ENOSPC when the
 * text does not fit. */
int mib_value_encode(const struct mgmtd_attr *a, const struct mib_type *t,
		     json_t *v, struct mib_value *out);

/* Why a SET value is refused, in SNMP's words. */
enum mib_set_err {
	MIB_SET_OK = 0,
	MIB_SET_WRONG_TYPE,
	MIB_SET_WRONG_LENGTH,
	MIB_SET_WRONG_VALUE,
};

/* Decode a SET value into canonical JSON (*out, a new reference; JSON null
 * for "remove the attribute": an empty string of an optional attribute).
 * The value is checked like any input (types_normalize_scalar).  On
 * refusal, msg says why (without the attribute's name). */
enum mib_set_err mib_value_decode(const struct mgmtd_attr *a,
				  const struct mib_type *t,
				  const struct mib_value *in, json_t **out,
				  char *msg, size_t msglen);

#endif
