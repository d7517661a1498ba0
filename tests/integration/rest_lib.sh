# shellcheck shell=bash
# REST helpers for the integration tests; source after lib.sh:
#   . "$top_srcdir/tests/integration/rest_lib.sh"

# rest_up [sandbox options]: a sandbox whose mgmtd serves REST, or skip.
rest_up() {
	require_sandbox
	command -v curl >/dev/null || skip "curl is not installed (tests/install-deps installs it)"
	sandbox_up "$@"
	[ -n "${MGMTD_URL:-}" ] || skip "mgmtd was built without REST (configure: --enable-rest)"
	CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
}

# api METHOD PATH [BODY] [curl options...]: one request as admin (or with
# CURL_AUTH); prints the body, leaves the status in $TEST_TMP/status and
# the headers in $TEST_TMP/headers.
api() {
	local method=$1 path=$2 body=${3-}
	shift 2
	[ $# -eq 0 ] || shift
	local args=(-sS -D "$TEST_TMP/headers" -o "$TEST_TMP/body"
		-w '%{http_code}' "${CURL_AUTH[@]}")
	# curl waits for a body after -X HEAD: -I asks for the headers only.
	if [ "$method" = HEAD ]; then args+=(-I); else args+=(-X "$method"); fi
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$body")
	fi
	curl "${args[@]}" "$@" "$MGMTD_URL$path" >"$TEST_TMP/status" ||
		fail "curl $method $path failed"
	cat "$TEST_TMP/body"
}

status() {
	cat "$TEST_TMP/status"
}

# expect STATUS METHOD PATH [BODY] [curl options...]: api, and fail unless
# the status is STATUS.  Prints the body.
expect() {
	local want=$1 out
	shift
	out=$(api "$@")
	[ "$(status)" = "$want" ] ||
		fail "$1 $2: want HTTP $want, got $(status): $out"
	printf '%s\n' "$out"
}

# The ETag of the last answer, without quotes.
etag() {
	sed -n 's/^ETag: "\([0-9]*\)".*/\1/p' "$TEST_TMP/headers" | tr -d '\r'
}

header_of() {
	grep -i "^$1:" "$TEST_TMP/headers" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'
}

# A problem names the attribute: errors[].path matches REGEX.
assert_problem_path() {
	local body=$1 re=$2
	jq -e --arg re "$re" '.type == "about:blank" and (.title | length > 0) and
		([.errors[]? | select(.path | test($re))] | length > 0)' <<<"$body" >/dev/null ||
		fail "no problem naming /$re/ in: $body"
}

# An API token for the admin (bearer): quicker than Basic for many calls.
admin_token() {
	expect 201 POST /api/v1/auth/tokens '{"description":"test"}' | jq -er .token
}
