#!/bin/bash
# History over REST and with mgmtctl: versions, diff, rollback, and
# commit-confirmed rolled back when not confirmed and kept when confirmed;
# mgmtctl's commands, tables and --json against the same daemon.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

rest_up
M=$MGMTCTL

log "mgmtctl over REST: set, create, get (tables and --json), delete"
out=$("$M" set dns/settings hostname=nas1 domain=example.com) || fail "mgmtctl set: $out"
assert_contains "$out" "hostname" "set output"
wait_until sandbox_hostname_is nas1
"$M" create dns/hosts name=db1 'addresses=["192.0.2.10"]' >/dev/null || fail "mgmtctl create"
"$M" create dns/hosts '{"name":"db2","addresses":["192.0.2.11"],"aliases":["two"]}' >/dev/null ||
	fail "mgmtctl create with JSON"
out=$("$M" get dns/hosts) || fail "mgmtctl get dns/hosts"
assert_eq "name addresses aliases" "$(head -n 1 <<<"$out" | tr -s ' ')" "table header"
assert_contains "$out" "db2   192.0.2.11  two" "table row"
assert_eq 2 "$("$M" --json get dns/hosts | jq .total)" "--json total"
assert_eq example.com "$("$M" --json get dns/settings | jq -r .domain)" "--json object"
out=$("$M" put dns hosts db2 '{"addresses":["192.0.2.12"]}') || fail "mgmtctl put (PLUGIN CLASS KEY form)"
"$M" delete dns/hosts/db1 >/dev/null || fail "mgmtctl delete"
rc=0; "$M" get dns/hosts/db1 >/dev/null 2>"$TEST_TMP/err" || rc=$?
assert_eq 1 "$rc" "exit status of a refused request"
assert_contains "$(cat "$TEST_TMP/err")" "404" "refusal message"
rc=0; "$M" set dns/settings hostname=-x 2>"$TEST_TMP/err" || rc=$?
assert_eq 1 "$rc" "exit status of a bad value"
assert_contains "$(cat "$TEST_TMP/err")" "dns.settings.hostname" "refusal names the attribute"
rc=0; "$M" frobnicate 2>/dev/null || rc=$?
assert_eq 2 "$rc" "exit status of a usage error"
rc=0; MGMTD_PASSWORD=wrong "$M" get dns/hosts 2>/dev/null || rc=$?
assert_eq 1 "$rc" "exit status with a wrong password"
# The control socket still works beside REST.
assert_eq "$("$M" -s "$MGMTD_SOCKET" get | jq .version)" "$("$M" --json versions | jq .current)" "socket and REST agree"
# A config file instead of the environment.
mkdir -p "$TEST_TMP/home/.config"
printf 'url = %s\nuser = %s\npassword = %s\n' "$MGMTD_URL" "$MGMTD_USER" "$MGMTD_PASSWORD" >"$TEST_TMP/home/.config/mgmtctl"
env -u MGMTD_URL -u MGMTD_USER -u MGMTD_PASSWORD -u MGMTD_SOCKET HOME="$TEST_TMP/home" "$M" get dns/settings >/dev/null ||
	fail "mgmtctl with ~/.config/mgmtctl"
# HTTPS with the CA from the environment.
"$M" --url "$MGMTD_URL_TLS" get dns/settings >/dev/null || fail "mgmtctl over HTTPS"

log "versions and diff"
cur=$("$M" --json versions | jq -er .current)
out=$(expect 200 GET "/api/v1/config/diff?from=1&to=$cur")
jq -e '[.changes[].path] | index("dns.settings.hostname") != null' <<<"$out" >/dev/null || fail "diff: $out"
out=$("$M" diff 1 "$cur")
assert_contains "$out" "~ dns.settings.hostname: - -> nas1" "mgmtctl diff"
out=$(expect 200 GET /api/v1/config/versions/2)
assert_eq nas1 "$(jq -r .config.dns.settings.hostname <<<"$out")" "stored version 2"
expect 404 GET /api/v1/config/versions/999 >/dev/null
expect 400 POST /api/v1/config/rollback '{"version":"x"}' >/dev/null
expect 404 POST /api/v1/config/rollback '{"version":999}' >/dev/null

log "rollback to version 1 with mgmtctl, then over REST to the last one"
"$M" rollback 1 >/dev/null || fail "mgmtctl rollback 1"
assert_eq 0 "$(expect 200 GET /api/v1/dns/hosts | jq .total)" "hosts after rollback to 1"
out=$(expect 200 POST /api/v1/config/rollback "{\"version\":$cur}")
assert_eq true "$(jq .changed <<<"$out")" "rollback commits a version"
assert_eq nas1 "$(expect 200 GET /api/v1/dns/settings | jq -r .hostname)" "hostname after rollback"
wait_until sandbox_hostname_is nas1

log "commit-confirmed, not confirmed: rolled back"
before=$(config_version)
expect 200 PATCH '/api/v1/dns/settings?confirm_timeout=2' '{"hostname":"risky"}' >/dev/null
wait_until sandbox_hostname_is risky
wait_until -t 20 sandbox_hostname_is nas1
assert_eq nas1 "$(expect 200 GET /api/v1/dns/settings | jq -r .hostname)" "hostname after the timeout"
expect 404 POST /api/v1/config/confirm >/dev/null
expect 200 GET '/api/v1/events?limit=20' | jq -e '[.items[] | select(.message | test("not confirmed"))] | length > 0' >/dev/null ||
	fail "no event for the rollback of an unconfirmed change"

log "commit-confirmed, confirmed: kept"
out=$("$M" set dns/settings hostname=safe --confirm-timeout 3) || fail "mgmtctl set --confirm-timeout"
v=$(config_version)
"$M" confirm >/dev/null || fail "mgmtctl confirm"
sleep 4 # past the deadline: nothing may roll back now
assert_eq "$v" "$(config_version)" "version after confirming"
assert_eq safe "$(in_sandbox hostname)" "hostname after confirming"
expect 200 GET '/api/v1/commands?limit=5' | jq -e '[.items[] | select(.change | test("confirm"))] | length > 0' >/dev/null ||
	fail "confirm not in the command journal"

log "events --follow sees a change live"
"$M" events --follow >"$TEST_TMP/follow" 2>&1 &
fpid=$!
# The stream may not be connected yet: change until a commit shows.
poke() {
	"$M" set dns/settings "hostname=live$RANDOM" >/dev/null
	grep -q "commit.*version" "$TEST_TMP/follow"
}
wait_until poke
kill "$fpid" 2>/dev/null || true
wait "$fpid" 2>/dev/null || true
assert_contains "$(cat "$TEST_TMP/follow")" "hostname" "followed events"
out=$(curl -sS -N -m 2 "${CURL_AUTH[@]}" "$MGMTD_URL/api/v1/events/stream?severity=err" 2>/dev/null || true)
assert_contains "$out" ": connected" "event stream"
log "ok"
