#!/bin/bash
# Notifications and reconnection: a committed change reaches snmptrapd as
# mgmtdConfigChanged (version, user, interface), a warning event as
# mgmtdEventNotification (severity, plugin, message); after snmpd restarts
# under a running mgmtd, walks, SETs and notifications work again within a
# few seconds.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/snmp_lib.sh"

require_snmp
snmp_sandbox_up
CHANGED=$MIB_ROOT.0.2
EVENT=$MIB_ROOT.0.1
NOTIFY=$MIB_DAEMON.7

# --- a change through the control socket ----------------------------------
ctl_ok put dns hosts t1 '{"addresses":["10.1.1.1"]}' >/dev/null
v=$(config_version)
wait_until -t 10 trap_logged "$CHANGED" "$MIB_DAEMON\.3\.0 = Gauge32: $v[[:space:]].*$MIB_DAEMON\.5\.0 = STRING: \"root\".*$NOTIFY\.5\.0 = STRING: \"cli\".*$NOTIFY\.6\.0 = STRING: \"dns\.hosts\[t1\] added\""
log "mgmtdConfigChanged for version $v (cli) at snmptrapd"

# --- a change over SNMP -----------------------------------------------------
v3set "$MIB_DNS_SETTINGS.1.0" s trapped
v=$(config_version)
wait_until -t 10 trap_logged "$CHANGED" "$MIB_DAEMON\.3\.0 = Gauge32: $v[[:space:]].*STRING: \"mgmtadmin\".*$NOTIFY\.5\.0 = STRING: \"snmp\""
log "mgmtdConfigChanged for version $v (snmp, mgmtadmin) at snmptrapd"

# --- a warning event: a change not confirmed in time rolls back -------------
ctl_ok put dns hosts t2 '{"addresses":["10.1.1.2"]}' --confirm-timeout 1 >/dev/null
wait_until -t 15 trap_logged "$EVENT" "$NOTIFY\.1\.0 = INTEGER: 5[[:space:]].*$NOTIFY\.2\.0 = STRING: \"mgmtd\".*not confirmed in time"
log "mgmtdEventNotification (warning) for the confirm timeout at snmptrapd"
# Info events are not sent.
if grep -F "OID: $EVENT" "$SNMP_TRAP_LOG" | qgrep "$NOTIFY\.1\.0 = INTEGER: 7"; then
	fail "an info event was sent as a notification"
fi

# --- snmpd restarts under mgmtd -------------------------------------------------
old=$(cat "$SNMPD_PID_FILE")
kill -TERM "$old"
wait_until -t 10 pid_gone "$old"
if subtree_answers; then
	fail "the subtree answers with snmpd stopped?"
fi
"$SNMPD_START" || fail "snmpd did not start again"
t0=$(date +%s%N)
wait_until -t 10 subtree_answers
log "subtree served again $((($(date +%s%N) - t0) / 1000000)) ms after snmpd answered"
v2 snmpwalk "$MIB_DNS" >"$TEST_TMP/walk" || fail "walk after the restart failed"
grep -q "^$MIB_DNS_HOSTS\.3$(str_index t1) \"10.1.1.1\"$" "$TEST_TMP/walk" ||
	fail "walk after the restart lacks host t1: $(cat "$TEST_TMP/walk")"
v3set "$MIB_DNS_SETTINGS.1.0" s again
v=$(config_version)
wait_until -t 10 trap_logged "$CHANGED" "$MIB_DAEMON\.3\.0 = Gauge32: $v[[:space:]]"
log "after the restart: walk, SET and notification work"
