/* Serialised list pages, kept per published snapshot: a snapshot never
 * changes, so the text of a page of it never does either, and a busy
 * client polling a large collection costs a copy instead of building
 * and encoding every object again.  A new snapshot (a commit, or the
 * collect timer) makes every entry stale; they are replaced as they are
 * asked for. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rest_internal.h"

#define CACHE_SLOTS 8

struct cache_entry {
	struct snapshot *snap; /* a reference: pins the identity */
	const void *what;      /* the class */
	long long offset, limit;
	char *text;
	size_t len;
};

struct rest_cache {
	pthread_mutex_t lock;
	struct cache_entry e[CACHE_SLOTS];
	unsigned next;
};

int rest_cache_new(struct rest_cache **out)
{
	struct rest_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void entry_clear(struct cache_entry *e)
{
	if (e->snap)
		snapshot_unref(e->snap);
	free(e->text);
	memset(e, 0, sizeof(*e));
}

void rest_cache_free(struct rest_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		entry_clear(&c->e[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

char *rest_cache_get(struct rest_cache *c, struct snapshot *s,
		     const void *what, long long offset, long long limit,
		     size_t *len)
{
	char *copy = NULL;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cache_entry *e = &c->e[i];
		if (e->snap == s && e->what == what && e->offset == offset &&
		    e->limit == limit) {
			if ((copy = malloc(e->len + 1))) {
				memcpy(copy, e->text, e->len + 1);
				*len = e->len;
			}
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return copy;
}

void rest_cache_put(struct rest_cache *c, struct snapshot *s,
		    const void *what, long long offset, long long limit,
		    const char *text, size_t len)
{
	struct cache_entry *slot = NULL;
	char *copy = malloc(len + 1);

	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	pthread_mutex_lock(&c->lock);
	/* Entries of older snapshots go first: they are never read again. */
	for (size_t i = 0; i < CACHE_SLOTS && !slot; i++)
		if (!c->e[i].snap || c->e[i].snap->version != s->version ||
		    c->e[i].snap != s)
			slot = &c->e[i];
	if (!slot)
		slot = &c->e[c->next++ % CACHE_SLOTS];
	entry_clear(slot);
	*slot = (struct cache_entry){
		.snap = snapshot_ref(s), .what = what, .offset = offset,
		.limit = limit, .text = copy, .len = len,
	};
	pthread_mutex_unlock(&c->lock);
}
