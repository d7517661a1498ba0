/* A plugin built for another ABI: the loader must refuse it unread. */
#include "config.h"

#include "mgmtd/plugin.h"

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI + 1000,
	.name = "badabi",
};
