/* Reads: the MIB's objects as a sorted list of nodes (built once from the
 * schema), their rows from one snapshot (sorted by index, rebuilt when a
 * new snapshot is published), GET and GETNEXT computed over them.  One
 * handler serves the whole subtree, so a walk of 10,000 rows costs one
 * binary search per varbind and no registration per row. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agentx_internal.h"
#include "log.h"

#define SUBSYS "snmp"

/* ------------------------------------------------------------------ */
/* Nodes                                                               */

struct node_list {
	struct ax_node *v;
	size_t n, cap;
};

static int node_add(struct node_list *l, const struct ax_node *n)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ax_node *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *n;
	return 0;
}

static int oid32_cmp(const uint32_t *a, size_t an, const uint32_t *b,
		     size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

static int node_cmp(const void *x, const void *y)
{
	const struct ax_node *a = x, *b = y;

	return oid32_cmp(a->oid, a->len, b->oid, b->len);
}

/* The nodes of one attribute: its own and, for an address of either
 * family, its InetAddressType. */
static int attr_nodes(struct node_list *l, struct ax_node *tmpl,
		      const struct mgmtd_attr *a)
{
	struct ax_node n = *tmpl;
	int rc;

	if (mib_type_of(a, &n.t) < 0 || (a->flags & MGMTD_A_KEY))
		return 0;
	n.src = AX_ATTR;
	n.a = a;
	n.oid[n.len++] = a->snmp_column;
	if ((rc = node_add(l, &n)) < 0 || n.t.base != MIB_B_INETADDR)
		return rc;
	n.src = AX_INETTYPE;
	n.oid[n.len - 1] = a->snmp_column + MIB_INETTYPE_OFFSET;
	return node_add(l, &n);
}

static int class_nodes(struct agentx *ax, struct node_list *l,
		       const struct schema_plugin *sp,
		       const struct schema_class *sc)
{
	struct ax_node tmpl = { .sp = sp, .sc = sc };
	int rc;

	tmpl.len = mib_class_oid(sp, sc, tmpl.oid);
	if (sc->cls->kind == MGMTD_COLLECTION) {
		tmpl.column = true;
		tmpl.rows = ax->n_sets++;
		tmpl.oid[tmpl.len++] = 1; /* the entry */
		if (sc->has_config) {
			struct ax_node rs = tmpl;
			rs.src = AX_ROWSTATUS;
			rs.oid[rs.len++] = MIB_ROWSTATUS_COLUMN;
			if ((rc = node_add(l, &rs)) < 0)
				return rc;
		}
	}
	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if ((rc = attr_nodes(l, &tmpl, a)) < 0)
			return rc;
	return 0;
}

static int daemon_nodes(struct agentx *ax, struct node_list *l)
{
	static const unsigned scalars[] = { MIB_D_VERSION, MIB_D_UPTIME,
					    MIB_D_CONFIG_VERSION,
					    MIB_D_CHANGE_TIME,
					    MIB_D_CHANGE_USER };
	static const unsigned columns[] = { MIB_P_NAME, MIB_P_VERSION,
					    MIB_P_STATE };
	struct ax_node n = { .src = AX_DAEMON };
	size_t base = mib_root(n.oid);
	int rc;

	n.oid[base] = MIB_DAEMON;
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		n.id = scalars[i];
		n.oid[base + 1] = scalars[i];
		n.len = base + 2;
		if ((rc = node_add(l, &n)) < 0)
			return rc;
	}
	n = (struct ax_node){ .src = AX_PLUGIN, .column = true,
			      .rows = ax->n_sets++ };
	mib_root(n.oid);
	n.oid[base] = MIB_DAEMON;
	n.oid[base + 1] = MIB_D_PLUGIN_TABLE;
	n.oid[base + 2] = 1;
	n.len = base + 4;
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		n.id = columns[i];
		n.oid[base + 3] = columns[i];
		if ((rc = node_add(l, &n)) < 0)
			return rc;
	}
	return 0;
}

int agentx_nodes_build(struct agentx *ax)
{
	const struct schema *s = &ax->core->schema;
	struct node_list l = { 0 };
	int rc = 0;

	ax->n_sets = 0;
	for (size_t p = 0; p < s->n_plugins && rc == 0; p++)
		for (size_t c = 0; c < s->plugins[p].n_classes && rc == 0; c++)
			rc = class_nodes(ax, &l, &s->plugins[p],
					 &s->plugins[p].classes[c]);
	if (rc == 0)
		rc = daemon_nodes(ax, &l);
	if (rc == 0) {
		ax->view.sets = calloc(ax->n_sets, sizeof(*ax->view.sets));
		if (!ax->view.sets)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		free(l.v);
		return rc;
	}
	qsort(l.v, l.n, sizeof(*l.v), node_cmp);
	/* Row sets were numbered in this order by class_nodes; the plugin
	 * table's comes last and keeps sc NULL. */
	for (size_t p = 0, k = 0; p < s->n_plugins; p++)
		for (size_t c = 0; c < s->plugins[p].n_classes; c++)
			if (s->plugins[p].classes[c].cls->kind == MGMTD_COLLECTION) {
				ax->view.sets[k].sp = &s->plugins[p];
				ax->view.sets[k++].sc = &s->plugins[p].classes[c];
			}
	ax->view.n_sets = ax->n_sets;
	ax->nodes = l.v;
	ax->n_nodes = l.n;
	return 0;
}

void agentx_nodes_free(struct agentx *ax)
{
	agentx_view_free(&ax->view);
	free(ax->view.sets);
	ax->view.sets = NULL;
	free(ax->nodes);
	ax->nodes = NULL;
	ax->n_nodes = 0;
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */

static void rows_free(struct ax_rowset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->rows[i].idx);
		free((char *)set->rows[i].key);
	}
	free(set->rows);
	set->rows = NULL;
	set->n = 0;
}

void agentx_view_free(struct ax_view *v)
{
	for (size_t i = 0; v->sets && i < v->n_sets; i++)
		rows_free(&v->sets[i]);
	snapshot_unref(v->snap);
	v->snap = NULL;
}

static int row_cmp(const void *x, const void *y)
{
	const struct ax_row *a = x, *b = y;

	return oid32_cmp(a->idx, a->idx_len, b->idx, b->idx_len);
}

static int row_add(struct ax_rowset *set, size_t *cap, const char *key,
		   json_t *cfg, json_t *st)
{
	uint32_t idx[MIB_MAX_OID];
	size_t len = 0;
	struct ax_row *r;
	int rc;

	rc = mib_index_encode(set->sc->key, key, idx, mib_index_max(), &len);
	if (rc < 0) {
		log_debug(SUBSYS, "%s.%s[%s]: no SNMP index (%s)", set->sp->name,
			  set->sc->cls->name, key,
			  rc == -ERANGE ? "too long" : "not a key value");
		return 0;
	}
	if (set->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct ax_row *v = realloc(set->rows, ncap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		set->rows = v;
		*cap = ncap;
	}
	r = &set->rows[set->n];
	*r = (struct ax_row){ .idx_len = len, .cfg = cfg, .st = st };
	r->idx = malloc(len * sizeof(*r->idx) + 1);
	r->key = strdup(key);
	if (!r->idx || !r->key) {
		free(r->idx);
		free((char *)r->key);
		return -ENOMEM;
	}
	memcpy(r->idx, idx, len * sizeof(*idx));
	set->n++;
	return 0;
}

/* A collection's rows: its config objects joined with their live state,
 * then objects that exist only in the live state. */
static int class_rows(struct ax_rowset *set, struct snapshot *s)
{
	const char *pn = set->sp->name, *cn = set->sc->cls->name;
	json_t *cfg = json_object_get(json_object_get(s->config, pn), cn);
	json_t *st = json_object_get(json_object_get(s->state, pn), cn);
	json_t *seen = json_object(), *obj;
	const char *k;
	char key[1024];
	size_t i, cap = 0;
	int rc = 0;

	json_array_foreach(cfg, i, obj) {
		if (types_scalar_text(json_object_get(obj, set->sc->key->name), key,
			     sizeof(key)) < 0)
			continue;
		json_object_set_new(seen, key, json_true());
		if ((rc = row_add(set, &cap, key, obj, json_object_get(st, key))) < 0)
			goto out;
	}
	json_object_foreach(st, k, obj) {
		if (!json_object_get(seen, k) &&
		    (rc = row_add(set, &cap, k, NULL, obj)) < 0)
			goto out;
	}
	qsort(set->rows, set->n, sizeof(*set->rows), row_cmp);
out:
	json_decref(seen);
	return rc;
}

static int plugin_rows(struct agentx *ax, struct ax_rowset *set)
{
	struct core *c = ax->core;

	set->rows = calloc(c->n_plugins + 1, sizeof(*set->rows));
	if (!set->rows)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_plugins; i++) {
		struct ax_row *r = &set->rows[set->n];
		r->idx = malloc(sizeof(*r->idx));
		if (!r->idx)
			return -ENOMEM;
		r->idx[0] = c->plugins[i]->desc->mib_arc;
		r->idx_len = 1;
		r->plugin = i;
		set->n++;
	}
	qsort(set->rows, set->n, sizeof(*set->rows), row_cmp);
	return 0;
}

int agentx_view_refresh(struct agentx *ax)
{
	struct snapshot *s = core_snapshot(ax->core);
	int rc = 0;

	if (!s || s == ax->view.snap) {
		snapshot_unref(s);
		return s ? 0 : -EAGAIN;
	}
	agentx_view_free(&ax->view);
	ax->view.snap = s;
	for (size_t i = 0; i < ax->view.n_sets && rc == 0; i++) {
		struct ax_rowset *set = &ax->view.sets[i];
		rc = set->sc ? class_rows(set, s) : plugin_rows(ax, set);
	}
	if (rc < 0) {
		log_err(SUBSYS, "cannot index version %u: %s", s->version,
			strerror(-rc));
		agentx_view_free(&ax->view);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

u_char agentx_asn_type(const struct ax_node *n)
{
	switch (n->src) {
	case AX_DAEMON:
		return n->id == MIB_D_UPTIME	       ? ASN_TIMETICKS
		       : n->id == MIB_D_CONFIG_VERSION ? ASN_UNSIGNED
						       : ASN_OCTET_STR;
	case AX_PLUGIN:
		return n->id == MIB_P_STATE ? ASN_INTEGER : ASN_OCTET_STR;
	case AX_ROWSTATUS:
	case AX_INETTYPE:
		return ASN_INTEGER;
	case AX_ATTR:
		break;
	}
	switch (n->t.base) {
	case MIB_B_INTEGER32:
	case MIB_B_TRUTH:
	case MIB_B_ENUM:
		return ASN_INTEGER;
	case MIB_B_UNSIGNED32:
		return ASN_UNSIGNED;
	case MIB_B_COUNTER64:
	case MIB_B_GAUGE64:
		return ASN_COUNTER64;
	default:
		return ASN_OCTET_STR;
	}
}

static void put_text(struct mib_value *v, const char *s)
{
	size_t n = strlen(s);

	v->kind = MIB_V_OCTETS;
	v->len = n < v->cap ? n : v->cap;
	memcpy(v->buf, s, v->len);
}

/* DateAndTime (RFC 2579), in UTC: 11 octets. */
static void date_and_time(struct mib_value *v, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	unsigned char *b = v->buf;

	gmtime_r(&t, &tm);
	v->kind = MIB_V_OCTETS;
	b[0] = (unsigned char)((tm.tm_year + 1900) >> 8);
	b[1] = (unsigned char)((tm.tm_year + 1900) & 0xff);
	b[2] = (unsigned char)(tm.tm_mon + 1);
	b[3] = (unsigned char)tm.tm_mday;
	b[4] = (unsigned char)tm.tm_hour;
	b[5] = (unsigned char)tm.tm_min;
	b[6] = (unsigned char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	b[7] = 0;
	b[8] = '+';
	b[9] = 0;
	b[10] = 0;
	v->len = 11;
}

static int daemon_value(struct agentx *ax, const struct ax_node *n,
			const struct ax_row *row, struct mib_value *v)
{
	struct snapshot *s = ax->view.snap;
	const struct plugin_handle *h;

	if (n->src == AX_PLUGIN) {
		h = ax->core->plugins[row->plugin];
		if (n->id == MIB_P_STATE) {
			v->kind = MIB_V_INT;
			v->i = h->initialized ? 1 : 2;
		} else {
			put_text(v, n->id == MIB_P_NAME ? h->desc->name
							: h->desc->version);
		}
		return 0;
	}
	switch (n->id) {
	case MIB_D_VERSION:
		put_text(v, agentx_mgmtd_version);
		return 0;
	case MIB_D_UPTIME:
		v->kind = MIB_V_UINT;
		v->u = (uint64_t)(core_realtime() - ax->core->start_time) * 100u;
		v->u &= 0xffffffffu;
		return 0;
	case MIB_D_CONFIG_VERSION:
		v->kind = MIB_V_UINT;
		v->u = s->version;
		return 0;
	case MIB_D_CHANGE_TIME:
		date_and_time(v, s->changed_time);
		return 0;
	case MIB_D_CHANGE_USER:
		put_text(v, s->changed_user);
		return 0;
	}
	return -ENOENT;
}

/* The value of node n in row (NULL for a scalar).  0 and *v, or -ENOENT
 * when that instance has none (an attribute not set). */
static int node_value(struct agentx *ax, const struct ax_node *n,
		      const struct ax_row *row, struct mib_value *v)
{
	json_t *obj, *val;

	*v = (struct mib_value){ .buf = ax->buf, .cap = sizeof(ax->buf) };
	if (n->src == AX_DAEMON || n->src == AX_PLUGIN)
		return daemon_value(ax, n, row, v);
	if (n->src == AX_ROWSTATUS) {
		v->kind = MIB_V_INT;
		v->i = MIB_RS_ACTIVE;
		return 0;
	}
	if (row) {
		obj = n->a->flags & MGMTD_A_CONFIG ? row->cfg : row->st;
	} else {
		json_t *root = n->a->flags & MGMTD_A_CONFIG ? ax->view.snap->config
							     : ax->view.snap->state;
		obj = json_object_get(json_object_get(root, n->sp->name),
				      n->sc->cls->name);
	}
	if (!(val = json_object_get(obj, n->a->name)))
		return -ENOENT;
	if (n->src == AX_INETTYPE) {
		v->kind = MIB_V_INT;
		v->i = json_is_string(val) && strchr(json_string_value(val), ':')
			       ? 2 : 1; /* ipv6(2), ipv4(1) */
		return 0;
	}
	if (mib_value_encode(n->a, &n->t, val, v) < 0) {
		log_debug(SUBSYS, "%s.%s.%s: value not representable",
			  n->sp->name, n->sc->cls->name, n->a->name);
		return -ENOENT;
	}
	return 0;
}

static void set_varbind(netsnmp_variable_list *vb, u_char asn,
			const struct mib_value *v)
{
	long l;
	u_long ul;
	struct counter64 c64;

	switch (v->kind) {
	case MIB_V_INT:
		l = (long)v->i;
		snmp_set_var_typed_value(vb, asn, &l, sizeof(l));
		break;
	case MIB_V_UINT:
		ul = (u_long)v->u;
		snmp_set_var_typed_value(vb, asn, &ul, sizeof(ul));
		break;
	case MIB_V_U64:
		c64.high = (u_long)(v->u >> 32);
		c64.low = (u_long)(v->u & 0xffffffffu);
		snmp_set_var_typed_value(vb, asn, &c64, sizeof(c64));
		break;
	case MIB_V_OCTETS:
		snmp_set_var_typed_value(vb, asn, v->buf, v->len);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

/* Where name lies relative to node n's region: -1 before it, 0 inside
 * (n's OID is a prefix of name), 1 after it. */
static int node_rel(const struct ax_node *n, const oid *name, size_t len)
{
	for (size_t i = 0; i < len && i < n->len; i++)
		if (name[i] != n->oid[i])
			return name[i] < n->oid[i] ? -1 : 1;
	return len < n->len ? -1 : 0;
}

static int idx_cmp(const uint32_t *a, size_t an, const oid *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

const struct ax_node *agentx_node_find(const struct agentx *ax,
				       const oid *name, size_t len)
{
	for (size_t i = 0; i < ax->n_nodes; i++)
		if (node_rel(&ax->nodes[i], name, len) == 0)
			return &ax->nodes[i];
	return NULL;
}

const struct ax_row *agentx_row_find(const struct agentx *ax,
				     const struct ax_node *n, const oid *idx,
				     size_t len)
{
	const struct ax_rowset *set = &ax->view.sets[n->rows];
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = idx_cmp(set->rows[mid].idx, set->rows[mid].idx_len, idx,
				len);
		if (c == 0)
			return &set->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* First row whose index sorts after idx. */
static size_t row_after(const struct ax_rowset *set, const oid *idx,
			size_t len)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx_cmp(set->rows[mid].idx, set->rows[mid].idx_len, idx,
			    len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void answer(netsnmp_variable_list *vb, const struct ax_node *n,
		   const uint32_t *idx, size_t idx_len,
		   const struct mib_value *v)
{
	oid name[MIB_MAX_OID];
	size_t len = 0;

	for (size_t i = 0; i < n->len; i++)
		name[len++] = n->oid[i];
	for (size_t i = 0; i < idx_len && len < MIB_MAX_OID; i++)
		name[len++] = idx[i];
	snmp_set_var_objid(vb, name, len);
	set_varbind(vb, agentx_asn_type(n), v);
}

static void do_get(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
		   netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	const struct ax_node *n = agentx_node_find(ax, vb->name, vb->name_length);
	const struct ax_row *row = NULL;
	struct mib_value v;
	static const uint32_t zero[] = { 0 };

	if (!n) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
		return;
	}
	if (n->column) {
		row = agentx_row_find(ax, n, vb->name + n->len,
				      vb->name_length - n->len);
		if (!row) {
			netsnmp_set_request_error(reqinfo, req,
						  SNMP_NOSUCHINSTANCE);
			return;
		}
	} else if (vb->name_length != n->len + 1 || vb->name[n->len] != 0) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		return;
	}
	if (node_value(ax, n, row, &v) < 0) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		return;
	}
	if (row)
		answer(vb, n, row->idx, row->idx_len, &v);
	else
		answer(vb, n, zero, 1, &v);
}

/* The first instance of node n after name (rel: where name lies). */
static bool next_in_node(struct agentx *ax, netsnmp_variable_list *vb,
			 const struct ax_node *n, int rel)
{
	static const uint32_t zero[] = { 0 };
	const struct ax_rowset *set;
	struct mib_value v;
	size_t i;

	if (!n->column) {
		if ((rel < 0 || vb->name_length == n->len) &&
		    node_value(ax, n, NULL, &v) == 0) {
			answer(vb, n, zero, 1, &v);
			return true;
		}
		return false;
	}
	set = &ax->view.sets[n->rows];
	i = rel < 0 ? 0
		    : row_after(set, vb->name + n->len, vb->name_length - n->len);
	for (; i < set->n; i++)
		if (node_value(ax, n, &set->rows[i], &v) == 0) {
			answer(vb, n, set->rows[i].idx, set->rows[i].idx_len, &v);
			return true;
		}
	return false;
}

static void do_getnext(struct agentx *ax, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;

	for (size_t i = 0; i < ax->n_nodes; i++) {
		int rel = node_rel(&ax->nodes[i], vb->name, vb->name_length);
		if (rel > 0)
			continue;
		if (next_in_node(ax, vb, &ax->nodes[i], rel))
			return;
	}
	/* Nothing after it here: the agent moves on past our subtree. */
}

int agentx_handler(netsnmp_mib_handler *handler,
		   netsnmp_handler_registration *reginfo,
		   netsnmp_agent_request_info *reqinfo,
		   netsnmp_request_info *requests)
{
	struct agentx *ax = handler->myvoid;

	if (reqinfo->mode != MODE_GET && reqinfo->mode != MODE_GETNEXT)
		return agentx_set(ax, reqinfo, requests);
	if (agentx_view_refresh(ax) < 0) {
		netsnmp_request_set_error_all(requests, SNMP_ERR_GENERR);
		return SNMP_ERR_NOERROR;
	}
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		if (r->processed)
			continue;
		if (reqinfo->mode == MODE_GET)
			do_get(ax, reqinfo, r);
		else
			do_getnext(ax, r);
	}
	return SNMP_ERR_NOERROR;
}
