#!/bin/bash
# Threshold alerts over SNMP: a raised alert (a rule on a value always past
# it, made once the subagent serves so that no notification can be sent
# before it is connected) reaches snmptrapd as mgmtdEventNotification
# (warning, plugin alerts), and the alert is a row of the active table.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/snmp_lib.sh"

require_snmp
for p in status alerts; do
	[ -f "$MGMTD_BUILD/plugins/$p/.libs/$p.so" ] ||
		skip "the $p plugin is not built"
done
export MGMTD_COLLECT_INTERVAL=1
snmp_sandbox_up --with snmp,status,alerts
wait_until -t 10 subtree_answers
ctl_ok put alerts thresholds snmp_probe '{"plugin":"status","class":"host","attribute":"uptime","operator":"gt","value":0}' >/dev/null
EVENT=$MIB_ROOT.0.1
NOTIFY=$MIB_DAEMON.7
MIB_ALERTS_ACTIVE=$MIB_ROOT.1.5.2.1

wait_until -t 20 trap_logged "$EVENT" "$NOTIFY\.1\.0 = INTEGER: 5[[:space:]].*$NOTIFY\.2\.0 = STRING: \"alerts\".*alert snmp_probe raised: status\.host\.uptime = [0-9]+ > 0"
log "mgmtdEventNotification (warning, alerts) for the raised alert at snmptrapd"
n=$(grep -F "OID: $EVENT" "$SNMP_TRAP_LOG" | grep -c "alert snmp_probe raised" || true)
assert_eq 1 "$n" "notifications of the raise"

# Column 3 of the active table is the rule.
v2 snmpwalk "$MIB_ALERTS_ACTIVE.3" >"$TEST_TMP/walk" || fail "walk of alerts.active failed"
qgrep -F '"snmp_probe"' "$TEST_TMP/walk" ||
	fail "alerts.active over SNMP lacks snmp_probe: $(cat "$TEST_TMP/walk")"
log "alerts.active row over SNMP"
