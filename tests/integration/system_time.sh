#!/bin/bash
# The system plugin's time and power classes through REST with the real
# auth, against a real chronyd that mgmtd runs (tests/sandbox-time.sh):
# the time zone and NTP servers set through REST land in the localtime
# link, the timezone file and chronyd's sources file, and chronyd uses
# those servers (asked with chronyc); a bad time zone or server is
# refused with 400 naming the attribute and every file stays
# byte-identical; with a local NTP server on 127.0.0.2:123 the state says
# synchronised.  Reboot: an operator gets 403, an admin without confirm
# 400; with a delay it is pending in the state until cancelled; without
# one the sandbox only raises an event.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

command -v chronyd >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v chronyd >/dev/null || skip "chronyd is not installed (chrony; tests/install-deps installs it)"
command -v chronyc >/dev/null || skip "chronyc is not installed"
[ -f "$MGMTD_BUILD/plugins/system/.libs/system.so" ] ||
	skip "the system plugin is not built"
[ -f /usr/share/zoneinfo/Europe/Paris ] || skip "no zoneinfo (tzdata)"
rest_up --with time

T=$MGMTD_DIR/time
sources_file=$T/sources.d/mgmtd.sources
chrony() {
	chronyc -h "$CHRONY_SOCKET" "$@"
}
time_state() {
	expect 200 GET /api/v1/system/time
}
# The servers chronyd uses, as configured (-N), one a line, sorted.
chrony_sources() {
	chrony -n -N -c sources | awk -F, '$1 == "^" { print $3 }' | sort
}

log "chronyd runs as mgmtd's child, with no source yet"
wait_until -t 30 test -S "$CHRONY_SOCKET"
pid=$(cat "$MGMTD_DIR/pids/chronyd.pid")
assert_eq "$MGMTD_PID" "$(ps -o ppid= -p "$pid" | tr -d ' ')" "chronyd's parent"
assert_eq "" "$(chrony_sources)" "chronyd's sources before any config"
time_state | jq -e '.ntp_daemon == "chrony" and .ntp_synchronised == false' >/dev/null ||
	fail "time state: $(time_state)"

log "time zone and NTP servers through REST"
expect 200 PATCH /api/v1/system/time \
	'{"timezone": "Europe/Paris", "ntp_servers": ["127.0.0.1", "127.0.0.3"]}' >/dev/null
assert_eq /usr/share/zoneinfo/Europe/Paris "$(readlink "$T/localtime")" "localtime link"
assert_eq Europe/Paris "$(cat "$T/timezone")" "timezone file"
assert_eq "server 127.0.0.1 iburst
server 127.0.0.3 iburst" "$(grep -v '^#' "$sources_file")" "chrony sources file"
assert_eq "127.0.0.1
127.0.0.3" "$(chrony_sources)" "the sources chronyd uses"
st=$(time_state)
jq -e '.timezone_in_effect == "Europe/Paris" and
	(.current_time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$")) and
	(.ntp_sources | sort) == ["127.0.0.1", "127.0.0.3"]' <<<"$st" >/dev/null ||
	fail "time state after the change: $st"
# The offset is Paris's now, whatever the season.
want=$(TZ=Europe/Paris date +%:z)
assert_eq "$want" "$(jq -r '.current_time[-6:]' <<<"$st")" "current_time's offset"

log "bad time zone, bad server: 400 naming the attribute, files unchanged"
snapshot() {
	{ readlink "$T/localtime"; cat "$T/timezone" "$sources_file"; ls -A "$T" "$T/sources.d"; } | sha256sum
}
before=$(snapshot)
for tz in Mars/Olympus ../../etc/passwd zone.tab Europe; do
	out=$(expect 400 PATCH /api/v1/system/time "{\"timezone\": \"$tz\"}")
	assert_problem_path "$out" '^system\.time\.timezone$'
done
for server in bad..name -x 999.1.2.3 "a b" "127.0.0.1;reboot"; do
	out=$(expect 400 PATCH /api/v1/system/time "$(jq -cn --arg s "$server" '{ntp_servers: [$s]}')")
	assert_problem_path "$out" '^system\.time\.ntp_servers'
done
out=$(expect 400 PATCH /api/v1/system/time '{"ntp_servers": ["127.0.0.1", "127.0.0.1"]}')
assert_problem_path "$out" '^system\.time\.ntp_servers$'
assert_eq "$before" "$(snapshot)" "files after refused changes"
assert_eq "127.0.0.1
127.0.0.3" "$(chrony_sources)" "chronyd's sources after refused changes"

log "NTP disabled: chronyd has no source; enabled again: back"
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": false}' >/dev/null
assert_eq "" "$(chrony_sources)" "sources with NTP disabled"
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": true}' >/dev/null
assert_eq "127.0.0.1
127.0.0.3" "$(chrony_sources)" "sources with NTP enabled again"

# A real NTP server on 127.0.0.2:123 (port 123: the rendered file names
# servers only), if the port is free: the state must say synchronised.
if command -v ss >/dev/null && [ -z "$(ss -Hlun 'sport = :123')" ]; then
	log "a local NTP server: chronyd synchronises to it, the state says so"
	mkdir -m 0750 "$TEST_TMP/ntpd"
	cat >"$TEST_TMP/ntpd/chrony.conf" <<EOF
local stratum 8
allow 127.0.0.0/8
bindaddress 127.0.0.2
port 123
cmdport 0
pidfile $TEST_TMP/ntpd/chronyd.pid
bindcmdaddress $TEST_TMP/ntpd/chronyd.sock
EOF
	chronyd -x -d -u root -f "$TEST_TMP/ntpd/chrony.conf" >"$TEST_TMP/ntpd/log" 2>&1 &
	ntpd_pid=$!
	at_exit "kill $ntpd_pid 2>/dev/null || true"
	expect 200 PATCH /api/v1/system/time '{"ntp_servers": ["127.0.0.2"]}' >/dev/null
	synced() {
		time_state | jq -e '.ntp_synchronised == true and .ntp_source == "127.0.0.2" and .ntp_stratum == 9' >/dev/null
	}
	wait_until -t 90 synced
else
	log "port 123 is in use (or no ss): synchronisation not checked"
fi

log "reboot: operator 403, admin without confirm 400"
expect 201 POST /api/v1/auth/users '{"name":"op","password":"operator-pass-1","role":"operator"}' >/dev/null
admin_auth=("${CURL_AUTH[@]}")
CURL_AUTH=(-u op:operator-pass-1)
for act in reboot shutdown cancel; do
	expect 403 POST "/api/v1/system/power/$act" '{"confirm": true}' >/dev/null
done
CURL_AUTH=("${admin_auth[@]}")
out=$(expect 400 POST /api/v1/system/power/reboot '{}')
assert_problem_path "$out" '^system\.power\.confirm$'
out=$(expect 400 POST /api/v1/system/power/shutdown '{"confirm": false, "delay": 60}')
assert_problem_path "$out" '^system\.power\.confirm$'
expect 200 GET /api/v1/system/power | jq -e '.pending == "none" and .dry_run == true' >/dev/null ||
	fail "power state: $(api GET /api/v1/system/power)"

log "reboot with a delay is pending (what, when, who) until cancelled"
expect 200 POST /api/v1/system/power/reboot '{"confirm": true, "delay": "1h"}' >/dev/null
st=$(expect 200 GET /api/v1/system/power)
jq -e '.pending == "reboot" and .requested_by == "admin" and
	((.scheduled_at | fromdateiso8601) - (.requested_at | fromdateiso8601)) == 3600' <<<"$st" >/dev/null ||
	fail "pending reboot: $st"
expect 409 POST /api/v1/system/power/shutdown '{"confirm": true}' >/dev/null
expect 200 POST /api/v1/system/power/cancel >/dev/null
expect 200 GET /api/v1/system/power | jq -e '.pending == "none" and .requested_by == null' >/dev/null ||
	fail "after cancel: $(api GET /api/v1/system/power)"
expect 409 POST /api/v1/system/power/cancel >/dev/null

log "the control socket (root) too: confirm required, pending, cancel"
ctl_refused '^system\.power\.confirm$' action system power reboot '{}' >/dev/null
ctl_ok action system power shutdown '{"confirm": true, "delay": "10m"}' >/dev/null
expect 200 GET /api/v1/system/power | jq -e '.pending == "shutdown" and .requested_by == "root"' >/dev/null ||
	fail "pending shutdown from the control socket: $(api GET /api/v1/system/power)"
ctl_ok action system power cancel >/dev/null

log "reboot now, and a shutdown whose delay runs out: events, nothing executed"
expect 200 POST /api/v1/system/power/reboot '{"confirm": true}' >/dev/null
expect 200 POST /api/v1/system/power/shutdown '{"confirm": true, "delay": 1}' >/dev/null
events() {
	expect 200 GET "/api/v1/events?plugin=system&limit=50"
}
not_executed() {
	events | jq -e --arg what "$1" \
		'[.items[] | select(.message == "\($what) requested by admin, not executed: sandbox (power_dry_run)")] | length == 1' >/dev/null
}
not_executed reboot || fail "no 'not executed' event for the reboot: $(events)"
wait_until -t 30 not_executed shutdown
events | jq -e '[.items[] | select(.message | test("^reboot for .* cancelled by admin$"))] | length == 1' >/dev/null ||
	fail "no event for the cancel: $(events)"
# The state follows at the next collect (collect_interval, 10 s here).
not_pending() {
	expect 200 GET /api/v1/system/power | jq -e '.pending == "none"' >/dev/null
}
wait_until -t 30 not_pending
commands=$(ctl_ok commands --limit 20)
jq -e '[.records[] | select(.user == "admin" and (.change | test("action system.power reboot")))] | length >= 2' \
	<<<"$commands" >/dev/null || fail "reboot actions not journaled as commands: $commands"
log "ok"
