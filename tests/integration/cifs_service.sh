#!/bin/bash
# smbd under mgmtd's supervisor: killed from outside it comes back and an
# event says so; stop, start, restart and reload actions; enabled=false
# stops it; live sessions, connections and open files appear in the state
# (REST, and SNMP when the snmp part is there) and a session can be
# disconnected; a leftover smbd of a killed mgmtd is replaced; stopping
# the sandbox stops smbd and the samba-dcerpcd it spawned.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
. "$top_srcdir/tests/integration/cifs_lib.sh"

# SNMP shows the sessions too, when mgmtd has it and Net-SNMP is here.
snmp=no
if grep -q 'AgentX subagent of' "$MGMTD" 2>/dev/null &&
	command -v snmpd >/dev/null && command -v snmpwalk >/dev/null; then
	. "$top_srcdir/tests/integration/snmp_lib.sh"
	snmp=yes
	CIFS_PARTS=cifs,snmp
fi
cifs_up
data=$TEST_TMP/data
mkdir -p "$data/pub"
chmod 0755 "$TEST_TMP" "$data"
chmod 0777 "$data/pub"
echo "open me" >"$data/pub/f.txt"
chmod 0666 "$data/pub/f.txt"
ok create accounts users alice '{"uid": 2001, "password": "Alice-pass-1"}' >/dev/null
ok create cifs shares pub "{\"path\": \"$data/pub\", \"read_only\": false}" >/dev/null

pid_file=$MGMTD_DIR/pids/smbd.pid
smbd_pid_is_new() {
	local p
	p=$(cat "$pid_file" 2>/dev/null) && [ -n "$p" ] && [ "$p" != "$1" ] && pid_alive "$p"
}
state_has() {
	cifs_state | jq -e "$1" >/dev/null
}

log "smbd runs as mgmtd's child"
pid=$(cat "$pid_file")
assert_eq "$MGMTD_PID" "$(ps -o ppid= -p "$pid" | tr -d ' ')" "smbd's parent"
wait_until -t 30 state_has ".server.running == true and .server.pid == $pid and (.server.version | length > 0)"

log "smbd killed from outside is restarted, and an event says so"
kill -KILL "$pid"
wait_until smbd_pid_is_new "$pid"
wait_until smbd_answers
events=$(ctl_ok events --plugin cifs --limit 20)
jq -e '[.records[] | select(.object == "smbd" and (.message | test("killed by signal 9")))] | length > 0' \
	<<<"$events" >/dev/null || fail "no event about the killed smbd: $events"
jq -e '[.records[] | select(.object == "smbd" and (.message | test("^restarted")))] | length > 0' \
	<<<"$events" >/dev/null || fail "no event about the restart: $events"
wait_until -t 30 state_has '.server.restarts == 1'
smb_as alice%Alice-pass-1 pub ls >/dev/null || fail "no service after the restart"

log "the system plugin's table of services: smbd, and its actions"
system_lists_smbd() {
	ctl_ok state | jq -e --argjson pid "$(cat "$pid_file")" \
		'.state.system.services.smbd | .plugin == "cifs" and .state == "running" and .pid == $pid and .restarts == 1 and .last_exit == 137' >/dev/null
}
wait_until -t 30 system_lists_smbd
pid=$(cat "$pid_file")
action system services smbd restart
wait_until smbd_pid_is_new "$pid"
wait_until smbd_answers

log "actions: stop, start, restart, reload"
pid=$(cat "$pid_file")
helper=$(cat "$MGMTD_DIR/pids/samba-dcerpcd.pid" 2>/dev/null || true)
action cifs server '' stop
pid_gone "$pid" || fail "smbd still runs after stop"
[ -z "$helper" ] || wait_until pid_gone "$helper"
! smbd_answers || fail "something still answers after stop"
action cifs server '' start
wait_until smbd_answers
pid=$(cat "$pid_file")
action cifs server '' restart
wait_until smbd_pid_is_new "$pid"
wait_until smbd_answers
action cifs server '' reload
smb_as alice%Alice-pass-1 pub ls >/dev/null || fail "no service after reload"

log "enabled=false stops smbd, true starts it"
pid=$(cat "$pid_file")
ok patch cifs server '' '{"enabled": false}' >/dev/null
pid_gone "$pid" || fail "smbd runs although disabled"
ok patch cifs server '' '{"enabled": true}' >/dev/null
wait_until smbd_answers

log "a session, its connection and its open file in the state; disconnect"
mkfifo "$TEST_TMP/cmds"
smb "//$SMB_HOST/pub" -U alice%Alice-pass-1 <"$TEST_TMP/cmds" >"$TEST_TMP/client.out" 2>&1 &
client=$!
exec 3>"$TEST_TMP/cmds"
echo "open f.txt" >&3
session_listed() {
	state_has '[.sessions // {} | .[] | select(.user == "alice")] | length == 1' &&
		state_has '[.connections // {} | .[] | select(.share == "pub")] | length == 1' &&
		state_has '[.open_files // {} | .[] | select(.filename == "f.txt" and .user == "alice")] | length == 1' &&
		state_has '.shares.pub.connections == 1'
}
# The collector runs every 10 s in a sandbox.
wait_until -t 40 session_listed
key=$(cifs_state | jq -r '.sessions | keys[0]')
if have_rest; then
	out=$(expect 200 GET /api/v1/cifs/sessions)
	jq -e --arg k "$key" '[.items[] | select(.session_id == $k and .user == "alice" and (.protocol | startswith("SMB")))] | length == 1' \
		<<<"$out" >/dev/null || fail "the session is not in REST's list: $out"
	expect 200 GET "/api/v1/cifs/sessions/$key" | jq -e '.user == "alice"' >/dev/null ||
		fail "GET of the session"
fi
if [ "$snmp" = yes ]; then
	# cifs is arc 3, sessions its table 3, user column 3.
	walk=$(v2 snmpwalk "$MIB_ROOT.1.3.3.1.3")
	assert_contains "$walk" '"alice"' "the sessions table over SNMP"
else
	log "no SNMP here: the sessions table is checked over REST only"
fi
action cifs sessions "$key" disconnect
session_gone() {
	! smbstatus -s "$SMB_CONF" --json | jq -e --arg k "$key" '.sessions | has($k)' >/dev/null
}
wait_until session_gone
# smbclient notices at its next request; it may be gone already (then the
# write dies of SIGPIPE, in a subshell).
(echo "ls" >&3) 2>/dev/null || true
wait_until pid_gone "$client"
exec 3>&-
assert_contains "$(cat "$TEST_TMP/client.out")" "NT_STATUS_CONNECTION_DISCONNECTED" "the client's view"
events=$(ctl_ok events --plugin cifs --limit 20)
jq -e '[.records[] | select(.message | test("session of alice disconnected"))] | length > 0' \
	<<<"$events" >/dev/null || fail "no event about the disconnect: $events"
if have_rest; then
	expect 404 POST "/api/v1/cifs/sessions/$key/disconnect" '{}' >/dev/null
fi

log "a leftover smbd of a killed mgmtd is replaced at the next start"
pid=$(cat "$pid_file")
kill -KILL "$MGMTD_PID"
wait_until pid_gone "$MGMTD_PID"
pid_alive "$pid" || fail "smbd died with mgmtd (it should outlive a crash)"
sandbox_reuse
wait_until smbd_pid_is_new "$pid"
pid_gone "$pid" || fail "the leftover smbd still runs"
wait_until smbd_answers
smb_as alice%Alice-pass-1 pub ls >/dev/null || fail "no service after the mgmtd restart"

log "stopping the sandbox stops smbd and samba-dcerpcd"
pid=$(cat "$pid_file")
helper=$(cat "$MGMTD_DIR/pids/samba-dcerpcd.pid" 2>/dev/null || true)
"$SANDBOX" stop "$SANDBOX_DIR" >/dev/null
pid_gone "$pid" || fail "smbd still runs after sandbox stop"
[ -z "$helper" ] || pid_gone "$helper" || fail "samba-dcerpcd still runs after sandbox stop"
log "ok"
