#!/bin/bash
# The system plugin's systemd-timesyncd branch under systemd (PID 1 in the
# VM tier's guest), through REST: NTP servers set through REST land in the
# drop-in /etc/systemd/timesyncd.conf.d/mgmtd.conf, systemd-timesyncd is
# restarted (a new main pid) and uses them (`timedatectl show-timesync`),
# system.time's state says timesyncd and lists them; ntp_enabled=false
# stops the daemon and true starts it again; a bad server is refused with
# 400 naming system.time.ntp_servers, the drop-in stays byte-identical and
# the daemon is not restarted; a time zone set through REST is the one
# `timedatectl show` (systemd-timedated) reports.  Logs `timedatectl show`
# and `show-timesync` as systemd 252 prints them, for the unit tests'
# data.  Synchronisation is not checked: restrict=on leaves no NTP server
# to reach, and the image has none of its own.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$top_srcdir/tests/integration/lib.sh"

[ "${MGMTD_VM:-0}" = 1 ] || skip "runs in the VM tier only (make check-vm)"
[ -d /run/systemd/system ] || skip "PID 1 is not systemd (MGMTD_VM_INIT=script?)"
[ -x "$MGMTD" ] || fail "$MGMTD not built"
grep -q '^#define ENABLE_REST 1' "$MGMTD_BUILD/config.h" 2>/dev/null ||
	skip "this build has no REST"
[ -f "$MGMTD_BUILD/plugins/system/.libs/system.so" ] || skip "the system plugin was not built"
[ -x /lib/systemd/systemd-timesyncd ] || fail "systemd-timesyncd missing from the guest image"
command -v dbus-daemon >/dev/null || fail "dbus missing from the guest image"
[ -f /usr/share/zoneinfo/Europe/Paris ] || fail "tzdata missing from the guest image"
make_tmp
d=$TEST_TMP/mgmtd
mkdir -p "$d/state" "$d/run" "$d/plugins"
ln -s "$MGMTD_BUILD/plugins/system/.libs/system.so" "$d/plugins/system.so"
unit=systemd-timesyncd.service
dropin=/etc/systemd/timesyncd.conf.d/mgmtd.conf
port=8081

# A step of the test, with the seconds since its start.
step() { log "[${SECONDS}s] $*"; }

# The guest is thrown away after the run, but later tests share it: put
# the clock's files back and stop what this test started.
cp -P /etc/localtime "$TEST_TMP/localtime.orig" 2>/dev/null || true
cp /etc/timezone "$TEST_TMP/timezone.orig" 2>/dev/null || true
# A resolver that fails at once: timesyncd resolves names in a thread that
# its stop waits for, and earlier tests leave resolv.conf naming servers
# that never answer (mgmtd_dns.sh: 192.0.2.53), which made each stop last
# over 10 s.
cp /etc/resolv.conf "$TEST_TMP/resolv.conf.orig" 2>/dev/null || : >"$TEST_TMP/resolv.conf.orig"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >/etc/resolv.conf
restore() {
	systemctl stop "$unit"
	rm -f "$dropin"
	cat "$TEST_TMP/resolv.conf.orig" >/etc/resolv.conf
	if [ -L "$TEST_TMP/localtime.orig" ] || [ -f "$TEST_TMP/localtime.orig" ]; then
		cp -P "$TEST_TMP/localtime.orig" /etc/localtime.test-orig && mv -f /etc/localtime.test-orig /etc/localtime
	else
		rm -f /etc/localtime
	fi
	if [ -f "$TEST_TMP/timezone.orig" ]; then cp "$TEST_TMP/timezone.orig" /etc/timezone; else rm -f /etc/timezone; fi
}
at_exit restore

cat >"$d/mgmtd.conf" <<CONF
state_dir = "$d/state";
plugin_dir = "$d/plugins";
plugins_load = [ "system" ];
pid_file = "$d/run/mgmtd.pid";
control_socket = "$d/run/mgmtd.sock";
log_level = "info";
collect_interval = 2;
rest = {
  http = [ "127.0.0.1:$port" ];
};
plugins = {
  system = {
    ntp = "timesyncd";
    power_dry_run = 1;
  };
};
CONF

. "$top_srcdir/tests/vm/guest_mgmtd.sh"
at_exit stop_mgmtd

# api METHOD PATH [BODY]: the body, then the HTTP status on a line of its
# own.
api() {
	curl -sS --max-time 30 -u "admin:$pw" -X "$1" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} \
		-w '\n%{http_code}' "http://127.0.0.1:$port$2"
}
# expect STATUS METHOD PATH [BODY]: the body, failing on another status.
expect() {
	local want=$1 out code
	shift
	out=$(api "$@") || fail "curl $*: $out"
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	[ "$code" = "$want" ] || fail "$* -> $code (want $want): $out"
	printf '%s\n' "$out"
}
time_state() { expect 200 GET /api/v1/system/time; }
show_all() {
	echo "--- system.time: $(api GET /api/v1/system/time)"
	systemctl status "$unit" 2>&1 | head -n 20
	echo "--- journal of $unit"
	journalctl -q --no-pager -u "$unit" -n 30 2>&1
	echo "--- events"
	api GET "/api/v1/events?plugin=system&limit=20"
	echo "--- mgmtd.log"
	tail -n 40 "$d/mgmtd.log"
}
# wait_or_show SECONDS WHAT CMD...: until CMD succeeds; on timeout fail
# with show_all.
wait_or_show() {
	local deadline=$(($(date +%s) + $1)) what=$2
	shift 2
	until ("$@") >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			show_all
			fail "$what"
		fi
		sleep 0.3
	done
}
show_fail() {
	show_all
	fail "$*"
}
main_pid() { systemctl show -p MainPID --value "$unit"; }
active_is() { [ "$(systemctl is-active "$unit")" = "$1" ]; }
# The servers timesyncd was configured with, as it reports them over D-Bus.
timesync_servers() { timedatectl show-timesync -p SystemNTPServers --value; }
state_is() { time_state | jq -e "$1" >/dev/null; }

step "the bus (timedatectl asks timedated and timesyncd over it)"
# (not pulled by mgmtd-vm.target; a NAS has it)
systemctl start dbus.socket dbus.service || fail "cannot start dbus"
timedatectl show >/dev/null || fail "timedatectl show: $(timedatectl show 2>&1)"
systemctl stop "$unit"
rm -f "$dropin"

step "mgmtd with ntp = timesyncd: nothing configured, nothing touched"
start_mgmtd
active_is inactive || fail "$unit started with no server configured: $(systemctl is-active "$unit")"
[ ! -e "$dropin" ] || fail "a drop-in with nothing configured: $(cat "$dropin")"
state_is '.ntp_daemon == "timesyncd"' || fail "system.time: $(time_state)"

step "NTP servers through REST: the drop-in, a restart, timesyncd uses them"
# Started here so that the restart below is seen as a new main pid.
systemctl start "$unit"
pid=$(main_pid)
[ "$pid" != 0 ] || fail "$unit did not start"
expect 200 PATCH /api/v1/system/time '{"ntp_servers": ["10.0.2.2", "ntp.example.org"]}' >/dev/null
assert_eq "[Time]
NTP=10.0.2.2 ntp.example.org" "$(grep -v '^#' "$dropin")" "the drop-in"
active_is active || show_fail "$unit is $(systemctl is-active "$unit") after the change"
new_pid=$(main_pid)
if [ "$new_pid" = 0 ] || [ "$new_pid" = "$pid" ]; then
	show_fail "$unit was not restarted (main pid $pid, now $new_pid)"
fi
wait_or_show 30 "timesyncd does not use the servers: $(timesync_servers)" \
	test "$(timesync_servers)" = "10.0.2.2 ntp.example.org"
log "recorded: timedatectl show"
timedatectl show
log "recorded: timedatectl show-timesync"
timedatectl show-timesync
wait_or_show 30 "system.time does not list the servers" state_is \
	'.ntp_daemon == "timesyncd" and .ntp_enabled == true and
	 .ntp_sources == ["10.0.2.2", "ntp.example.org"] and
	 (.ntp_synchronised | type) == "boolean"'
# Nothing answers NTP here: not synchronised, so no source.
state_is '.ntp_synchronised or (.ntp_source == null)' || fail "a source while not synchronised: $(time_state)"

step "a bad server: 400 naming system.time.ntp_servers, nothing changes"
before=$(sha256sum <"$dropin")
pid=$(main_pid)
for server in bad..name -x 999.1.2.3 "a b" "10.0.2.2;reboot"; do
	out=$(expect 400 PATCH /api/v1/system/time "$(jq -cn --arg s "$server" '{ntp_servers: [$s]}')")
	jq -e '[.errors[]? | select(.path | test("^system\\.time\\.ntp_servers"))] | length > 0' <<<"$out" >/dev/null ||
		fail "no error naming system.time.ntp_servers for '$server': $out"
done
assert_eq "$before" "$(sha256sum <"$dropin")" "the drop-in after refused changes"
assert_eq "$pid" "$(main_pid)" "timesyncd's main pid after refused changes"
assert_eq "10.0.2.2 ntp.example.org" "$(timesync_servers)" "timesyncd's servers after refused changes"

step "ntp_enabled = false stops timesyncd, true starts it again"
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": false}' >/dev/null
active_is inactive || show_fail "$unit is $(systemctl is-active "$unit") with NTP disabled"
assert_eq "NTP=" "$(grep '^NTP=' "$dropin")" "the drop-in with NTP disabled"
# Collects (every 2 s) must not start it again: timedatectl show-timesync
# would, through D-Bus activation.
sleep 5
active_is inactive || show_fail "$unit is $(systemctl is-active "$unit") a few collects after NTP was disabled"
state_is '.ntp_sources == null' || fail "ntp_sources with timesyncd stopped: $(time_state)"
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": true}' >/dev/null
active_is active || show_fail "$unit is $(systemctl is-active "$unit") with NTP enabled again"
wait_or_show 30 "timesyncd's servers with NTP enabled again: $(timesync_servers)" \
	test "$(timesync_servers)" = "10.0.2.2 ntp.example.org"

step "disabled across a restart of mgmtd: it stays stopped"
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": false}' >/dev/null
stop_mgmtd
systemctl start "$unit"
start_mgmtd
wait_or_show 30 "$unit runs though NTP is disabled" active_is inactive
expect 200 PATCH /api/v1/system/time '{"ntp_enabled": true}' >/dev/null
active_is active || show_fail "$unit is $(systemctl is-active "$unit") with NTP enabled again"

step "a time zone through REST is what timedated reports"
for tz in Europe/Paris America/New_York; do
	expect 200 PATCH /api/v1/system/time "{\"timezone\": \"$tz\"}" >/dev/null
	assert_eq "/usr/share/zoneinfo/$tz" "$(readlink /etc/localtime)" "/etc/localtime"
	assert_eq "$tz" "$(cat /etc/timezone)" "/etc/timezone"
	assert_eq "$tz" "$(timedatectl show -p Timezone --value)" "timedatectl's time zone"
	wait_or_show 30 "system.time's zone is not $tz" state_is ".timezone_in_effect == \"$tz\""
	assert_eq "$(TZ=$tz date +%:z)" "$(time_state | jq -r '.current_time[-6:]')" "current_time's offset in $tz"
done

stop_mgmtd
step "ok: timesyncd's drop-in, restart, stop and start; timedated's time zone"
