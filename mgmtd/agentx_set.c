/* Writes: an SNMP SET is one transaction, like a REST change.
 *
 * AgentX splits a SET into TestSet, CommitSet, UndoSet and CleanupSet;
 * Net-SNMP's subagent turns them into these modes, one PDU each (so the
 * state of a SET lives here, keyed by its transaction id):
 *
 *   RESERVE1  (TestSet)    each varbind alone: is it a writable object,
 *                          of the right ASN.1 type, a valid value of the
 *                          attribute?  wrongType, wrongLength, wrongValue,
 *                          notWritable, noCreation.
 *   RESERVE2  (TestSet)    the varbinds together: apply them to a copy of
 *                          the running configuration and validate it (the
 *                          core's rules and every plugin's validate); no
 *                          side effect.  inconsistentValue, noCreation.
 *   ACTION    (CommitSet)  run the transaction: validate, prepare, apply,
 *                          commit a new version, journaled with interface
 *                          "snmp".  A failure (a tool refused) aborts with
 *                          nothing changed: resourceUnavailable.
 *   COMMIT    (CleanupSet) nothing left to do.
 *   UNDO      (UndoSet)    another part of the same SET failed after our
 *                          ACTION: roll back to the version before it (a
 *                          transaction too, journaled).
 *   FREE                   forget the SET.
 *
 * AgentX does not carry the requester's security name, only the SNMP
 * context: the journal's user is the context name when the request has one
 * (snmpd's VACM gives each read-write user write access in its own context
 * only), "snmp" otherwise. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentx_internal.h"
#include "err.h"
#include "log.h"
#include "txn.h"

#define SUBSYS "snmp"

struct ax_set_item {
	const struct ax_node *node;
	char key[1024];   /* collections */
	json_t *value;    /* the attribute's new value; JSON null removes */
	int rowstatus;    /* a RowStatus varbind's value, else 0 */
	char path[MGMTD_ERR_PATH_LEN];
};

struct ax_set_state {
	long transid;
	struct ax_set_item *items;
	size_t n;
	bool committed;
	unsigned version_before;
	char user[64];
	int fail_item;    /* set by apply_items: the varbind to blame */
};

static void state_free(struct ax_set_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		json_decref(st->items[i].value);
	free(st->items);
	free(st);
}

void agentx_set_free(struct agentx *ax)
{
	state_free(ax->set);
	ax->set = NULL;
}

/* ------------------------------------------------------------------ */
/* Editing a tree                                                       */

static json_t *obj_in(json_t *parent, const char *name, bool array)
{
	json_t *o = json_object_get(parent, name);

	if (!o) {
		o = array ? json_array() : json_object();
		json_object_set_new(parent, name, o);
	}
	return o;
}

static json_t *find_row(json_t *arr, const struct mgmtd_attr *key,
			const char *text, size_t *index)
{
	char buf[1024];
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o) {
		if (types_scalar_text(json_object_get(o, key->name), buf,
				    sizeof(buf)) == 0 &&
		    strcmp(buf, text) == 0) {
			if (index)
				*index = i;
			return o;
		}
	}
	return NULL;
}

static json_t *key_json(const struct mgmtd_attr *key, const char *text)
{
	if (key->type == MGMTD_T_INT)
		return json_integer(strtoll(text, NULL, 10));
	if (key->type == MGMTD_T_BOOL)
		return json_boolean(strcmp(text, "true") == 0);
	return json_string(text);
}

static int fail(struct ax_set_state *st, size_t i, struct mgmtd_err *err,
		enum mgmtd_err_code code, const char *msg)
{
	st->fail_item = (int)i;
	return mgmtd_err_add(err, code, st->items[i].path, "%s", msg);
}

static int apply_rowstatus(struct ax_set_state *st, size_t i, json_t *tree,
			   struct mgmtd_err *err)
{
	const struct ax_set_item *it = &st->items[i];
	const struct schema_class *sc = it->node->sc;
	json_t *arr = obj_in(obj_in(tree, it->node->sp->name, false),
			     sc->cls->name, true);
	size_t idx = 0;
	json_t *row = find_row(arr, sc->key, it->key, &idx), *o;

	switch (it->rowstatus) {
	case MIB_RS_CREATE_AND_GO:
		if (row)
			return fail(st, i, err, MGMTD_E_CONFLICT,
				    "already exists");
		o = json_object();
		json_object_set_new(o, sc->key->name, key_json(sc->key, it->key));
		json_array_append_new(arr, o);
		return 0;
	case MIB_RS_DESTROY:
		for (size_t j = 0; j < st->n; j++)
			if (!st->items[j].rowstatus &&
			    st->items[j].node->sc == sc &&
			    strcmp(st->items[j].key, it->key) == 0)
				return fail(st, j, err, MGMTD_E_INCONSISTENT,
					    "written in the request that "
					    "destroys its row");
		if (row)
			json_array_remove(arr, idx);
		return 0;
	default: /* active */
		return row ? 0
			   : fail(st, i, err, MGMTD_E_INCONSISTENT,
				  "no such row");
	}
}

static int apply_value(struct ax_set_state *st, size_t i, json_t *tree,
		       struct mgmtd_err *err)
{
	const struct ax_set_item *it = &st->items[i];
	const struct ax_node *n = it->node;
	json_t *plugin = obj_in(tree, n->sp->name, false), *obj;

	if (n->sc->cls->kind == MGMTD_SINGLETON) {
		obj = obj_in(plugin, n->sc->cls->name, false);
	} else {
		obj = find_row(obj_in(plugin, n->sc->cls->name, true),
			       n->sc->key, it->key, NULL);
		if (!obj)
			return fail(st, i, err, MGMTD_E_NOT_FOUND,
				    "no such row (create it with createAndGo "
				    "on its RowStatus)");
	}
	if (json_is_null(it->value))
		json_object_del(obj, n->a->name);
	else
		json_object_set(obj, n->a->name, it->value);
	return 0;
}

/* Rows first (create, destroy), then values: a txn_edit_fn. */
static int apply_items(json_t *tree, void *arg, struct mgmtd_err *err)
{
	struct ax_set_state *st = arg;
	int rc;

	st->fail_item = -1;
	for (size_t i = 0; i < st->n; i++)
		if (st->items[i].rowstatus &&
		    (rc = apply_rowstatus(st, i, tree, err)) < 0)
			return rc;
	for (size_t i = 0; i < st->n; i++)
		if (!st->items[i].rowstatus &&
		    (rc = apply_value(st, i, tree, err)) < 0)
			return rc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */

static int status_of(enum mgmtd_err_code code)
{
	switch (code) {
	case MGMTD_E_INVALID:
	case MGMTD_E_INCONSISTENT:
	case MGMTD_E_CONFLICT:
		return SNMP_ERR_INCONSISTENTVALUE;
	case MGMTD_E_NOT_FOUND:
		return SNMP_ERR_NOCREATION;
	case MGMTD_E_NOT_WRITABLE:
		return SNMP_ERR_NOTWRITABLE;
	default:
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
}

/* The varbind an error is about: the one apply_items blamed, else the
 * first whose object the error's path names. */
static size_t blamed(const struct ax_set_state *st,
		     const struct mgmtd_err *err)
{
	const char *path = err->count ? err->items[0].path : "";

	if (st->fail_item >= 0)
		return (size_t)st->fail_item;
	for (size_t i = 0; i < st->n; i++) {
		size_t n = strlen(st->items[i].path);
		if (strncmp(path, st->items[i].path, n) == 0 &&
		    (path[n] == '\0' || path[n] == '.' || path[n] == '['))
			return i;
	}
	for (size_t i = 0; i < st->n; i++)
		if (strncmp(st->items[i].path, path, strlen(path)) == 0)
			return i;
	return 0;
}

static void set_error_at(netsnmp_agent_request_info *reqinfo,
			 netsnmp_request_info *requests, size_t at, int status)
{
	netsnmp_request_info *r = requests;

	for (size_t i = 0; r->next && i < at; i++)
		r = r->next;
	netsnmp_set_request_error(reqinfo, r, status);
}

static void what_of(const struct ax_set_state *st, char *buf, size_t len)
{
	static const char *const rs[] = { "", "active", "notInService",
					  "notReady", "createAndGo",
					  "createAndWait", "destroy" };
	size_t n = (size_t)snprintf(buf, len, "snmp set");

	for (size_t i = 0; i < st->n && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s %s%s%s",
				      i ? "," : "", st->items[i].path,
				      st->items[i].rowstatus ? " " : "",
				      st->items[i].rowstatus
					      ? rs[st->items[i].rowstatus] : "");
}

/* A SET refused before any transaction ran is journaled all the same. */
static void journal_refusal(struct agentx *ax, const struct ax_set_state *st,
			    const char *result)
{
	char what[1024];

	what_of(st, what, sizeof(what));
	log_notice(SUBSYS, "refused %s by %s: %s", what, st->user, result);
	if (ax->core->commands)
		journal_append_command(ax->core->commands, st->user, "agentx",
				       "snmp", what, result, 0);
}

/* ------------------------------------------------------------------ */
/* RESERVE1: each varbind alone                                         */

static int vb_value(const netsnmp_variable_list *vb, struct mib_value *v)
{
	switch (vb->type) {
	case ASN_INTEGER:
		*v = (struct mib_value){ .kind = MIB_V_INT, .i = *vb->val.integer };
		return 0;
	case ASN_UNSIGNED: /* == ASN_GAUGE */
		*v = (struct mib_value){ .kind = MIB_V_UINT,
					 .u = (u_long)*vb->val.integer };
		return 0;
	case ASN_OCTET_STR:
		*v = (struct mib_value){ .kind = MIB_V_OCTETS,
					 .buf = vb->val.string,
					 .len = vb->val_len, .cap = vb->val_len };
		return 0;
	default:
		return -EINVAL;
	}
}

static int check_rowstatus(const netsnmp_variable_list *vb,
			   struct ax_set_item *it)
{
	if (vb->type != ASN_INTEGER)
		return SNMP_ERR_WRONGTYPE;
	switch (*vb->val.integer) {
	case MIB_RS_ACTIVE:
	case MIB_RS_CREATE_AND_GO:
	case MIB_RS_DESTROY:
		it->rowstatus = (int)*vb->val.integer;
		return SNMP_ERR_NOERROR;
	default:
		/* createAndWait and notInService need rows that exist
		 * without being in service: objects here are either. */
		return SNMP_ERR_WRONGVALUE;
	}
}

static int check_value(const netsnmp_variable_list *vb,
		       struct ax_set_item *it, char *msg, size_t msglen)
{
	const struct ax_node *n = it->node;
	struct mib_value v;

	if (!n->t.writable)
		return SNMP_ERR_NOTWRITABLE;
	if (vb_value(vb, &v) < 0)
		return SNMP_ERR_WRONGTYPE;
	switch (mib_value_decode(n->a, &n->t, &v, &it->value, msg, msglen)) {
	case MIB_SET_OK:
		return SNMP_ERR_NOERROR;
	case MIB_SET_WRONG_TYPE:
		return SNMP_ERR_WRONGTYPE;
	case MIB_SET_WRONG_LENGTH:
		return SNMP_ERR_WRONGLENGTH;
	default:
		return SNMP_ERR_WRONGVALUE;
	}
}

/* Map one varbind onto an item; an SNMP error status if it cannot be. */
static int check_varbind(struct agentx *ax, const netsnmp_variable_list *vb,
			 struct ax_set_item *it, char *msg, size_t msglen)
{
	const struct ax_node *n = agentx_node_find(ax, vb->name, vb->name_length);
	uint32_t idx[MIB_MAX_OID];
	size_t len;

	if (!n)
		return SNMP_ERR_NOCREATION;
	it->node = n;
	if (n->src == AX_DAEMON || n->src == AX_PLUGIN || n->src == AX_INETTYPE)
		return SNMP_ERR_NOTWRITABLE;
	len = vb->name_length - n->len;
	if (!n->column) {
		if (len != 1 || vb->name[n->len] != 0)
			return SNMP_ERR_NOCREATION;
		snprintf(it->path, sizeof(it->path), "%s.%s.%s", n->sp->name,
			 n->sc->cls->name, n->a->name);
		return check_value(vb, it, msg, msglen);
	}
	for (size_t i = 0; i < len && i < MIB_MAX_OID; i++)
		idx[i] = vb->name[n->len + i] > UINT32_MAX
				 ? UINT32_MAX : (uint32_t)vb->name[n->len + i];
	if (len > mib_index_max() ||
	    mib_index_decode(n->sc->key, idx, len, it->key, sizeof(it->key)) < 0)
		return SNMP_ERR_NOCREATION;
	if (n->src == AX_ROWSTATUS) {
		schema_object_path(it->path, sizeof(it->path), n->sp->name,
				   n->sc->cls->name, it->key);
		return check_rowstatus(vb, it);
	}
	snprintf(it->path, sizeof(it->path), "%s.%s[%s].%s", n->sp->name,
		 n->sc->cls->name, it->key, n->a->name);
	return check_value(vb, it, msg, msglen);
}

static void user_of(netsnmp_agent_request_info *reqinfo, char *buf,
		    size_t len)
{
	netsnmp_pdu *pdu = reqinfo->asp ? reqinfo->asp->pdu : NULL;

	if (pdu && pdu->contextName && pdu->contextNameLen > 0)
		snprintf(buf, len, "%.*s", (int)pdu->contextNameLen,
			 pdu->contextName);
	else
		snprintf(buf, len, "snmp");
}

/* SNMP's name of an error status, for the journal. */
static const char *status_name(int status)
{
	switch (status) {
	case SNMP_ERR_WRONGTYPE: return "wrongType";
	case SNMP_ERR_WRONGLENGTH: return "wrongLength";
	case SNMP_ERR_WRONGVALUE: return "wrongValue";
	case SNMP_ERR_NOTWRITABLE: return "notWritable";
	case SNMP_ERR_NOCREATION: return "noCreation";
	case SNMP_ERR_INCONSISTENTVALUE: return "inconsistentValue";
	case SNMP_ERR_RESOURCEUNAVAILABLE: return "resourceUnavailable";
	default: return "genErr";
	}
}

static int reserve1(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *requests)
{
	struct ax_set_state *st = calloc(1, sizeof(*st));
	size_t n = 0, i = 0;
	char msg[MGMTD_ERR_MSG_LEN], result[MGMTD_ERR_MSG_LEN + 64];
	int status = SNMP_ERR_NOERROR;

	for (netsnmp_request_info *r = requests; r; r = r->next)
		n++;
	agentx_set_free(ax);
	if (!st || !(st->items = calloc(n + 1, sizeof(*st->items)))) {
		free(st);
		netsnmp_request_set_error_all(requests,
					      SNMP_ERR_RESOURCEUNAVAILABLE);
		return SNMP_ERR_NOERROR;
	}
	ax->set = st;
	st->transid = reqinfo->asp && reqinfo->asp->pdu
			      ? reqinfo->asp->pdu->transid : 0;
	st->n = n;
	st->fail_item = -1;
	user_of(reqinfo, st->user, sizeof(st->user));
	for (netsnmp_request_info *r = requests; r; r = r->next, i++) {
		msg[0] = '\0';
		status = check_varbind(ax, r->requestvb, &st->items[i], msg,
				       sizeof(msg));
		if (status != SNMP_ERR_NOERROR) {
			netsnmp_set_request_error(reqinfo, r, status);
			snprintf(result, sizeof(result), "%s: %s%s%s",
				 status_name(status),
				 st->items[i].path[0] ? st->items[i].path
						      : "(no object)",
				 msg[0] ? ": " : "", msg);
			st->n = i + 1;
			journal_refusal(ax, st, result);
			return SNMP_ERR_NOERROR;
		}
	}
	return SNMP_ERR_NOERROR;
}

/* ------------------------------------------------------------------ */
/* RESERVE2, ACTION, UNDO                                               */

static void report(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
		   netsnmp_request_info *requests,
		   const struct mgmtd_err *err, bool journal)
{
	struct ax_set_state *st = ax->set;
	enum mgmtd_err_code code = err->count ? err->items[0].code
					      : MGMTD_E_FAILED;
	char result[MGMTD_ERR_PATH_LEN + MGMTD_ERR_MSG_LEN + 64];

	snprintf(result, sizeof(result), "%s: %s: %s", err_code_name(code),
		 err->count ? err->items[0].path : "",
		 err->count ? err->items[0].message : "failed");
	if (journal)
		journal_refusal(ax, st, result);
	set_error_at(reqinfo, requests, blamed(st, err), status_of(code));
}

static int reserve2(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *requests)
{
	struct mgmtd_err err = { 0 };
	struct snapshot *s = core_snapshot(ax->core);
	json_t *cand = json_deep_copy(s->config);
	int rc;

	snapshot_unref(s);
	if (!cand) {
		netsnmp_request_set_error_all(requests,
					      SNMP_ERR_RESOURCEUNAVAILABLE);
		return SNMP_ERR_NOERROR;
	}
	rc = apply_items(cand, ax->set, &err);
	if (rc == 0)
		rc = txn_validate(ax->core, cand, &err);
	json_decref(cand);
	if (rc < 0)
		report(ax, reqinfo, requests, &err, true);
	return SNMP_ERR_NOERROR;
}

static int action(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
		  netsnmp_request_info *requests)
{
	struct ax_set_state *st = ax->set;
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	char what[1024];
	struct txn_request rq = { .user = st->user, .source = "agentx",
				  .interface = "snmp", .what = what };
	int rc;

	what_of(st, what, sizeof(what));
	rc = txn_edit(ax->core, apply_items, st, &rq, &res, &err);
	if (rc < 0) {
		/* The transaction journaled its refusal itself. */
		report(ax, reqinfo, requests, &err, false);
		return SNMP_ERR_NOERROR;
	}
	st->committed = res.changed;
	st->version_before = res.version - 1;
	txn_result_fini(&res);
	return SNMP_ERR_NOERROR;
}

static void undo(struct agentx *ax)
{
	struct ax_set_state *st = ax->set;
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	struct txn_request rq = { .user = st->user, .source = "agentx",
				  .interface = "snmp",
				  .summary = "undo of a failed SNMP set" };

	if (!st->committed)
		return;
	if (txn_rollback(ax->core, st->version_before, &rq, &res, &err) < 0)
		log_err(SUBSYS, "cannot undo a failed SET: %s",
			err.count ? err.items[0].message : "rollback failed");
	txn_result_fini(&res);
}

int agentx_set(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
	       netsnmp_request_info *requests)
{
	long transid = reqinfo->asp && reqinfo->asp->pdu
			       ? reqinfo->asp->pdu->transid : 0;

	if (reqinfo->mode == MODE_SET_RESERVE1)
		return reserve1(ax, reqinfo, requests);
	if (!ax->set || ax->set->transid != transid) {
		/* Phases of a SET we never saw start: nothing to do. */
		if (reqinfo->mode == MODE_SET_RESERVE2 ||
		    reqinfo->mode == MODE_SET_ACTION)
			netsnmp_request_set_error_all(requests, SNMP_ERR_GENERR);
		return SNMP_ERR_NOERROR;
	}
	switch (reqinfo->mode) {
	case MODE_SET_RESERVE2:
		return reserve2(ax, reqinfo, requests);
	case MODE_SET_ACTION:
		return action(ax, reqinfo, requests);
	case MODE_SET_UNDO:
		undo(ax);
		agentx_set_free(ax);
		break;
	case MODE_SET_COMMIT:
	case MODE_SET_FREE:
		agentx_set_free(ax);
		break;
	}
	return SNMP_ERR_NOERROR;
}
