#!/bin/bash
# Threshold alerts through REST against a real sandbox: a rule on the
# inodes in use of a small ext4 volume mounted in mgmtd's namespace, driven
# for real by creating and removing files.  Crossing raises exactly one
# event, hovering inside the hysteresis band raises nothing more, going
# back clears with exactly one event; a bad rule is refused with 400 naming
# the attribute and changes nothing; deleting a firing rule clears it; a
# rule of the daemon config shows in active, and a bad one is refused by
# --check-config with file and line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

require_sandbox
for t in mkfs.ext4 mount umount curl; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
for p in status alerts; do
	[ -f "$MGMTD_BUILD/plugins/$p/.libs/$p.so" ] ||
		skip "the $p plugin is not built"
done

make_tmp
img=$TEST_TMP/vol.img
mnt=$TEST_TMP/vol
mkdir "$mnt"
truncate -s 8M "$img"
mkfs.ext4 -q -F -N 64 "$img" || fail "mkfs.ext4"

# A rule of the daemon config, always past its threshold.
cat >"$TEST_TMP/alerts.conf" <<'EOF'
alerts = (
  { name = "booted"; plugin = "status"; class = "host";
    attribute = "uptime"; operator = "gt"; value = 0; severity = "info"; }
);
EOF
export MGMTD_EXTRA_CONF=$TEST_TMP/alerts.conf
# Collect every second: each step of the test waits for one collect.
export MGMTD_COLLECT_INTERVAL=1
rest_up --with status,alerts
# The volume lives in mgmtd's mount namespace only (gone with it).
in_sandbox mount -o loop "$img" "$mnt" || fail "mount $img"

# inodes_used of the volume as mgmtd last published it ("" until seen).
inodes() {
	ctl_ok state | jq -r --arg m "$mnt" '.state.status.volumes[$m].inodes_used // ""'
}
volume_seen() { [ -n "$(inodes)" ]; }
wait_until -t 30 volume_seen
base=$(inodes)
log "volume $mnt: $base inodes in use"

# Make the volume hold N files beyond its base, then wait until mgmtd has
# collected (and so judged) exactly that.
files() {
	local n=$1
	# shellcheck disable=SC2016 # the inner shell expands them
	in_sandbox sh -c 'cd "$1" && rm -f f.* && i=0 && while [ "$i" -lt "$2" ]; do : >"f.$i"; i=$((i + 1)); done' sh "$mnt" "$n" ||
		fail "cannot make $n files"
	wait_until -t 30 inodes_are $((base + n))
}
inodes_are() { [ "$(inodes)" = "$1" ]; }

# Events of the alerts plugin whose message matches REGEX.
events_matching() {
	expect 200 GET '/api/v1/events?plugin=alerts&limit=1000' |
		jq --arg re "$1" '[.items[] | select(.message | test($re))] | length'
}
active() {
	expect 200 GET /api/v1/alerts/active
}
active_has() {
	active | jq -e --arg r "$1" '[.. | objects | select(.rule? == $r)] | length > 0' >/dev/null
}
active_lacks() { ! active_has "$1"; }

log "a rule of the daemon config is evaluated and shown, read-only"
wait_until -t 30 active_has booted
active | jq -e '[.. | objects | select(.rule? == "booted" and .daemon_config == true and .object == "status.host")] | length == 1' >/dev/null ||
	fail "booted not in active: $(active)"
out=$(api POST /api/v1/alerts/thresholds '{"name":"booted","plugin":"status","class":"host","attribute":"uptime","operator":"lt","value":1}')
[ "$(status)" = 400 ] || [ "$(status)" = 409 ] ||
	fail "a rule shadowing the daemon config's: want 400/409, got $(status): $out"
assert_problem_path "$out" 'name$'

log "bad rules are refused, naming the attribute, and change nothing"
v0=$(config_version)
out=$(expect 400 POST /api/v1/alerts/thresholds "{\"name\":\"bad\",\"plugin\":\"status\",\"class\":\"volumes\",\"attribute\":\"nope\",\"operator\":\"gt\",\"value\":1}")
assert_problem_path "$out" 'thresholds\[bad\]\.attribute$'
assert_contains "$out" "nope" "problem"
out=$(expect 400 POST /api/v1/alerts/thresholds "{\"name\":\"bad\",\"plugin\":\"status\",\"class\":\"volumes\",\"attribute\":\"device\",\"operator\":\"gt\",\"value\":1}")
assert_problem_path "$out" 'attribute$'
out=$(expect 400 POST /api/v1/alerts/thresholds "{\"name\":\"bad\",\"plugin\":\"status\",\"class\":\"volumes\",\"attribute\":\"used\",\"operator\":\"gt\",\"value\":10,\"clear_value\":20}")
assert_problem_path "$out" 'clear_value$'
out=$(expect 400 POST /api/v1/alerts/thresholds "{\"name\":\"bad\",\"plugin\":\"nosuch\",\"class\":\"volumes\",\"attribute\":\"used\",\"operator\":\"gt\",\"value\":1}")
assert_problem_path "$out" 'plugin$'
assert_eq "$v0" "$(config_version)" "config version after refusals"
assert_eq 0 "$(expect 200 GET /api/v1/alerts/thresholds | jq '[.. | objects | select(.name? == "bad")] | length')" "bad rules stored"

log "crossing the threshold raises exactly one event"
rule=$(jq -nc --arg k "$mnt" --argjson v $((base + 10)) --argjson c $((base + 5)) \
	'{name: "vol_inodes", plugin: "status", class: "volumes", key: $k,
	  attribute: "inodes_used", operator: "gt", value: $v, clear_value: $c,
	  severity: "warning", description: "test volume filling up"}')
expect 201 POST /api/v1/alerts/thresholds "$rule" >/dev/null
files 3
assert_eq 0 "$(events_matching '^alert vol_inodes ')" "events below the threshold"
files 12
wait_until -t 30 active_has vol_inodes
assert_eq 1 "$(events_matching '^alert vol_inodes raised: ')" "raise events"
active | jq -e --arg o "status.volumes[$mnt]" --argjson v $((base + 12)) \
	'[.. | objects | select(.rule? == "vol_inodes" and .object == $o and .value == $v and .severity == "warning")] | length == 1' >/dev/null ||
	fail "vol_inodes not in active as expected: $(active)"

log "hovering inside the hysteresis band raises nothing more"
for n in 8 11 7 12 6 11; do
	files "$n"
done
assert_eq 1 "$(events_matching '^alert vol_inodes raised: ')" "raise events after hovering"
assert_eq 0 "$(events_matching '^alert vol_inodes cleared: ')" "clear events after hovering"
active_has vol_inodes || fail "vol_inodes cleared while hovering"
expect 200 GET /api/v1/alerts/thresholds/vol_inodes | jq -e '.raises == 1 and .firing == 1' >/dev/null ||
	fail "rule state: $(api GET /api/v1/alerts/thresholds/vol_inodes)"

log "going back past the clear value clears with exactly one event"
files 5
wait_until -t 30 active_lacks vol_inodes
files 2
assert_eq 1 "$(events_matching '^alert vol_inodes cleared: ')" "clear events"
assert_eq 1 "$(events_matching '^alert vol_inodes raised: ')" "raise events at the end"

log "deleting a firing rule clears its alert once"
expect 201 POST /api/v1/alerts/thresholds "$(jq -nc --arg k "$mnt" \
	'{name: "vol_size", plugin: "status", class: "volumes", key: $k,
	  attribute: "size", operator: "gt", value: 0}')" >/dev/null
wait_until -t 30 active_has vol_size
expect 204 DELETE /api/v1/alerts/thresholds/vol_size >/dev/null
wait_until -t 30 active_lacks vol_size
assert_eq 1 "$(events_matching '^alert vol_size raised: ')" "vol_size raise events"
assert_eq 1 "$(events_matching '^alert vol_size cleared: .*removed')" "vol_size clear events"

log "--check-config refuses a bad rule of the daemon config with file and line"
sed 's/attribute = "uptime"/attribute = "nope"/' "$MGMTD_CONF" >"$TEST_TMP/bad.conf"
rc=0
out=$("$MGMTD" -c "$TEST_TMP/bad.conf" --check-config 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "--check-config accepted a bad rule: $out"
line=$(grep -n 'attribute = "nope"' "$TEST_TMP/bad.conf" | cut -d: -f1)
assert_contains "$out" "$TEST_TMP/bad.conf:$line: alerts[booted].attribute:" "--check-config"

log "a stored rule whose plugin is no longer loaded does not keep mgmtd down"
"$SANDBOX" stop "$SANDBOX_DIR" >/dev/null
unset MGMTD_EXTRA_CONF
sandbox_reuse --with alerts
expect 200 GET /api/v1/alerts/thresholds/vol_inodes >/dev/null
n=$(events_matching '^rule not evaluated: alerts\.thresholds\[vol_inodes\]\.plugin: no plugin status')
assert_eq 1 "$n" "warnings about the rule at start"
log "ok"
