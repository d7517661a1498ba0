/* A small poll(2) loop with timers. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"

#define LOOP_MAX_FDS 256
#define LOOP_MAX_TIMERS 32
#define LOOP_MAX_PREPARE 8

struct loop_fd {
	int fd;
	short events;
	loop_fd_cb cb;
	void *arg;
};

struct loop_timer {
	int id; /* 0: free slot */
	int64_t due;
	unsigned interval;
	loop_timer_cb cb;
	void *arg;
};

struct loop {
	struct loop_fd fds[LOOP_MAX_FDS];
	size_t n_fds;
	struct loop_timer timers[LOOP_MAX_TIMERS];
	int next_id;
	struct {
		loop_prepare_cb cb;
		void *arg;
	} prepare[LOOP_MAX_PREPARE];
	size_t n_prepare;
	bool stop;
};

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	*out = l;
	return 0;
}

void loop_free(struct loop *l)
{
	free(l);
}

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb,
		void *arg)
{
	for (size_t i = 0; i < l->n_fds; i++)
		if (l->fds[i].fd == fd) {
			l->fds[i] = (struct loop_fd){ fd, events, cb, arg };
			return 0;
		}
	if (l->n_fds == LOOP_MAX_FDS)
		return -EMFILE;
	l->fds[l->n_fds++] = (struct loop_fd){ fd, events, cb, arg };
	return 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->n_fds; i++)
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->n_fds];
			return;
		}
}

int loop_add_timer(struct loop *l, unsigned delay_ms, unsigned interval_ms,
		   loop_timer_cb cb, void *arg)
{
	for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
		struct loop_timer *t = &l->timers[i];
		if (t->id)
			continue;
		*t = (struct loop_timer){
			.id = ++l->next_id,
			.due = loop_now_ms() + delay_ms,
			.interval = interval_ms,
			.cb = cb,
			.arg = arg,
		};
		return t->id;
	}
	return -ENOSPC;
}

void loop_del_timer(struct loop *l, int id)
{
	for (size_t i = 0; i < LOOP_MAX_TIMERS; i++)
		if (l->timers[i].id == id)
			l->timers[i].id = 0;
}

int loop_add_prepare(struct loop *l, loop_prepare_cb cb, void *arg)
{
	if (l->n_prepare == LOOP_MAX_PREPARE)
		return -ENOSPC;
	l->prepare[l->n_prepare].cb = cb;
	l->prepare[l->n_prepare++].arg = arg;
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

/* Fire due timers; returns the delay until the next one (-1: none). */
static int run_timers(struct loop *l)
{
	int64_t now = loop_now_ms(), next = -1;

	for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
		struct loop_timer *t = &l->timers[i];
		if (!t->id || t->due > now)
			continue;
		loop_timer_cb cb = t->cb;
		void *arg = t->arg;
		if (t->interval)
			t->due = now + t->interval;
		else
			t->id = 0;
		cb(arg);
	}
	now = loop_now_ms();
	for (size_t i = 0; i < LOOP_MAX_TIMERS; i++) {
		struct loop_timer *t = &l->timers[i];
		if (t->id && (next < 0 || t->due - now < next))
			next = t->due > now ? t->due - now : 0;
	}
	return (int)next;
}

int loop_run(struct loop *l)
{
	struct pollfd pfd[LOOP_MAX_FDS];

	l->stop = false;
	while (!l->stop) {
		int timeout = run_timers(l), n;
		size_t count;

		for (size_t i = 0; i < l->n_prepare; i++)
			l->prepare[i].cb(l, &timeout, l->prepare[i].arg);
		if (l->stop)
			break;
		count = l->n_fds;
		for (size_t i = 0; i < count; i++)
			pfd[i] = (struct pollfd){ .fd = l->fds[i].fd,
						  .events = l->fds[i].events };
		n = poll(pfd, count, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (size_t i = 0; i < count && n > 0 && !l->stop; i++) {
			if (!pfd[i].revents)
				continue;
			n--;
			/* Callbacks may change the table: look the fd up again. */
			for (size_t j = 0; j < l->n_fds; j++)
				if (l->fds[j].fd == pfd[i].fd) {
					l->fds[j].cb(pfd[i].fd, pfd[i].revents,
						     l->fds[j].arg);
					break;
				}
		}
	}
	return 0;
}
