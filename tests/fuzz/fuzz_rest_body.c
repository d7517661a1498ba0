/* libFuzzer target for the REST request-body path: bytes as a request
 * body, parsed as the REST server parses it, then validated against every
 * class of the DNS plugin as a create, a replace and a merge patch would
 * be, candidate tree included.  It must never crash or leak (ASan), and
 * never change the baseline it validates against.
 *
 *   FUZZ_PLUGIN=.../dns.so fuzz_rest_body [libFuzzer options] [corpus]
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rest_internal.h"
#include "schema.h"

static struct schema schema;
static json_t *baseline, *pristine;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *so = getenv("FUZZ_PLUGIN");
	const struct mgmtd_plugin *p;
	char msg[512];
	void *dl;
	json_t *in;
	struct mgmtd_err err = { 0 };

	log_setup(true, MGMTD_SEV_ERR, NULL);
	if (!so || !(dl = dlopen(so, RTLD_LAZY | RTLD_LOCAL)) ||
	    !(p = dlsym(dl, MGMTD_PLUGIN_SYMBOL_NAME)) ||
	    schema_add_plugin(&schema, p, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "fuzz: set FUZZ_PLUGIN to the dns plugin (%s)\n",
			so ? dlerror() : "unset");
		exit(2);
	}
	/* A baseline with both classes populated. */
	in = json_loads("{\"dns\": {\"settings\": {\"hostname\": \"nas1\", "
			"\"resolvers\": [\"192.0.2.53\"]}, \"hosts\": [{\"name\": "
			"\"db1\", \"addresses\": [\"192.0.2.10\"]}]}}",
			0, NULL);
	if (schema_normalize_tree(&schema, in, &baseline, &err) < 0)
		exit(3);
	json_decref(in);
	pristine = json_deep_copy(baseline);
	return 0;
}

/* Validate body as the API would for class sc: the object alone, then the
 * whole candidate (a copy of the baseline with it in place). */
static void validate(const struct schema_plugin *sp,
		     const struct schema_class *sc, json_t *body, bool patch)
{
	struct mgmtd_err err = { 0 };
	json_t *out = NULL, *cand = json_deep_copy(baseline), *plugin, *obj;
	const char *k;
	json_t *v;

	schema_normalize_object(sc, "fuzz", body, &out, &err);
	json_decref(out);
	out = NULL;
	plugin = json_object_get(cand, sp->name);
	if (sc->cls->kind == MGMTD_SINGLETON) {
		obj = patch ? json_deep_copy(json_object_get(plugin, sc->cls->name))
			    : json_deep_copy(body);
		if (patch)
			json_object_foreach(body, k, v) {
				if (json_is_null(v))
					json_object_del(obj, k);
				else
					json_object_set(obj, k, v);
			}
		json_object_set_new(plugin, sc->cls->name, obj);
	} else {
		json_array_append(json_object_get(plugin, sc->cls->name), body);
	}
	err = (struct mgmtd_err){ 0 };
	schema_normalize_tree(&schema, cand, &out, &err);
	json_decref(out);
	json_decref(cand);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char detail[512], audit[640];
	json_t *body = NULL;
	const char *ctype = "application/json";

	/* The first byte picks a content type now and then. */
	if (size && data[0] == 0x7f) {
		ctype = "text/plain";
		data++, size--;
	}
	if (rest_body_parse(ctype, (const char *)data, size, 1u << 20, &body,
			    detail, sizeof(detail)) != 0)
		return 0;
	for (size_t i = 0; i < schema.n_plugins; i++)
		for (size_t j = 0; j < schema.plugins[i].n_classes; j++) {
			const struct schema_class *sc = &schema.plugins[i].classes[j];
			validate(&schema.plugins[i], sc, body, false);
			validate(&schema.plugins[i], sc, body, true);
			rest_body_audit_text(sc, body, audit, sizeof(audit));
		}
	json_decref(body);
	if (!json_equal(baseline, pristine))
		abort(); /* validation changed what it validated against */
	return 0;
}
