# shellcheck shell=bash
# Helpers for the SNMP tests; source after lib.sh.  The clients use numeric
# OIDs only (MIBS empty: no MIB files are read).

export MIBS=
MIB_ROOT=.1.3.6.1.4.1.8072.9999.9999.4242
MIB_DNS=$MIB_ROOT.1.1
MIB_DNS_SETTINGS=$MIB_DNS.1
MIB_DNS_HOSTS=$MIB_DNS.2.1
MIB_DAEMON=$MIB_ROOT.3
SNMP_OUT=""

# Skip unless the sandbox, Net-SNMP's tools and an mgmtd with SNMP exist.
require_snmp() {
	local t
	require_sandbox
	for t in snmpd snmptrapd snmpget snmpwalk snmpbulkwalk snmpset ss; do
		command -v "$t" >/dev/null ||
			skip "$t is not installed (tests/install-deps installs snmpd, snmptrapd, snmp)"
	done
	grep -q 'AgentX subagent of' "$MGMTD" ||
		skip "mgmtd was built without SNMP (configure --enable-snmp)"
}

# Start a sandbox with snmpd, snmptrapd and mgmtd as a subagent.
# shellcheck disable=SC2120 # options are optional
snmp_sandbox_up() {
	sandbox_up --with snmp "$@"
	[ -n "${SNMP_AGENT:-}" ] || fail "the sandbox's env has no SNMP_AGENT"
}

# v2 CMD [-OPTIONS...] OIDS: a v2c read, OID value per line (-On -Oq);
# leading options go before the agent.
v2() {
	local cmd=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		opts+=("$1")
		shift
	done
	"$cmd" -v2c -c "$SNMP_COMMUNITY" -On -Oq -t 2 -r 1 "${opts[@]}" "$SNMP_AGENT" "$@"
}

v3_args() {
	echo "-v3 -l authPriv -u $SNMP_V3_USER -a SHA -A $SNMP_V3_AUTH -x AES -X $SNMP_V3_PRIV -n $SNMP_V3_CONTEXT -On -Oq -t 5 -r 0"
}

# snmpset over v3 (authPriv, the user's context); fails the test unless it
# is accepted.
v3set() {
	local rc=0
	# shellcheck disable=SC2046 # word splitting of the options is meant
	SNMP_OUT=$(snmpset $(v3_args) "$SNMP_AGENT" "$@" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || fail "snmpset $* refused: $SNMP_OUT"
}

# set_refused STATUS CMD ARGS: the SET (CMD: v3 or v2) must fail with
# error status STATUS ("Reason: STATUS" in Net-SNMP's words).
set_refused() {
	local status=$1 how=$2 rc=0
	shift 2
	if [ "$how" = v3 ]; then
		# shellcheck disable=SC2046
		SNMP_OUT=$(snmpset $(v3_args) "$SNMP_AGENT" "$@" 2>&1) || rc=$?
	else
		SNMP_OUT=$(snmpset -v2c -c "$SNMP_COMMUNITY" -On -t 5 -r 0 "$SNMP_AGENT" "$@" 2>&1) || rc=$?
	fi
	[ "$rc" -ne 0 ] || fail "snmpset $* was accepted, want $status: $SNMP_OUT"
	assert_contains "$SNMP_OUT" "Reason: $status" "snmpset $*"
}

# The index of a string key: its length, then one sub-identifier a byte.
str_index() {
	local s=$1 out i
	out=".${#s}"
	for ((i = 0; i < ${#s}; i++)); do
		out="$out.$(printf '%d' "'${s:i:1}")"
	done
	printf '%s\n' "$out"
}

# The value of one OID, as -Oqv prints it (strings without quotes).
snmp_value() {
	v2 snmpget -Ov "$1" | sed 's/^"\(.*\)"$/\1/'
}

# The subtree answers (for wait_until after snmpd restarts).
subtree_answers() {
	v2 snmpget -Ov "$MIB_DAEMON.1.0" 2>/dev/null | qgrep '^"'
}

# The trap log has a notification of OID $1 with a varbind line matching
# the extended regex $2.
trap_logged() {
	grep -F "OID: $1" "$SNMP_TRAP_LOG" | grep -Eq "$2"
}
