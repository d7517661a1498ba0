#!/bin/bash
# /api/v1/openapi.json is a valid OpenAPI 3.1 document (checked by a real
# validator, @seriousme/openapi-schema-validator from npm, installed into a
# cache outside the repository), and what it describes answers.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

validator_pkg=@seriousme/openapi-schema-validator@2
cache=${MGMTD_NPM_CACHE:-/var/cache/mgmtd-build/npm}

command -v npm >/dev/null || skip "npm is not installed (needed for the OpenAPI validator)"
rest_up

validate=$cache/node_modules/.bin/validate-api
if [ ! -x "$validate" ]; then
	log "installing $validator_pkg into $cache"
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-audit --no-fund --silent "$validator_pkg" >"$TEST_TMP/npm.log" 2>&1 ||
		skip "npm cannot install $validator_pkg: $(tail -n 3 "$TEST_TMP/npm.log" | tr '\n' ' ')"
fi

expect 200 GET /api/v1/openapi.json >"$TEST_TMP/openapi.json"
jq -e '.openapi == "3.1.0" and (.paths | length > 10)' "$TEST_TMP/openapi.json" >/dev/null ||
	fail "not an OpenAPI 3.1 document"
out=$("$validate" "$TEST_TMP/openapi.json" 2>&1) || fail "validator: $out"
jq -e '.valid == true' <<<"$out" >/dev/null || fail "invalid OpenAPI document: $out"
log "valid: $(jq -c . <<<"$out")"

log "every class is described, with its operations"
for p in /api/v1/dns/settings /api/v1/dns/hosts '/api/v1/dns/hosts/{name}'; do
	jq -e --arg p "$p" '.paths[$p]' "$TEST_TMP/openapi.json" >/dev/null || fail "no path $p"
done
assert_eq "delete,get,patch,put" "$(jq -r '.paths["/api/v1/dns/hosts/{name}"] | keys - ["parameters"] | join(",")' "$TEST_TMP/openapi.json")" "operations on a host"
jq -e '.components.schemas["dns.settings"].properties.current_hostname.readOnly == true' "$TEST_TMP/openapi.json" >/dev/null ||
	fail "state attributes are not read-only"

log "every plain GET path it lists answers 200"
while read -r p; do
	[ "$p" != /api/v1/events/stream ] || continue
	[ "$p" != /api/v1/metrics/graph.png ] || continue # needs ?series=
	expect 200 GET "$p" >/dev/null
done < <(jq -r '.paths | to_entries[] | select(.value.get and (.key | test("[{]") | not)) | .key' "$TEST_TMP/openapi.json")
log "ok"
