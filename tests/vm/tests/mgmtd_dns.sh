#!/bin/bash
# mgmtd itself in the VM tier's guest, managing the guest's real /etc (the
# root disk is a throwaway snapshot) with the dns plugin: a change through
# mgmtctl over the control socket sets the kernel host name, /etc/hostname
# and /etc/resolv.conf; then the host reads and changes the same settings
# through the forwarded HTTP port (guest port 8080): with the REST API when
# the build has it (ENABLE_REST), else through the control protocol that a
# socat in the guest bridges to that port.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$top_srcdir/tests/integration/lib.sh"

[ "${MGMTD_VM:-0}" = 1 ] || skip "runs in the VM tier only (make check-vm)"
[ -x "$MGMTD" ] || fail "$MGMTD not built"
command -v jq >/dev/null || fail "jq missing from the guest image"
make_tmp
# The guest's own host name and files: back as they were for the tests
# that follow (a resolver at 192.0.2.53 slows every later name lookup).
cp -a /etc/hostname /etc/resolv.conf "$TEST_TMP/"
at_exit "cp -a '$TEST_TMP/hostname' '$TEST_TMP/resolv.conf' /etc/; hostname '$(hostname)'"
d=$TEST_TMP/mgmtd
mkdir -p "$d/state" "$d/run" "$d/plugins"
ln -s "$MGMTD_BUILD/plugins/dns/.libs/dns.so" "$d/plugins/dns.so"
rest=0
if grep -q '^#define ENABLE_REST 1' "$MGMTD_BUILD/config.h" 2>/dev/null; then
	rest=1
fi

cat >"$d/mgmtd.conf" <<CONF
state_dir = "$d/state";
plugin_dir = "$d/plugins";
plugins_load = [ "dns" ];
pid_file = "$d/run/mgmtd.pid";
control_socket = "$d/run/mgmtd.sock";
log_level = "info";
plugins = {
  dns = {
    hostname_file = "/etc/hostname";
    resolv_conf = "/etc/resolv.conf";
    hosts_file = "/etc/hosts";
    set_kernel_hostname = 1;
  };
};
CONF
if [ "$rest" = 1 ]; then
	cat >>"$d/mgmtd.conf" <<'CONF'
rest = {
  http = [ "0.0.0.0:8080" ];
  allow_remote_http = true;
};
CONF
fi

"$MGMTD" -f -c "$d/mgmtd.conf" </dev/null >"$d/mgmtd.log" 2>&1 &
pid=$!
at_exit "kill $pid; sleep 0.5"
mgmtd_ready() { [ "$(cat "$d/run/mgmtd.pid" 2>/dev/null)" = "$pid" ]; }
wait_until -t 60 mgmtd_ready || true
if ! mgmtd_ready; then
	cat "$d/mgmtd.log"
	fail "mgmtd not ready"
fi
MGMTD_SOCKET=$d/run/mgmtd.sock
log "mgmtd $("$MGMTD" --version) ready (pid $pid), REST: $([ "$rest" = 1 ] && echo yes || echo "not in this build")"

# Inside the guest, over the control socket.
ctl_ok put dns settings '{"hostname":"vm-nas1","domain":"example.com","resolvers":["192.0.2.53"]}' >/dev/null
assert_eq vm-nas1 "$(hostname)" "kernel host name"
assert_contains "$(cat /etc/hostname)" "vm-nas1" "/etc/hostname"
assert_contains "$(cat /etc/resolv.conf)" "nameserver 192.0.2.53" "/etc/resolv.conf"
assert_eq vm-nas1 "$(ctl_ok get | jq -r '.config.dns.settings.hostname')" "mgmtctl get"
version=$(config_version)

# From the host, through the forwarded port.
hostcall() {
	local out rc=0
	out=$("$MGMTD_VM_HOST_CALL" "$@" 2>&1) || rc=$?
	[ "$rc" -ne 77 ] || skip "host side: $out"
	[ "$rc" -eq 0 ] || fail "host call $1 exited $rc: $out"
	printf '%s\n' "$out"
}
if [ "$rest" = 1 ]; then
	pw=$(cat "$d/state/initial-admin-password") || fail "no initial admin password"
	out=$(hostcall http GET /api/v1/dns/settings admin "$pw")
	log "host: GET /api/v1/dns/settings: $(echo "$out" | tr '\n' ' ')"
	assert_eq 200 "$(echo "$out" | head -n 1)" "HTTP status of the GET"
	assert_contains "$out" '"vm-nas1"' "REST answer"
	out=$(hostcall http PATCH /api/v1/dns/settings admin "$pw" '{"hostname":"vm-nas2"}')
	log "host: PATCH /api/v1/dns/settings: $(echo "$out" | tr '\n' ' ')"
	case $(echo "$out" | head -n 1) in 2??) ;; *) fail "PATCH through the forwarded port: $out" ;; esac
else
	command -v socat >/dev/null || fail "socat missing from the guest image"
	socat TCP-LISTEN:8080,reuseaddr,fork "UNIX-CONNECT:$MGMTD_SOCKET" &
	at_exit "kill $!"
	wait_until -t 20 sh -c 'ss -Hlnt "sport = :8080" | grep -q .'
	out=$(hostcall mgmtctl-forward get)
	log "host: mgmtctl get through the forwarded port: $(echo "$out" | jq -c '.config.dns.settings' 2>/dev/null || echo "$out")"
	assert_eq vm-nas1 "$(echo "$out" | jq -r '.config.dns.settings.hostname')" "mgmtctl get from the host"
	hostcall mgmtctl-forward patch dns settings '{"hostname":"vm-nas2"}' >/dev/null
fi
hostname_is() { [ "$(hostname)" = "$1" ]; }
wait_until -t 10 hostname_is vm-nas2
assert_contains "$(cat /etc/hostname)" "vm-nas2" "/etc/hostname after the host's change"
assert_eq "$((version + 1))" "$(config_version)" "config version after the host's change"
log "ok: mgmtd in the guest answers the control socket and the host through the forwarded port"
