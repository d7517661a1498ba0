/* The main loop: file descriptors and timers, poll(2), one thread.  Other
 * subsystems (the control socket, later AgentX and the REST server's
 * wake-ups) register here; nothing polls on its own. */
#ifndef MGMTD_LOOP_H
#define MGMTD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

typedef void (*loop_fd_cb)(int fd, short revents, void *arg);
typedef void (*loop_timer_cb)(void *arg);
/* Called before each poll: may add or remove fds and adjust *timeout_ms
 * downwards (AgentX uses it for snmp_select_info2). */
typedef void (*loop_prepare_cb)(struct loop *l, int *timeout_ms, void *arg);

int loop_new(struct loop **out);
void loop_free(struct loop *l);

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb,
		void *arg);
void loop_del_fd(struct loop *l, int fd);
/* A timer firing every interval_ms (0: once, after delay_ms).  Returns an
 * id > 0, or a negative errno. */
int loop_add_timer(struct loop *l, unsigned delay_ms, unsigned interval_ms,
		   loop_timer_cb cb, void *arg);
void loop_del_timer(struct loop *l, int id);
int loop_add_prepare(struct loop *l, loop_prepare_cb cb, void *arg);

/* Run until loop_stop.  Returns 0 or a negative errno from poll. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
