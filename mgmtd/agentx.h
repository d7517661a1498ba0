/* The SNMP front end (AgentX subagent), built with --enable-snmp. */
#ifndef MGMTD_AGENTX_H
#define MGMTD_AGENTX_H

#include "frontend.h"

/* Started by frontend_start_all when the daemon config has an snmp
 * group; see agentx.c for its settings. */
extern const struct frontend agentx_frontend;

#endif
