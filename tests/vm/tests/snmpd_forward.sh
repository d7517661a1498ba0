#!/bin/bash
# snmpd in the VM tier's guest on the standard port 161 (UDP and TCP),
# answering the host through the forwarded port: the path by which mgmtd's
# SNMP subagent will be reached.  The forward is TCP: QEMU's user networking
# with restrict=on drops the guest's replies to a forwarded UDP port.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$top_srcdir/tests/integration/lib.sh"

[ "${MGMTD_VM:-0}" = 1 ] || skip "runs in the VM tier only (make check-vm)"
command -v snmpd >/dev/null || fail "snmpd missing from the guest image"
make_tmp
cat >"$TEST_TMP/snmpd.conf" <<CONF
agentAddress udp:161,tcp:161
rocommunity mgmtdvm default
sysDescr mgmtd VM tier snmpd $$
sysName mgmtd-vm
master agentx
agentXSocket $TEST_TMP/agentx.sock
CONF
MIBS= snmpd -f -Lo -C -c "$TEST_TMP/snmpd.conf" -p "$TEST_TMP/snmpd.pid" \
	--persistentDir="$TEST_TMP" >"$TEST_TMP/snmpd.log" 2>&1 &
pid=$!
at_exit "kill $pid"
wait_until -t 30 sh -c 'ss -Hlnt "sport = :161" | grep -q .'
out=$(MIBS= snmpget -v2c -c mgmtdvm -On 127.0.0.1 1.3.6.1.2.1.1.1.0 2>&1) || fail "snmpget in the guest: $out"
assert_contains "$out" "mgmtd VM tier snmpd $$" "snmpget in the guest"
rc=0
out=$("$MGMTD_VM_HOST_CALL" snmpget mgmtdvm 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.5.0 2>&1) || rc=$?
[ "$rc" -ne 77 ] || skip "host side: $out"
[ "$rc" -eq 0 ] || fail "snmpget from the host exited $rc: $out"
log "host: $(echo "$out" | tr '\n' ' ')"
assert_contains "$out" "mgmtd VM tier snmpd $$" "snmpget from the host"
assert_contains "$out" "mgmtd-vm" "snmpget from the host"
log "ok: snmpd in the guest answers the host through the forwarded port (SNMP over TCP)"
