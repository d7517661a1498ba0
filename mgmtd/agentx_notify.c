/* Notifications: events of severity warning or higher become
 * mgmtdEventNotification, committed versions mgmtdConfigChanged, sent
 * through the master agent (which forwards them to its trap sinks).
 *
 * The core calls its listeners in whatever thread raised the event or ran
 * the transaction (a REST worker, the collector), sometimes with txn_lock
 * held: they only queue a copy and wake the main loop through an eventfd;
 * Net-SNMP is only called from the main loop. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agentx_internal.h"
#include "log.h"

#define SUBSYS "snmp"
#define QUEUE_MAX 1000

struct ax_note {
	struct ax_note *next;
	bool commit;
	int severity;
	char plugin[64], object[256], message[1024];
	unsigned version;
	char user[64], interface[16], summary[256];
};

struct ax_notify {
	pthread_mutex_t lock;
	struct ax_note *head, *tail;
	size_t queued;
	unsigned long dropped;
	int efd;
	bool open;
};

/* The core has no way to remove a listener, and may call one from another
 * thread while the front end stops: the queue outlives the front end, as
 * a closed queue that drops what it is given. */
static struct ax_notify notify_queue = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.efd = -1,
};

static void enqueue(struct ax_notify *q, struct ax_note *n)
{
	uint64_t one = 1;
	bool wake = false;

	pthread_mutex_lock(&q->lock);
	if (!q->open || q->queued >= QUEUE_MAX) {
		q->dropped += q->open;
		free(n);
	} else {
		if (q->tail)
			q->tail->next = n;
		else
			q->head = n;
		q->tail = n;
		q->queued++;
		wake = true;
	}
	pthread_mutex_unlock(&q->lock);
	if (wake && write(q->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug(SUBSYS, "cannot wake the main loop: %s",
			  strerror(errno));
}

static void on_event(void *arg, enum mgmtd_severity sev, const char *plugin,
		     const char *object, const char *message)
{
	struct ax_note *n;

	if (sev > MGMTD_SEV_WARNING || !(n = calloc(1, sizeof(*n))))
		return;
	n->severity = (int)sev;
	snprintf(n->plugin, sizeof(n->plugin), "%s", plugin ? plugin : "");
	snprintf(n->object, sizeof(n->object), "%s", object ? object : "");
	snprintf(n->message, sizeof(n->message), "%s", message ? message : "");
	enqueue(arg, n);
}

static void on_commit(void *arg, unsigned version, const char *user,
		      const char *interface, const char *summary)
{
	struct ax_note *n = calloc(1, sizeof(*n));

	if (!n)
		return;
	n->commit = true;
	n->version = version;
	snprintf(n->user, sizeof(n->user), "%s", user ? user : "");
	snprintf(n->interface, sizeof(n->interface), "%s",
		 interface ? interface : "");
	snprintf(n->summary, sizeof(n->summary), "%s", summary ? summary : "");
	enqueue(arg, n);
}

/* ------------------------------------------------------------------ */

/* root.arcs..., ending in .0 for a scalar's instance. */
static size_t oid_under(oid *out, const unsigned *arcs, size_t n)
{
	uint32_t root[MIB_MAX_OID];
	size_t len = mib_root(root);

	for (size_t i = 0; i < len; i++)
		out[i] = root[i];
	for (size_t i = 0; i < n; i++)
		out[len + i] = arcs[i];
	return len + n;
}

static void add_text(netsnmp_variable_list **vars, const unsigned *arcs,
		     size_t n, const char *text)
{
	oid name[MIB_MAX_OID];
	size_t len = oid_under(name, arcs, n);

	snmp_varlist_add_variable(vars, name, len, ASN_OCTET_STR, text,
				  strlen(text));
}

static void add_uint(netsnmp_variable_list **vars, const unsigned *arcs,
		     size_t n, u_char type, unsigned long v)
{
	oid name[MIB_MAX_OID];
	size_t len = oid_under(name, arcs, n);

	snmp_varlist_add_variable(vars, name, len, type, &v, sizeof(v));
}

static void send_note(const struct ax_note *n)
{
	static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	netsnmp_variable_list *vars = NULL;
	oid which[MIB_MAX_OID];
	unsigned arc[] = { MIB_NOTIFICATIONS,
			   n->commit ? MIB_NOTIF_CONFIG_CHANGED : MIB_NOTIF_EVENT };
	size_t len = oid_under(which, arc, 2);

	snmp_varlist_add_variable(&vars, trap_oid, OID_LENGTH(trap_oid),
				  ASN_OBJECT_ID, which, len * sizeof(oid));
	if (n->commit) {
		add_uint(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_CONFIG_VERSION, 0 },
			 3, ASN_UNSIGNED, n->version);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_CHANGE_USER, 0 },
			 3, n->user);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_INTERFACE, 0 },
			 4, n->interface);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_SUMMARY, 0 },
			 4, n->summary);
	} else {
		add_uint(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_SEVERITY, 0 },
			 4, ASN_INTEGER, (unsigned long)n->severity + 1);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_PLUGIN, 0 },
			 4, n->plugin);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_OBJECT, 0 },
			 4, n->object);
		add_text(&vars, (unsigned[]){ MIB_DAEMON, MIB_D_NOTIFY_OBJECTS,
					      MIB_N_MESSAGE, 0 },
			 4, n->message);
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

static void drain(int fd, short revents, void *arg)
{
	struct agentx *ax = arg;
	struct ax_notify *q = &notify_queue;
	struct ax_note *list, *next;
	unsigned long dropped;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&q->lock);
	list = q->head;
	q->head = q->tail = NULL;
	q->queued = 0;
	dropped = q->dropped;
	q->dropped = 0;
	pthread_mutex_unlock(&q->lock);
	if (dropped)
		log_warn(SUBSYS, "%lu notifications dropped (queue full)",
			 dropped);
	for (; list; list = next) {
		next = list->next;
		if (ax->connected)
			send_note(list);
		else
			log_debug(SUBSYS, "not connected to the master agent: "
					  "notification not sent");
		free(list);
	}
}

int agentx_notify_start(struct agentx *ax)
{
	struct ax_notify *q = &notify_queue;
	struct core_listener l = { .on_event = on_event,
				   .on_commit = on_commit, .arg = q };
	static bool registered;
	int rc;

	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0)
		return -errno;
	if ((rc = loop_add_fd(ax->loop, q->efd, POLLIN, drain, ax)) < 0)
		goto fail;
	if (!registered && (rc = core_add_listener(ax->core, &l)) < 0) {
		loop_del_fd(ax->loop, q->efd);
		goto fail;
	}
	registered = true;
	pthread_mutex_lock(&q->lock);
	q->open = true;
	pthread_mutex_unlock(&q->lock);
	ax->notify = q;
	return 0;
fail:
	close(q->efd);
	q->efd = -1;
	return rc;
}

void agentx_notify_stop(struct agentx *ax)
{
	struct ax_notify *q = ax->notify;
	struct ax_note *list, *next;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->open = false;
	list = q->head;
	q->head = q->tail = NULL;
	q->queued = 0;
	pthread_mutex_unlock(&q->lock);
	for (; list; list = next) {
		next = list->next;
		free(list);
	}
	loop_del_fd(ax->loop, q->efd);
	/* A listener in another thread may be about to write: keep the fd
	 * number from being reused under it until the process ends. */
	ax->notify = NULL;
}
