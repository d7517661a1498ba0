#!/bin/bash
# Reading mgmtd through snmpd: a walk of the whole mgmtd subtree shows
# exactly what the control API (mgmtctl get and state, the calls REST maps
# onto) returns for the same objects, in OID order; a bulk walk agrees; a
# row is read by its index; the daemon's objects tell its version, the
# configuration's version and who committed it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/snmp_lib.sh"

require_snmp
make_tmp

# 60 + 1 + 59 = 120 characters: a valid host name, too long for an index.
long=$(printf 'a%.0s' $(seq 60)).$(printf 'b%.0s' $(seq 59))
cat >"$TEST_TMP/initial.conf" <<CONF
dns = {
  settings = {
    hostname = "nas1";
    domain = "example.com";
    resolvers = [ "192.0.2.53", "2001:db8::53" ];
    search = [ "example.com", "corp.example.com" ];
    options = [ "ndots:2", "rotate" ];
  };
  hosts = (
    { name = "db1"; addresses = [ "10.0.0.1", "10.0.0.2" ]; aliases = [ "db", "database" ]; },
    { name = "web"; addresses = [ "2001:db8::80" ]; },
    { name = "a"; addresses = [ "10.0.0.3" ]; },
    { name = "$long"; addresses = [ "10.0.0.4" ]; }
  );
};
CONF
snmp_sandbox_up --initial-config "$TEST_TMP/initial.conf"

# What the walk must show, built from the control API's answers: one line
# "OID value" per attribute that has a value.
expected_walk() {
	local get state
	get=$(ctl_ok get)
	state=$(ctl_ok state)
	jq -r --arg base "$MIB_DNS_SETTINGS" '
		def text: if type == "array" then map(tostring) | join(",") else tostring end;
		.config.dns.settings as $c |
		[["hostname", 1], ["domain", 2], ["resolvers", 3], ["search", 4], ["options", 5]][] |
		. as [$k, $col] | select($c | has($k)) | "\($base).\($col).0 \"\($c[$k] | text)\""' <<<"$get"
	jq -r --arg base "$MIB_DNS_SETTINGS" '
		def text: if type == "array" then map(tostring) | join(",") else tostring end;
		(.state.dns.settings // {}) as $s |
		[["current_hostname", 6], ["current_resolvers", 7]][] |
		. as [$k, $col] | select($s | has($k)) | "\($base).\($col).0 \"\($s[$k] | text)\""' <<<"$state"
	jq -r --arg base "$MIB_DNS_HOSTS" '
		def text: if type == "array" then map(tostring) | join(",") else tostring end;
		def idx: explode as $c | ([$c | length] + $c) | map(tostring) | join(".");
		.config.dns.hosts[] | select((.name | length) <= 112) | . as $h | ($h.name | idx) as $i |
		"\($base).1.\($i) 1",
		([["addresses", 3], ["aliases", 4]][] | . as [$k, $col] | select($h | has($k)) |
		 "\($base).\($col).\($i) \"\($h[$k] | text)\"")' <<<"$get"
}

v2 snmpwalk "$MIB_ROOT" >"$TEST_TMP/walk" 2>"$TEST_TMP/walk.err" ||
	fail "snmpwalk failed: $(cat "$TEST_TMP/walk.err")"
[ ! -s "$TEST_TMP/walk.err" ] || fail "snmpwalk complained: $(cat "$TEST_TMP/walk.err")"
grep -F "$MIB_DNS." "$TEST_TMP/walk" | sort >"$TEST_TMP/walk.dns"
expected_walk | sort >"$TEST_TMP/expected"
diff -u "$TEST_TMP/expected" "$TEST_TMP/walk.dns" ||
	fail "the walk of the dns subtree differs from mgmtctl get/state"
log "walk of the dns subtree matches the control API ($(wc -l <"$TEST_TMP/walk.dns") values)"

# The host whose name is too long for an index is left out, not mangled.
assert_eq 3 "$(grep -c "^$MIB_DNS_HOSTS\.1\." "$TEST_TMP/walk")" "rows in the hosts table"

# A bulk walk returns the same, as one consistent snapshot.
v2 snmpbulkwalk -Cr25 "$MIB_ROOT" >"$TEST_TMP/bulk" 2>&1 || fail "snmpbulkwalk failed: $(cat "$TEST_TMP/bulk")"
grep -v "^$MIB_DAEMON\.2\.0 " "$TEST_TMP/walk" >"$TEST_TMP/walk.static"
grep -v "^$MIB_DAEMON\.2\.0 " "$TEST_TMP/bulk" >"$TEST_TMP/bulk.static"
diff -u "$TEST_TMP/walk.static" "$TEST_TMP/bulk.static" || fail "snmpbulkwalk differs from snmpwalk"

# snmpget by index: a row's column, and one that does not exist.
db1=$(str_index db1)
assert_eq "10.0.0.1,10.0.0.2" "$(snmp_value "$MIB_DNS_HOSTS.3$db1")" "db1's addresses by index"
assert_eq "db,database" "$(snmp_value "$MIB_DNS_HOSTS.4$db1")" "db1's aliases by index"
assert_eq 1 "$(snmp_value "$MIB_DNS_HOSTS.1$db1")" "db1's RowStatus"
assert_contains "$(snmp_value "$MIB_DNS_HOSTS.3$(str_index nosuch)")" "No Such Instance"
assert_contains "$(snmp_value "$MIB_DNS_HOSTS.4$(str_index web)")" "No Such Instance" "web has no aliases"
assert_eq "nas1" "$(snmp_value "$MIB_DNS_SETTINGS.1.0")" "hostname by its OID"
assert_contains "$(snmp_value "$MIB_DNS_SETTINGS.1.1")" "No Such Instance"
assert_contains "$(snmp_value "$MIB_DNS.9.0")" "No Such Object"
# GETNEXT from a row goes to the next row of the same column (by index:
# shorter names first).
next=$(v2 snmpgetnext "$MIB_DNS_HOSTS.3$(str_index a)")
assert_eq "$MIB_DNS_HOSTS.3$(str_index db1) \"10.0.0.1,10.0.0.2\"" "$next" "GETNEXT after host a"

# The daemon's own objects.
version=$(config_version)
assert_eq "$version" "$(snmp_value "$MIB_DAEMON.3.0")" "mgmtdConfigVersion"
assert_eq "$(ctl_ok versions | jq -r '.versions[0].user')" "$(snmp_value "$MIB_DAEMON.5.0")" "mgmtdConfigChangeUser"
assert_contains "$("$MGMTD" --version)" "$(snmp_value "$MIB_DAEMON.1.0")" "mgmtdDaemonVersion"
assert_eq dns "$(snmp_value "$MIB_DAEMON.6.1.2.1")" "the plugin at arc 1"
assert_eq 1 "$(snmp_value "$MIB_DAEMON.6.1.4.1")" "the dns plugin's state (running)"
uptime=$(v2 snmpget -Ovt "$MIB_DAEMON.2.0")
[ "$uptime" -ge 0 ] 2>/dev/null || fail "mgmtdDaemonUptime: $uptime"
# DateAndTime of the last change: 11 octets, the year first.
read -r hi lo _ < <(v2 snmpget -Ovx "$MIB_DAEMON.4.0" | tr -d '"')
assert_eq "$(date -u +%Y)" "$((16#$hi * 256 + 16#$lo))" "mgmtdConfigChangeTime's year"

# A change shows up in the next walk, with no restart.
ctl_ok put dns hosts zz '{"addresses":["10.9.9.9"]}' >/dev/null
assert_eq "10.9.9.9" "$(snmp_value "$MIB_DNS_HOSTS.3$(str_index zz)")" "a host added through the control socket"
v2 snmpwalk "$MIB_DNS" | sort >"$TEST_TMP/walk2"
expected_walk | sort >"$TEST_TMP/expected2"
diff -u "$TEST_TMP/expected2" "$TEST_TMP/walk2" || fail "the walk after a change differs"
log "reads: walk, bulk walk, get by index, daemon objects all agree"
