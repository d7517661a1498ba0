/* The MIB module text, generated from the loaded plugins' schemas
 * (mgmtd --dump-mib; snmp-mib/MGMTD-MIB.txt is the checked-in copy). */
#ifndef MGMTD_MIB_GEN_H
#define MGMTD_MIB_GEN_H

#include <stdio.h>

#include "schema.h"

/* Write the whole module for schema s (borrowed) to out.  The text
 * depends only on the schema: plugins in the order of their arcs, classes
 * in the order of their tables, attributes in the order of their columns.
 * Returns 0 or a negative errno. */
int mib_gen_write(const struct schema *s, FILE *out);

#endif
