/* RFC 9457 problem details: the one shape of every REST error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "rest_internal.h"

static const struct {
	int status;
	const char *text;
} statuses[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 428, "Precondition Required" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

const char *rest_status_text(int status)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].text;
	return status < 500 ? "Bad Request" : "Internal Server Error";
}

json_t *rest_problem(int status, const char *detail)
{
	json_t *p = json_pack("{s:s, s:s, s:i}", "type", "about:blank",
			      "title", rest_status_text(status), "status",
			      status);

	if (detail && *detail)
		json_object_set_new(p, "detail", json_string(detail));
	return p;
}

/* "dns.hosts[db1].addresses[0]: is not an IP address (and 2 more)" */
static void detail_of(json_t *errors, char *buf, size_t len)
{
	json_t *first = json_array_get(errors, 0);
	const char *path = json_string_value(json_object_get(first, "path"));
	const char *msg = json_string_value(json_object_get(first, "message"));
	size_t n = json_array_size(errors);

	if (!msg) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "%s%s%s", path && *path ? path : "",
		 path && *path ? ": " : "", msg);
	if (n > 1) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, " (and %zu more)", n - 1);
	}
}

static json_t *with_errors(int status, json_t *errors)
{
	char detail[MGMTD_ERR_PATH_LEN + MGMTD_ERR_MSG_LEN + 32];
	json_t *p;

	detail_of(errors, detail, sizeof(detail));
	p = rest_problem(status, detail);
	json_object_set_new(p, "errors", errors);
	return p;
}

json_t *rest_problem_err(int status, const struct mgmtd_err *err)
{
	json_t *list = api_error_list(err);

	if (!status)
		status = err_code_http_status(err->count ? err->items[0].code
							 : MGMTD_E_FAILED);
	return with_errors(status, list);
}

json_t *rest_problem_from_api(json_t *resp)
{
	json_t *st = json_object_get(resp, "status");
	json_t *errors = json_object_get(resp, "errors");
	int status = json_is_integer(st) ? (int)json_integer_value(st) : 500;

	if (status < 400 || status > 599)
		status = 500;
	return with_errors(status, json_is_array(errors)
					   ? json_deep_copy(errors)
					   : json_array());
}
