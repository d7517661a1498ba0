/* What a plugin can ask of the core through its context. */
#include "config.h"

#include <stdio.h>

#include "core.h"
#include "log.h"

const char *mgmtd_ctx_name(const struct mgmtd_ctx *ctx)
{
	return ctx->desc->name;
}

const char *mgmtd_ctx_setting_str(const struct mgmtd_ctx *ctx,
				  const char *key, const char *def)
{
	const char *v;

	if (ctx->settings &&
	    config_setting_lookup_string(ctx->settings, key, &v) == CONFIG_TRUE)
		return v;
	return def;
}

int64_t mgmtd_ctx_setting_int(const struct mgmtd_ctx *ctx, const char *key,
			      int64_t def)
{
	long long v;
	int b;

	if (!ctx->settings)
		return def;
	if (config_setting_lookup_int64(ctx->settings, key, &v) == CONFIG_TRUE)
		return v;
	if (config_setting_lookup_bool(ctx->settings, key, &b) == CONFIG_TRUE)
		return b;
	return def;
}

const char *mgmtd_ctx_state_dir(const struct mgmtd_ctx *ctx)
{
	return ctx->state_dir;
}

void mgmtd_ctx_set_priv(struct mgmtd_ctx *ctx, void *priv)
{
	ctx->priv = priv;
}

void *mgmtd_ctx_priv(const struct mgmtd_ctx *ctx)
{
	return ctx->priv;
}

void mgmtd_log(const struct mgmtd_ctx *ctx, enum mgmtd_severity sev,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(sev, ctx->desc->name, fmt, ap);
	va_end(ap);
}

void mgmtd_event(const struct mgmtd_ctx *ctx, enum mgmtd_severity sev,
		 const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_vevent(ctx->core, sev, ctx->desc->name, object, fmt, ap);
	va_end(ap);
}
