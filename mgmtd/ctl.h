/* The local control socket: JSON requests, one per line, from mgmtctl and
 * tests.  Only root (or mgmtd's own user) may connect; the caller's user
 * name, from the kernel's peer credentials, is what the journal records. */
#ifndef MGMTD_CTL_H
#define MGMTD_CTL_H

#include "core.h"
#include "loop.h"

struct ctl;

int ctl_open(struct core *c, struct loop *l, const char *path,
	     struct ctl **out);
void ctl_close(struct ctl *ctl);

#endif
