#!/bin/bash
# smbd under systemd (PID 1 in the VM tier's guest), through the cifs
# plugin and mgmtd's service supervision (mgmtd/service_systemd.c): mgmtd
# starts smbd as the unit mgmtd-smbd.service; system.services over REST
# shows it with systemd's main pid; smbd killed with SIGKILL is restarted
# by systemd and mgmtd counts the restart and raises the events; REST's
# stop, start and restart change the unit's state; a unit left running by
# a killed mgmtd is adopted, not duplicated; killed past the start limit
# it is failed, "stopped", with a flap event; with services = "children"
# the children branch still runs smbd as mgmtd's child.  Logs the unit and
# `systemctl show` as recorded for tests/unit/data/service_systemd_*.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$top_srcdir/tests/integration/lib.sh"

[ "${MGMTD_VM:-0}" = 1 ] || skip "runs in the VM tier only (make check-vm)"
[ -d /run/systemd/system ] || skip "PID 1 is not systemd (MGMTD_VM_INIT=script?)"
[ -x "$MGMTD" ] || fail "$MGMTD not built"
grep -q '^#define ENABLE_REST 1' "$MGMTD_BUILD/config.h" 2>/dev/null ||
	skip "this build has no REST"
[ -f "$MGMTD_BUILD/plugins/cifs/.libs/cifs.so" ] || skip "the cifs plugin was not built"
command -v smbd >/dev/null || fail "smbd missing from the guest image"
make_tmp
d=$TEST_TMP/mgmtd
mkdir -p "$d/state" "$d/run" "$d/plugins" "$d/samba" "$d/pids"
for p in cifs system; do
	ln -s "$MGMTD_BUILD/plugins/$p/.libs/$p.so" "$d/plugins/$p.so"
done
unit=mgmtd-smbd.service
port=8081
props=LoadState,ActiveState,SubState,Result,MainPID,NRestarts,ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,ExecMainCode,ExecMainStatus

# A step of the test, with the seconds since its start.
step() { log "[${SECONDS}s] $*"; }

write_conf() {
	cat >"$d/mgmtd.conf" <<CONF
state_dir = "$d/state";
plugin_dir = "$d/plugins";
plugins_load = [ "cifs", "system" ];
pid_file = "$d/run/mgmtd.pid";
control_socket = "$d/run/mgmtd.sock";
log_level = "info";
collect_interval = 2;
services = "$1";
rest = {
  http = [ "127.0.0.1:$port" ];
};
plugins = {
  cifs = {
    smb_conf = "$d/samba/smb.conf";
    samba_dir = "$d/samba";
    pid_dir = "$d/pids";
    port = 1445;
    interfaces = "127.0.0.1";
    bind_interfaces_only = 1;
  };
};
CONF
}

. "$top_srcdir/tests/vm/guest_mgmtd.sh"
at_exit "stop_mgmtd; systemctl stop $unit; systemctl reset-failed $unit"

api() {
	curl -sS --max-time 30 -u "admin:$pw" -X "$1" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} \
		"http://127.0.0.1:$port$2"
}
svc() { api GET /api/v1/system/services/smbd; }
svc_is() { svc | jq -e "$1" >/dev/null; }
# show_all: what systemd and mgmtd say, when something failed.
show_all() {
	echo "--- system.services smbd: $(svc)"
	systemctl status "$unit" 2>&1 | head -n 20
	echo "--- journal of $unit"
	journalctl -q --no-pager -u "$unit" -n 40 2>&1
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
# svc_wait JQ [SECONDS]: until system.services' smbd matches JQ; on timeout
# fail showing it, the unit and mgmtd's log.
svc_wait() {
	local deadline=$(($(date +%s) + ${2:-30}))
	until svc_is "$1"; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			show_all
			fail "system.services smbd is not: $1"
		fi
		sleep 0.3
	done
}
action() {
	local out
	out=$(api POST "/api/v1/system/services/smbd/$1" '{}') || fail "POST $1: $out"
	jq -e '.errors | not' <<<"$out" >/dev/null 2>&1 || fail "action $1: $out"
}
main_pid() { systemctl show -p MainPID --value "$unit"; }
active_is() { [ "$(systemctl is-active "$unit")" = "$1" ]; }
new_main_pid() {
	local p
	p=$(main_pid)
	[ "$p" != 0 ] && [ "$p" != "$1" ] && active_is active
}
event_seen() {
	api GET "/api/v1/events?plugin=cifs&limit=200" |
		jq -e --arg re "$1" '[.items[] | select(.object == "smbd" and (.message | test($re)))] | length > 0' >/dev/null
}
# event_wait REGEX: until an event of smbd matches; on timeout fail
# showing the last ones.
event_wait() {
	local deadline=$(($(date +%s) + 15))
	until event_seen "$1"; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			api GET "/api/v1/events?plugin=cifs&limit=30" | jq -c '.items[] | [.severity, .object, .message]'
			fail "no event of smbd matching: $1"
		fi
		sleep 0.3
	done
}

step "services = systemd: mgmtd starts smbd as $unit"
write_conf systemd
start_mgmtd
wait_or_show 60 "$unit is not active" active_is active
log "the unit mgmtd wrote:"
systemctl cat "$unit"
log "recorded: systemctl show -p $props $unit (running)"
systemctl show -p "$props" "$unit"
pid=$(main_pid)
assert_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "$d/samba/smb.conf" "smbd's command line"
assert_eq 1 "$(ps -o ppid= -p "$pid" | tr -d ' ')" "smbd's parent (systemd)"
svc_wait ".state == \"running\" and .pid == $pid and .plugin == \"cifs\" and .restarts == 0 and .uptime >= 0" 30

step "smbd killed with SIGKILL: systemd restarts it, mgmtd counts it"
kill -KILL "$pid"
# Catch systemd's wait before the restart (RestartSec=1s), for the record.
for _ in $(seq 1 20); do
	out=$(systemctl show -p "$props" "$unit")
	if grep -qx 'SubState=auto-restart' <<<"$out"; then
		log "recorded: systemctl show -p $props $unit (auto-restart)"
		printf '%s\n' "$out"
		break
	fi
	sleep 0.1
done
wait_or_show 60 "no new smbd" new_main_pid "$pid"
log "recorded: systemctl show -p $props $unit (restarted)"
systemctl show -p "$props" "$unit"
pid=$(main_pid)
svc_wait ".state == \"running\" and .pid == $pid and .restarts == 1" 30
event_wait "^restarted"
event_wait "killed by signal 9|died unexpectedly"
svc_is '.last_exit == 137' || log "the exit status was not seen (restarted between two looks): $(svc)"

step "REST actions: stop, start, restart"
action stop
active_is inactive || fail "$unit is $(systemctl is-active "$unit") after stop"
svc_wait '.state == "stopped"' 30
log "recorded: systemctl show -p $props $unit (stopped)"
systemctl show -p "$props" "$unit"
action start
active_is active || fail "$unit is $(systemctl is-active "$unit") after start"
pid=$(main_pid)
action restart
wait_or_show 30 "restart kept pid $pid" new_main_pid "$pid"
pid=$(main_pid)
svc_wait ".state == \"running\" and .pid == $pid" 30

step "a new share: smbd re-reads smb.conf on SIGHUP (systemctl kill --kill-whom=main)"
mkdir -p "$TEST_TMP/pub"
out=$(api POST /api/v1/cifs/shares "{\"name\": \"pub\", \"path\": \"$TEST_TMP/pub\"}")
jq -e '.errors | not' <<<"$out" >/dev/null 2>&1 || fail "POST share: $out"
assert_contains "$(cat "$d/samba/smb.conf")" "[pub]" "smb.conf"
assert_eq "$pid" "$(main_pid)" "smbd's pid after a share was added"
events=$(api GET "/api/v1/events?plugin=cifs&limit=50")
! jq -e '[.items[] | select(.message | test("does not follow"))] | length > 0' <<<"$events" >/dev/null ||
	fail "smbd did not take the new share: $events"

step "a unit left by a killed mgmtd is adopted"
kill -KILL "$mgmtd_pid"
wait_until pid_gone "$mgmtd_pid"
active_is active || fail "smbd died with mgmtd"
assert_eq "$pid" "$(main_pid)" "smbd's pid after mgmtd was killed"
start_mgmtd
svc_wait ".state == \"running\" and .pid == $pid" 30
assert_eq "$pid" "$(main_pid)" "smbd's pid after mgmtd started again"
[ "$(pgrep -c -x smbd)" -ge 1 ] || fail "no smbd"
event_wait "^adopted"

step "killed again and again: past the start limit systemd gives up (flapping)"
# (systemd 252 keeps Result=signal then, and says "Start request repeated
# too quickly" in the journal.)
for i in $(seq 1 12); do
	! active_is failed || break
	pid=$(main_pid)
	if [ "$pid" = 0 ]; then
		sleep 0.5
		continue
	fi
	kill -KILL "$pid"
	gone_or_new() {
		new_main_pid "$pid" || active_is failed
	}
	log "kill $i: pid $pid"
	wait_or_show 60 "kill $i: no new smbd, no start limit" gone_or_new
done
active_is failed || fail "$unit is $(systemctl is-active "$unit"), not failed"
assert_contains "$(journalctl -q --no-pager -u "$unit")" "Start request repeated too quickly" "the unit's journal"
log "recorded: systemctl show -p $props $unit (start limit hit)"
systemctl show -p "$props" "$unit"
svc_wait '.state == "stopped"' 30
event_wait "^flapping"
action start
active_is active || fail "an asked start after the flap: $(systemctl is-active "$unit")"

step "mgmtd stopping stops the unit"
stop_mgmtd
active_is inactive || fail "$unit is $(systemctl is-active "$unit") after mgmtd stopped"

step "services = children: smbd is mgmtd's child even under systemd"
write_conf children
start_mgmtd
spid() { cat "$d/pids/smbd.pid" 2>/dev/null; }
smbd_up() { local p; p=$(spid) && [ -n "$p" ] && pid_alive "$p"; }
wait_or_show 60 "no smbd in children mode" smbd_up
pid=$(spid)
assert_eq "$mgmtd_pid" "$(ps -o ppid= -p "$pid" | tr -d ' ')" "smbd's parent (children mode)"
active_is inactive || fail "$unit runs in children mode"
svc_wait ".state == \"running\" and .pid == $pid" 30
kill -KILL "$pid"
smbd_new() { local p; p=$(spid) && [ "$p" != "$pid" ] && pid_alive "$p"; }
wait_or_show 60 "the children branch did not restart smbd" smbd_new
svc_wait '.restarts == 1' 30
stop_mgmtd
step "ok: smbd as a systemd unit (restart, actions, adoption, flap) and as mgmtd's child"
