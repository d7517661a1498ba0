#!/bin/bash
# The REST API end to end with curl: every verb on the DNS classes, state
# merged in, ETag and If-Match, every error status, authentication
# (Basic, Bearer, session with CSRF), roles, the audit trail, HTTPS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

rest_up

log "reads: the singleton with live state merged in, an empty collection"
out=$(expect 200 GET /api/v1/dns/settings)
jq -e 'has("current_hostname") and has("current_resolvers")' <<<"$out" >/dev/null ||
	fail "state not merged into dns/settings: $out"
v0=$(etag)
[ -n "$v0" ] || fail "no ETag on a read"
out=$(expect 200 GET /api/v1/dns/hosts)
assert_eq 0 "$(jq .total <<<"$out")" "total of an empty collection"
expect 200 HEAD /api/v1/dns/settings >/dev/null
out=$(expect 204 OPTIONS /api/v1/dns/hosts/db1)
assert_contains "$(header_of Allow)" "PATCH" "Allow"

log "PUT and PATCH of a singleton"
out=$(expect 200 PUT /api/v1/dns/settings '{"hostname":"nas1","domain":"example.com","resolvers":["192.0.2.53"]}')
assert_eq nas1 "$(jq -r .hostname <<<"$out")" "hostname after PUT"
assert_eq nas1 "$(jq -r .current_hostname <<<"$out")" "live host name after PUT"
wait_until sandbox_hostname_is nas1
out=$(expect 200 PATCH /api/v1/dns/settings '{"domain":null,"search":["lab.example.com"]}')
jq -e '(has("domain") | not) and .search == ["lab.example.com"] and .hostname == "nas1"' <<<"$out" >/dev/null ||
	fail "merge patch: $out"
in_sandbox cat /etc/resolv.conf | qgrep 'search lab.example.com' || fail "resolv.conf not rewritten"

log "POST, GET, PUT, PATCH and DELETE of collection objects"
out=$(expect 201 POST /api/v1/dns/hosts '{"name":"db1","addresses":["192.0.2.10"],"aliases":["database"]}')
assert_eq /api/v1/dns/hosts/db1 "$(header_of Location)" "Location"
v1=$(etag)
expect 409 POST /api/v1/dns/hosts '{"name":"db1","addresses":["192.0.2.11"]}' >/dev/null
for i in 2 3 4 5; do
	expect 201 POST /api/v1/dns/hosts "{\"name\":\"db$i\",\"addresses\":[\"192.0.2.1$i\"]}" >/dev/null
done
out=$(expect 200 GET '/api/v1/dns/hosts?limit=2&offset=1')
assert_eq '5 2 1 db2,db3' "$(jq -r '"\(.total) \(.limit) \(.offset) \([.items[].name] | join(","))"' <<<"$out")" "a page of hosts"
out=$(expect 200 GET /api/v1/dns/hosts/db1)
assert_eq database "$(jq -r '.aliases[0]' <<<"$out")" "alias of db1"
out=$(expect 200 PUT /api/v1/dns/hosts/db1 '{"addresses":["192.0.2.20","2001:db8::20"]}')
jq -e '.addresses == ["192.0.2.20","2001:db8::20"] and (has("aliases") | not)' <<<"$out" >/dev/null ||
	fail "PUT replaces the object: $out"
expect 200 PUT /api/v1/dns/hosts/db6 '{"addresses":["192.0.2.16"]}' >/dev/null
expect 204 DELETE /api/v1/dns/hosts/db6 >/dev/null
out=$(expect 200 PATCH /api/v1/dns/hosts/db2 '{"aliases":["two"]}')
jq -e '.aliases == ["two"] and .addresses == ["192.0.2.12"]' <<<"$out" >/dev/null || fail "PATCH merges: $out"
expect 204 DELETE /api/v1/dns/hosts/db5 >/dev/null
expect 404 GET /api/v1/dns/hosts/db5 >/dev/null
expect 404 DELETE /api/v1/dns/hosts/db5 >/dev/null
in_sandbox cat /etc/hosts | qgrep '192.0.2.20.*db1' || fail "hosts file not rewritten"

log "400 naming the attribute, for each kind of bad input"
api GET /api/v1/dns/settings >/dev/null
before=$(etag)
b=$(expect 400 PATCH /api/v1/dns/settings '{"hostname":"-bad-"}'); assert_problem_path "$b" '^dns\.settings\.hostname$'
b=$(expect 400 PATCH /api/v1/dns/settings '{"hostname":42}'); assert_problem_path "$b" 'hostname'
b=$(expect 400 PATCH /api/v1/dns/settings '{"resolvers":["192.0.2.1","not-an-ip"]}'); assert_problem_path "$b" 'resolvers'
b=$(expect 400 PATCH /api/v1/dns/settings '{"resolvers":"192.0.2.1"}'); assert_problem_path "$b" 'resolvers'
b=$(expect 400 PATCH /api/v1/dns/settings '{"options":["bad option!"]}'); assert_problem_path "$b" 'options'
b=$(expect 400 PATCH /api/v1/dns/settings '{"colour":"blue"}'); assert_problem_path "$b" 'colour'
b=$(expect 400 PATCH /api/v1/dns/settings '{"current_hostname":"x"}'); assert_problem_path "$b" 'current_hostname'
b=$(expect 400 POST /api/v1/dns/hosts '{"name":"db9"}'); assert_problem_path "$b" 'addresses'
b=$(expect 400 POST /api/v1/dns/hosts '{"addresses":["192.0.2.9"]}')
b=$(expect 400 PUT /api/v1/dns/hosts/db1 '{"name":"other","addresses":["192.0.2.9"]}'); assert_problem_path "$b" 'name'
b=$(expect 400 PATCH /api/v1/dns/settings '{"hostname":'); jq -e '.detail | test("not valid JSON")' <<<"$b" >/dev/null || fail "bad JSON: $b"
b=$(expect 400 PATCH /api/v1/dns/settings '["nas1"]')
b=$(expect 400 GET '/api/v1/dns/hosts?limit=0')

log "415, 413, 404, 405"
expect 415 PATCH /api/v1/dns/settings "" -H 'Content-Type: text/plain' --data-binary '{"hostname":"x"}' >/dev/null
head -c 1100000 /dev/zero | tr '\0' ' ' >"$TEST_TMP/big.json"
expect 413 PATCH /api/v1/dns/settings "" -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/big.json" >/dev/null
expect 404 GET /api/v1/nosuch/thing >/dev/null
expect 404 GET /api/v1/dns/nosuch >/dev/null
expect 405 DELETE /api/v1/dns/settings >/dev/null
assert_contains "$(header_of Allow)" "PATCH" "Allow of a 405"
api GET /api/v1/dns/settings >/dev/null
assert_eq "$before" "$(etag)" "the version after refused writes"

log "ETag and If-Match: 412 on a stale version, a write with the current one"
api GET /api/v1/dns/settings >/dev/null
cur=$(etag)
expect 412 PATCH /api/v1/dns/settings '{"hostname":"stale"}' -H "If-Match: \"$v0\"" >/dev/null
expect 412 PATCH /api/v1/dns/hosts/db1 '{"aliases":["x"]}' -H 'If-Match: "junk"' >/dev/null
out=$(expect 200 PATCH /api/v1/dns/settings '{"hostname":"nas2"}' -H "If-Match: \"$cur\"")
assert_eq $((cur + 1)) "$(etag)" "ETag after a write"
assert_eq nas2 "$(jq -r .hostname <<<"$out")" "hostname"

log "401: no credentials, a wrong password, a revoked token"
CURL_AUTH=()
b=$(expect 401 GET /api/v1/dns/settings)
assert_contains "$(header_of WWW-Authenticate)" "Basic" "WWW-Authenticate"
CURL_AUTH=(-u "admin:wrong-password")
expect 401 GET /api/v1/dns/settings >/dev/null
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
tok=$(admin_token)
CURL_AUTH=(-H "Authorization: Bearer $tok")
expect 200 GET /api/v1/dns/settings >/dev/null
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
tid=$(expect 200 GET /api/v1/auth/tokens | jq -er '.items[] | select(.description == "test") | .id')
expect 204 DELETE "/api/v1/auth/tokens/$tid" >/dev/null
CURL_AUTH=(-H "Authorization: Bearer $tok")
expect 401 GET /api/v1/dns/settings >/dev/null
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
ev=$(expect 200 GET '/api/v1/events?limit=50')
jq -e '[.items[] | select(.message | test("admin|failed|wrong"; "i"))] | length > 0' <<<"$ev" >/dev/null ||
	fail "failed logins not in the event journal: $ev"

log "roles: monitor reads only, operator writes but manages no users"
expect 201 POST /api/v1/auth/users '{"name":"mon","password":"monitor-pass-1","role":"monitor"}' >/dev/null
expect 201 POST /api/v1/auth/users '{"name":"op","password":"operator-pass-1","role":"operator"}' >/dev/null
out=$(expect 200 GET /api/v1/auth/users)
assert_not_contains "$out" "monitor-pass-1" "user list"
assert_not_contains "$out" '$y$' "user list"
CURL_AUTH=(-u mon:monitor-pass-1)
expect 200 GET /api/v1/dns/hosts >/dev/null
expect 403 PATCH /api/v1/dns/settings '{"hostname":"mon"}' >/dev/null
expect 403 POST /api/v1/config/rollback '{"version":1}' >/dev/null
CURL_AUTH=(-u op:operator-pass-1)
expect 200 PATCH /api/v1/dns/hosts/db1 '{"aliases":["by-op"]}' >/dev/null
expect 403 GET /api/v1/auth/users >/dev/null
expect 403 POST /api/v1/auth/users '{"name":"x","password":"whatever-123","role":"admin"}' >/dev/null
expect 403 POST /api/v1/auth/tokens '{}' >/dev/null
expect 403 PATCH /api/v1/auth/users/mon '{"password":"hijacked-123"}' >/dev/null
expect 200 PATCH /api/v1/auth/users/op '{"password":"operator-pass-2"}' >/dev/null
CURL_AUTH=(-u op:operator-pass-2)
expect 200 GET /api/v1/session >/dev/null

log "a browser session: HttpOnly SameSite=Strict cookie, CSRF token on writes"
CURL_AUTH=()
out=$(expect 201 POST /api/v1/session "{\"user\":\"op\",\"password\":\"operator-pass-2\"}")
cookie=$(header_of Set-Cookie)
assert_contains "$cookie" "HttpOnly" "session cookie"
assert_contains "$cookie" "SameSite=Strict" "session cookie"
assert_not_contains "$cookie" "Secure" "session cookie over HTTP"
csrf=$(jq -er .csrf_token <<<"$out")
sid=${cookie%%;*}
CURL_AUTH=(-H "Cookie: $sid")
assert_eq operator "$(expect 200 GET /api/v1/session | jq -r .role)" "role of the session"
expect 403 PATCH /api/v1/dns/hosts/db1 '{"aliases":["csrf"]}' >/dev/null
expect 403 PATCH /api/v1/dns/hosts/db1 '{"aliases":["csrf"]}' -H "X-CSRF-Token: wrong" >/dev/null
expect 200 PATCH /api/v1/dns/hosts/db1 '{"aliases":["session"]}' -H "X-CSRF-Token: $csrf" >/dev/null
expect 204 DELETE /api/v1/session "" -H "X-CSRF-Token: $csrf" >/dev/null
expect 401 GET /api/v1/dns/hosts >/dev/null
CURL_AUTH=()
expect 401 POST /api/v1/session '{"user":"op","password":"nope-nope"}' >/dev/null
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")

log "audit: every write in the command journal, secrets masked"
out=$(expect 200 GET '/api/v1/commands?limit=200')
jq -e '[.items[] | select(.interface == "rest" and .user == "op" and
	(.change | test("^role=operator PATCH /api/v1/dns/hosts/db1 .*aliases")) and .result == "ok" and .version > 0)] | length >= 2' <<<"$out" >/dev/null ||
	fail "operator's writes not audited: $out"
jq -e '[.items[] | select(.user == "mon" and (.change | test("^role=monitor PATCH")) and (.result | test("^403")))] | length == 1' <<<"$out" >/dev/null ||
	fail "the monitor's refused write not audited: $out"
jq -e '[.items[] | select((.change | test("POST /api/v1/dns/hosts")) and (.result | test("conflict|409")))] | length >= 1' <<<"$out" >/dev/null ||
	fail "the refused create not audited: $out"
jq -e '[.items[] | select((.change | test("POST /api/v1/auth/users")) and (.change | test("\\(secret\\)")))] | length == 2' <<<"$out" >/dev/null ||
	fail "user creations not audited with the password masked: $out"
assert_not_contains "$out" "monitor-pass-1" "command journal"
assert_not_contains "$out" "operator-pass-2" "command journal"
assert_not_contains "$out" "$MGMTD_PASSWORD" "command journal"
expect 200 GET '/api/v1/commands?user=op&limit=5' | jq -e '[.items[].user] | unique == ["op"]' >/dev/null ||
	fail "commands filter by user"
expect 200 GET '/api/v1/events?severity=warning&limit=20' |
	jq -e '[.items[].severity] - ["emerg","alert","crit","err","error","warning"] == []' >/dev/null ||
	fail "events filter by severity"

log "schema and whole config: no secret, every class"
out=$(expect 200 GET /api/v1/schema)
assert_eq "settings hosts" "$(jq -r '[.plugins[] | select(.name == "dns") | .classes[].name] | join(" ")' <<<"$out")" "classes of dns"
expect 200 GET /api/v1/config | jq -e '.dns.hosts | length == 4' >/dev/null || fail "GET /config"

log "HTTPS with the generated certificate"
[ -n "${MGMTD_URL_TLS:-}" ] || fail "no HTTPS listener in the sandbox env"
out=$(curl -sS --cacert "$MGMTD_CACERT" -u "$MGMTD_USER:$MGMTD_PASSWORD" "$MGMTD_URL_TLS/api/v1/dns/settings") ||
	fail "HTTPS request with --cacert failed"
assert_eq nas2 "$(jq -r .hostname <<<"$out")" "hostname over HTTPS"
curl -sS -o /dev/null "$MGMTD_URL_TLS/api/v1/dns/settings" 2>/dev/null &&
	fail "HTTPS accepted without trusting the certificate"
cookie=$(curl -sS --cacert "$MGMTD_CACERT" -D - -o /dev/null -H 'Content-Type: application/json' \
	--data-binary "{\"user\":\"admin\",\"password\":\"$MGMTD_PASSWORD\"}" "$MGMTD_URL_TLS/api/v1/session" |
	grep -i '^Set-Cookie:' | tr -d '\r')
assert_contains "$cookie" "; Secure" "session cookie over HTTPS"
openssl x509 -in "$MGMTD_CACERT" -noout -ext subjectAltName | qgrep 'IP Address:127.0.0.1' ||
	fail "certificate lacks 127.0.0.1"
log "ok"
