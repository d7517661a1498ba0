#!/bin/bash
# Many REST clients writing at once: every accepted change is in the
# history exactly once, refused ones (412 on a stale If-Match) changed
# nothing, and the running configuration equals the last version.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

clients=${REST_CLIENTS:-16}
per_client=${REST_WRITES:-12}

# Every version must stay in the history to be checked.
MGMTD_HISTORY_KEEP=10000 rest_up
tok=$(admin_token)
start=$(config_version)

# One client: creates its hosts, and patches the settings with If-Match
# on what it last read (racing the others: some get 412).  Writes one
# line per request: "STATUS ETAG KIND".
client() {
	local id=$1 i st v
	for i in $(seq 1 "$per_client"); do
		st=$(curl -sS -o /dev/null -D "$TEST_TMP/h.$id" -w '%{http_code}' \
			-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			--data-binary "{\"name\":\"c$id-h$i\",\"addresses\":[\"10.$id.0.$i\"]}" \
			"$MGMTD_URL/api/v1/dns/hosts")
		echo "$st $(sed -n 's/^ETag: "\([0-9]*\)".*/\1/p' "$TEST_TMP/h.$id" | tr -d '\r') create c$id-h$i"
		v=$(curl -sS -o /dev/null -D - -H "Authorization: Bearer $tok" \
			"$MGMTD_URL/api/v1/dns/settings" | sed -n 's/^ETag: "\([0-9]*\)".*/\1/p' | tr -d '\r')
		st=$(curl -sS -o /dev/null -D "$TEST_TMP/h.$id" -w '%{http_code}' -X PATCH \
			-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			-H "If-Match: \"$v\"" --data-binary "{\"search\":[\"c$id-$i.example.com\"]}" \
			"$MGMTD_URL/api/v1/dns/settings")
		echo "$st $(sed -n 's/^ETag: "\([0-9]*\)".*/\1/p' "$TEST_TMP/h.$id" | tr -d '\r') patch c$id-$i"
	done >"$TEST_TMP/out.$id"
}

log "$clients clients, $per_client creates and $per_client conditional patches each"
pids=()
for c in $(seq 1 "$clients"); do
	client "$c" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || fail "a client failed"
done
cat "$TEST_TMP"/out.* >"$TEST_TMP/all"

total=$(wc -l <"$TEST_TMP/all")
creates=$(awk '$1 == 201' "$TEST_TMP/all" | wc -l)
patched=$(awk '$1 == 200' "$TEST_TMP/all" | wc -l)
stale=$(awk '$1 == 412' "$TEST_TMP/all" | wc -l)
other=$(awk '$1 != 201 && $1 != 200 && $1 != 412' "$TEST_TMP/all")
log "$total requests: $creates created, $patched patched, $stale refused as stale"
[ -z "$other" ] || fail "unexpected answers: $other"
assert_eq $((clients * per_client)) "$creates" "accepted creates"
[ "$patched" -ge 1 ] || fail "no conditional patch got through"

# Each accepted change produced a version of its own (its ETag), once.
dups=$(awk '$1 == 201 || $1 == 200 { print $2 }' "$TEST_TMP/all" | sort | uniq -d)
[ -z "$dups" ] || fail "two accepted changes report the same version: $dups"
accepted=$((creates + patched))
now=$(config_version)
assert_eq $((start + accepted)) "$now" "versions committed: one per accepted change"

log "every accepted change is in the history exactly once"
versions=$(curl -sS -H "Authorization: Bearer $tok" "$MGMTD_URL/api/v1/config/versions")
for v in $(awk '$1 == 201 || $1 == 200 { print $2 }' "$TEST_TMP/all"); do
	n=$(jq --argjson v "$v" '[.items[] | select(.version == $v)] | length' <<<"$versions")
	[ "$n" = 1 ] || fail "version $v appears $n times in the history"
done
# Each create's version shows exactly that host added.
while read -r st v kind what; do
	[ "$st" = 201 ] || continue
	out=$(curl -sS -H "Authorization: Bearer $tok" "$MGMTD_URL/api/v1/config/diff?from=$((v - 1))&to=$v")
	jq -e --arg p "dns.hosts[$what]" '.changes | length == 1 and .[0].op == "add" and .[0].path == $p' <<<"$out" >/dev/null ||
		fail "version $v is not exactly the creation of $what: $out"
done <"$TEST_TMP/all"
# The audit trail: each accepted change once, refused ones as refused.
cmds=$(curl -sS -H "Authorization: Bearer $tok" "$MGMTD_URL/api/v1/commands?limit=2000")
n=$(jq '[.items[] | select(.interface == "rest" and .result == "ok" and .version > 0)] | length' <<<"$cmds")
assert_eq "$accepted" "$n" "accepted changes in the command journal"
n=$(jq '[.items[] | select(.interface == "rest" and (.result | test("conflict")))] | length' <<<"$cmds")
assert_eq "$stale" "$n" "stale patches in the command journal"

log "the running configuration equals the last version"
running=$(curl -sS -H "Authorization: Bearer $tok" "$MGMTD_URL/api/v1/config" | jq -S -c .)
stored=$(curl -sS -H "Authorization: Bearer $tok" "$MGMTD_URL/api/v1/config/versions/$now" | jq -S -c .config)
assert_eq "$stored" "$running" "running vs stored"
assert_eq $((clients * per_client)) "$(jq '.dns.hosts | length' <<<"$running")" "hosts in the config"
assert_eq "$stored" "$(ctl_ok get | config_of)" "REST vs the control socket"
log "ok"
