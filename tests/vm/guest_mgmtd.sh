# Sourced by tests/vm/tests/*.sh after tests/integration/lib.sh: start and
# stop a mgmtd of the test's own in the VM guest, from $d/mgmtd.conf (its
# pid file in $d/run, its log $d/mgmtd.log).  start_mgmtd sets mgmtd_pid
# and pw, the initial admin's password; stop_mgmtd is a no-op when it does
# not run.

mgmtd_pid=""
start_mgmtd() {
	"$MGMTD" -f -c "$d/mgmtd.conf" </dev/null >>"$d/mgmtd.log" 2>&1 &
	mgmtd_pid=$!
	mgmtd_ready() { [ "$(cat "$d/run/mgmtd.pid" 2>/dev/null)" = "$mgmtd_pid" ]; }
	wait_until -t 60 mgmtd_ready || {
		cat "$d/mgmtd.log"
		fail "mgmtd not ready"
	}
	pw=$(cat "$d/state/initial-admin-password") || fail "no initial admin password"
}

stop_mgmtd() {
	[ -n "$mgmtd_pid" ] || return 0
	kill "$mgmtd_pid" 2>/dev/null
	for _ in $(seq 1 200); do
		pid_alive "$mgmtd_pid" || break
		sleep 0.3
	done
	kill -KILL "$mgmtd_pid" 2>/dev/null || true
	mgmtd_pid=""
}
