# shellcheck shell=bash
# The sandbox's snmp part, sourced by tests/sandbox: a private snmpd as
# AgentX master and a snmptrapd, both on loopback UDP ports, everything
# under DIR/snmp.
#
#   snmpd     agentAddress udp:127.0.0.1:PORT, master agentx on
#             DIR/snmp/agentx.sock; v2c community "public" read-only; v3
#             user $SNMP_V3_USER (SHA/AES, authPriv) that reads in the
#             default context and writes only in its own context (named
#             like it): AgentX does not tell a subagent who asked, so mgmtd
#             journals the context as the user (mgmtd/agentx_set.c).
#             Notifications go to the snmptrapd.
#   snmptrapd logs what it receives, with numeric OIDs, to DIR/traps.log.
#
# DIR/env gets SNMP_AGENT (host:port), SNMP_COMMUNITY, SNMP_V3_USER,
# SNMP_V3_AUTH, SNMP_V3_PRIV, SNMP_V3_CONTEXT, SNMP_TRAP_LOG, SNMPD_CONF,
# SNMP_AGENTX_SOCKET and SNMPD_START (a script that starts snmpd again the
# same way and waits for it: the tests restart snmpd under mgmtd).  Both
# daemons are stopped by their pid files in DIR/pids.  Extra snmpd.conf
# lines may come from the file $SNMPD_EXTRA_CONF (the benchmarks add an
# extend there).

snmp_peer_parts="snmp"
snmp_v3_user=mgmtadmin
snmp_v3_auth=mgmtd-auth-secret
snmp_v3_priv=mgmtd-priv-secret

# Whether part $1 is a peer daemon rather than a plugin.
snmp_is_peer() {
	case " $snmp_peer_parts " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

snmp_in_parts() {
	case ",$1," in
	*,snmp,*) return 0 ;;
	esac
	return 1
}

# The daemon config's snmp group, when the part is selected.
snmp_config_group() {
	local dir=$1 parts=$2
	snmp_in_parts "$parts" || return 0
	cat <<EOF
snmp = {
  agentx_socket = "$dir/snmp/agentx.sock";
  ping_interval = 1;
  contexts = [ "$snmp_v3_user" ];
};
EOF
}

snmp_write_env() {
	local dir=$1
	[ -f "$dir/snmp/ports" ] || return 0
	# shellcheck disable=SC1091
	. "$dir/snmp/ports"
	printf 'export SNMP_AGENT=%q\n' "127.0.0.1:$snmp_port"
	printf 'export SNMP_COMMUNITY=%q\n' public
	printf 'export SNMP_V3_USER=%q\n' "$snmp_v3_user"
	printf 'export SNMP_V3_AUTH=%q\n' "$snmp_v3_auth"
	printf 'export SNMP_V3_PRIV=%q\n' "$snmp_v3_priv"
	printf 'export SNMP_V3_CONTEXT=%q\n' "$snmp_v3_user"
	printf 'export SNMP_TRAP_LOG=%q\n' "$dir/traps.log"
	printf 'export SNMPD_CONF=%q\n' "$dir/snmp/snmpd.conf"
	printf 'export SNMP_AGENTX_SOCKET=%q\n' "$dir/snmp/agentx.sock"
	printf 'export SNMPD_START=%q\n' "$dir/snmp/start-snmpd"
	printf 'export SNMPD_PID_FILE=%q\n' "$dir/pids/snmpd.pid"
}

snmp_write_confs() {
	local dir=$1
	# shellcheck disable=SC1091
	. "$dir/snmp/ports"
	cat >"$dir/snmp/snmpd.conf" <<EOF
# Written by tests/sandbox: a private master agent for mgmtd.
agentAddress udp:127.0.0.1:$snmp_port
master agentx
agentXSocket $dir/snmp/agentx.sock
agentXPerms 0600 0700
agentXTimeout 5
createUser $snmp_v3_user SHA "$snmp_v3_auth" AES "$snmp_v3_priv"
view all included .1
group mgmtdrw usm $snmp_v3_user
access mgmtdrw "" usm priv exact all none all
access mgmtdrw $snmp_v3_user usm priv exact all all all
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:$snmp_trap_port public
EOF
	if [ -n "${SNMPD_EXTRA_CONF:-}" ]; then
		cat "$SNMPD_EXTRA_CONF" >>"$dir/snmp/snmpd.conf"
	fi
	cat >"$dir/snmp/snmptrapd.conf" <<EOF
# Written by tests/sandbox: receives mgmtd's notifications.
snmpTrapdAddr udp:127.0.0.1:$snmp_trap_port
authCommunity log public
EOF
	# The same start for the sandbox and for tests that restart snmpd.
	cat >"$dir/snmp/start-snmpd" <<EOF
#!/bin/bash
# Start the sandbox's snmpd (pid in $dir/pids/snmpd.pid) and wait until it
# answers.  Written by tests/sandbox.
set -eu
dir=$(printf '%q' "$dir")
rm -f "\$dir/pids/snmpd.pid"
MIBS= setsid snmpd -f -C -c "\$dir/snmp/snmpd.conf" -p "\$dir/snmp/snmpd.pid" \\
	-Lf "\$dir/snmp/snmpd.log" --persistentDir="\$dir/snmp/persist" \\
	</dev/null >>"\$dir/snmp/snmpd.log" 2>&1 &
echo "\$!" >"\$dir/pids/snmpd.pid"
deadline=\$((\$(date +%s) + 30))
until MIBS= snmpget -v2c -c public -t 0.3 -r 0 -Oqv 127.0.0.1:$snmp_port \\
	1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && [ -S "\$dir/snmp/agentx.sock" ]; do
	if ! kill -0 "\$(cat "\$dir/pids/snmpd.pid")" 2>/dev/null; then
		echo "snmpd exited; see \$dir/snmp/snmpd.log" >&2
		tail -n 20 "\$dir/snmp/snmpd.log" >&2
		exit 1
	fi
	[ "\$(date +%s)" -lt "\$deadline" ] || { echo "snmpd not ready after 30s" >&2; exit 1; }
	sleep 0.05
done
EOF
	chmod +x "$dir/snmp/start-snmpd"
}

snmp_start_trapd() {
	local dir=$1 deadline
	# shellcheck disable=SC1091
	. "$dir/snmp/ports"
	: >>"$dir/traps.log"
	MIBS= setsid snmptrapd -f -C -c "$dir/snmp/snmptrapd.conf" -On \
		-Lf "$dir/traps.log" -p "$dir/snmp/snmptrapd.pid" \
		--persistentDir="$dir/snmp/persist-trapd" \
		</dev/null >>"$dir/snmp/snmptrapd.out" 2>&1 &
	echo "$!" >"$dir/pids/snmptrapd.pid"
	deadline=$(($(date +%s) + 30))
	until [ -n "$(ss -H -uln "sport = :$snmp_trap_port" 2>/dev/null)" ]; do
		pid_alive "$(cat "$dir/pids/snmptrapd.pid")" ||
			die "snmptrapd exited: $(tail -n 5 "$dir/snmp/snmptrapd.out")"
		[ "$(date +%s)" -lt "$deadline" ] || die "snmptrapd not listening after 30s"
		sleep "$poll_interval"
	done
}

# Before mgmtd starts: snmpd and snmptrapd, when the part is selected.
snmp_up() {
	local dir=$1 parts=$2 t
	snmp_in_parts "$parts" || return 0
	for t in snmpd snmptrapd snmpget ss; do
		command -v "$t" >/dev/null ||
			die "part snmp needs $t (tests/install-deps installs snmpd, snmptrapd, snmp, iproute2)"
	done
	mkdir -p "$dir/snmp/persist" "$dir/snmp/persist-trapd"
	if [ ! -f "$dir/snmp/ports" ]; then
		{
			echo "snmp_port=$(free_port udp || die "no free UDP port found")"
			echo "snmp_trap_port=$(free_port udp || die "no free UDP port found")"
		} >"$dir/snmp/ports"
	fi
	snmp_write_confs "$dir"
	snmp_start_trapd "$dir"
	"$dir/snmp/start-snmpd" || die "snmpd did not start"
}

# After mgmtd is ready: wait until its subtree answers through snmpd.
snmp_wait_subagent() {
	local dir=$1 parts=$2 deadline
	snmp_in_parts "$parts" || return 0
	# shellcheck disable=SC1091
	. "$dir/snmp/ports"
	deadline=$(($(date +%s) + ready_timeout))
	until MIBS= snmpget -v2c -c public -t 0.3 -r 0 -Oqv "127.0.0.1:$snmp_port" \
		1.3.6.1.4.1.8072.9999.9999.4242.3.1.0 2>/dev/null | grep -qv '^No Such'; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log_tail "$dir"
			die "mgmtd's subtree not served by snmpd after ${ready_timeout}s"
		fi
		sleep "$poll_interval"
	done
}
