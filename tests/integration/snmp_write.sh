#!/bin/bash
# Writing through snmpd: a SET over SNMPv3 authPriv by the read-write user
# is a transaction like any other (applied for real, a new version in the
# history and a command in the journal with interface snmp and the user);
# a multi-varbind SET is one version; v2c is read-only; bad values get the
# right error status and change nothing; RowStatus createAndGo and destroy
# add and remove a DNS host.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/snmp_lib.sh"

require_snmp
make_tmp
cat >"$TEST_TMP/initial.conf" <<CONF
dns = {
  settings = { hostname = "nas1"; domain = "example.com"; resolvers = [ "192.0.2.53" ]; };
  hosts = ( { name = "db1"; addresses = [ "10.0.0.1" ]; } );
};
CONF
snmp_sandbox_up --initial-config "$TEST_TMP/initial.conf"
HOSTNAME_OID=$MIB_DNS_SETTINGS.1.0
DOMAIN_OID=$MIB_DNS_SETTINGS.2.0
RESOLVERS_OID=$MIB_DNS_SETTINGS.3.0

# --- a SET of a DNS attribute over v3 --------------------------------------
v1=$(config_version)
v3set "$HOSTNAME_OID" s nas2
assert_contains "$SNMP_OUT" "\"nas2\"" "the SET's response"
assert_eq nas2 "$(ctl_ok get | jq -r '.config.dns.settings.hostname')" "hostname after the SET"
assert_eq $((v1 + 1)) "$(config_version)" "version after the SET"
wait_until sandbox_hostname_is nas2
meta=$(ctl_ok versions | jq -c '.versions[0]')
assert_eq '"mgmtadmin" "snmp" "agentx"' "$(jq -r '"\"\(.user)\" \"\(.interface)\" \"\(.source)\""' <<<"$meta")" "who made version $((v1 + 1))"
cmd=$(ctl_ok commands | jq -c '.records[0]')
assert_eq "mgmtadmin snmp ok" "$(jq -r '"\(.user) \(.interface) \(.result)"' <<<"$cmd")" "the journaled command"
assert_eq nas2 "$(snmp_value "$HOSTNAME_OID")" "hostname read back"
log "v3 SET applied, versioned and journaled as mgmtadmin over snmp"

# --- several varbinds: one transaction, one version -------------------------
v2_=$(config_version)
v3set "$DOMAIN_OID" s corp.example.com "$RESOLVERS_OID" s "192.0.2.1, 2001:db8::1"
assert_eq $((v2_ + 1)) "$(config_version)" "one version for two varbinds"
assert_eq 'corp.example.com ["192.0.2.1","2001:db8::1"]' \
	"$(ctl_ok get | jq -c -r '"\(.config.dns.settings.domain) \(.config.dns.settings.resolvers | tojson)"')" \
	"domain and resolvers"
in_sandbox grep -q '^nameserver 2001:db8::1$' /etc/resolv.conf || fail "resolv.conf not rewritten"

# --- refusals change nothing ------------------------------------------------
before=$(current_config)
vb=$(config_version)
set_refused noAccess v2 "$HOSTNAME_OID" s viav2c
set_refused wrongType v3 "$HOSTNAME_OID" i 5
set_refused wrongValue v3 "$HOSTNAME_OID" s "bad_name!"
set_refused wrongLength v3 "$HOSTNAME_OID" s "$(printf 'x%.0s' $(seq 300))"
set_refused wrongValue v3 "$RESOLVERS_OID" s "192.0.2.1,not-an-address"
set_refused notWritable v3 "$MIB_DNS_SETTINGS.6.0" s x
set_refused notWritable v3 "$MIB_DAEMON.1.0" s x
set_refused noCreation v3 "$MIB_DNS_HOSTS.3$(str_index nosuch)" s 10.0.0.9
set_refused noCreation v3 "$MIB_DNS_SETTINGS.9.0" s x
# createAndGo without the required addresses; of a row that exists.
set_refused inconsistentValue v3 "$MIB_DNS_HOSTS.1$(str_index new1)" i 4
set_refused inconsistentValue v3 "$MIB_DNS_HOSTS.1$(str_index db1)" i 4 \
	"$MIB_DNS_HOSTS.3$(str_index db1)" s 10.0.0.2
# createAndWait needs rows that exist out of service: not here.
set_refused wrongValue v3 "$MIB_DNS_HOSTS.1$(str_index new2)" i 5
# One bad varbind spoils the whole request.
set_refused wrongValue v3 "$DOMAIN_OID" s other.example.com "$HOSTNAME_OID" s "no way"
assert_contains "$SNMP_OUT" "Failed object: $HOSTNAME_OID" "the blamed varbind"
assert_eq "$vb" "$(config_version)" "version after the refusals"
assert_eq "$before" "$(current_config)" "config after the refusals"
refused=$(ctl_ok commands | jq '[.records[] | select(.interface == "snmp" and .result != "ok")] | length')
[ "$refused" -ge 10 ] || fail "refused SETs not journaled: $refused"
log "refusals: noAccess (v2c), wrongType, wrongValue, wrongLength, notWritable, noCreation, inconsistentValue; nothing changed"

# --- RowStatus: createAndGo and destroy a host ------------------------------
bk=$(str_index backup)
v3set "$MIB_DNS_HOSTS.1$bk" i 4 "$MIB_DNS_HOSTS.3$bk" s "10.0.0.7,2001:db8::7" \
	"$MIB_DNS_HOSTS.4$bk" s "bk"
host=$(ctl_ok get | jq -c '.config.dns.hosts[] | select(.name == "backup")')
assert_eq '{"addresses":["10.0.0.7","2001:db8::7"],"aliases":["bk"],"name":"backup"}' \
	"$(jq -S -c . <<<"$host")" "the created host"
in_sandbox grep -Eq '^10\.0\.0\.7[[:space:]]+backup[[:space:]]+bk$' /etc/hosts ||
	fail "hosts file lacks the created host: $(in_sandbox cat /etc/hosts)"
assert_eq 1 "$(snmp_value "$MIB_DNS_HOSTS.1$bk")" "RowStatus of the new row"
# Writing a column of an existing row, and removing an optional one.
v3set "$MIB_DNS_HOSTS.4$bk" s ""
assert_eq "[]" "$(ctl_ok get | jq -c '.config.dns.hosts[] | select(.name == "backup") | .aliases // []')" "aliases after writing an empty string"
v3set "$MIB_DNS_HOSTS.1$bk" i 6
assert_eq 0 "$(ctl_ok get | jq '[.config.dns.hosts[] | select(.name == "backup")] | length')" "hosts named backup after destroy"
in_sandbox grep -q backup /etc/hosts && fail "hosts file still has the destroyed host"
assert_contains "$(snmp_value "$MIB_DNS_HOSTS.1$bk")" "No Such Instance"
# destroy of a row that does not exist is no error (RFC 2579).
v3set "$MIB_DNS_HOSTS.1$bk" i 6
log "RowStatus createAndGo and destroy of a DNS host"

# The history tells who did it.
n=$(ctl_ok versions | jq '[.versions[] | select(.interface == "snmp" and .user == "mgmtadmin")] | length')
[ "$n" -ge 5 ] || fail "versions made over SNMP: $n"
