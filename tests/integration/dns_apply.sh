#!/bin/bash
# The dns plugin applies settings and hosts for real (host name, hostname
# file, resolv.conf, hosts) inside the sandbox, refuses bad input naming the
# attribute and changing nothing, and never touches the host.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_sandbox
make_tmp

# The host's view before anything runs.
mkdir "$TEST_TMP/host"
host_name=$(hostname)
for f in hostname hosts resolv.conf; do
	cp /etc/$f "$TEST_TMP/host/$f"
done

sandbox_up

v0=$(config_version)
log "start version $v0"

# --- settings applied for real -----------------------------------------
ctl_ok put dns settings \
	'{"hostname":"nas1","domain":"example.com","resolvers":["192.0.2.53","192.0.2.54"]}' >/dev/null
assert_eq $((v0 + 1)) "$(config_version)" "version after put settings"
assert_eq nas1 "$(ctl_ok get | jq -r '.config.dns.settings.hostname')" "hostname in get"

assert_eq nas1 "$(in_sandbox hostname)" "kernel host name in the sandbox"
assert_eq nas1 "$(in_sandbox cat /etc/hostname)" "sandbox /etc/hostname"
resolv=$(in_sandbox cat /etc/resolv.conf)
# The resolvers, in order, and the domain.
assert_eq "192.0.2.53 192.0.2.54" \
	"$(awk '$1 == "nameserver" { printf "%s%s", sep, $2; sep = " " }' <<<"$resolv")" \
	"nameservers in the sandbox's resolv.conf"
assert_contains "$resolv" example.com "sandbox resolv.conf"

# --- hosts entries ------------------------------------------------------
ctl_ok put dns hosts db1 \
	'{"name":"db1","addresses":["192.0.2.10"],"aliases":["database"]}' >/dev/null
ctl_ok put dns hosts web \
	'{"name":"web","addresses":["192.0.2.20","2001:db8::20"]}' >/dev/null
assert_eq $((v0 + 3)) "$(config_version)" "version after two hosts"

# hosts_line ADDR: the sandbox's /etc/hosts line for ADDR, words joined.
hosts_line() {
	in_sandbox cat /etc/hosts | awk -v a="$1" '$1 == a { $1 = $1; print }'
}
line=$(hosts_line 192.0.2.10)
assert_contains " $line " " db1 " "/etc/hosts line for 192.0.2.10"
assert_contains " $line " " database " "/etc/hosts line for 192.0.2.10"
assert_contains " $(hosts_line 192.0.2.20) " " web " "/etc/hosts line for 192.0.2.20"
assert_contains " $(hosts_line 2001:db8::20) " " web " "/etc/hosts line for 2001:db8::20"

# patch merges: the address stays, the aliases change.
ctl_ok patch dns hosts db1 '{"aliases":["database","pg"]}' >/dev/null
line=$(hosts_line 192.0.2.10)
assert_contains " $line " " pg " "/etc/hosts line for db1 after patch"
assert_contains " $line " " db1 " "/etc/hosts line for db1 after patch"

ctl_ok delete dns hosts web >/dev/null
assert_eq "" "$(hosts_line 192.0.2.20)" "/etc/hosts line for web after delete"
assert_eq "" "$(hosts_line 2001:db8::20)" "/etc/hosts line for web after delete"
assert_eq $((v0 + 5)) "$(config_version)" "version after patch and delete"

# --- bad input: refused, naming the attribute, nothing changes ----------
v=$(config_version)
files=$(sandbox_dns_files)
config=$(current_config)

# refused_unchanged REGEX ARGS: refused with an error path matching REGEX,
# and neither the config, its version nor the files moved.
refused_unchanged() {
	local out
	out=$(ctl_refused "$@")
	log "refused as expected: $(jq -c '.errors' <<<"$out")"
	assert_eq "$v" "$(config_version)" "version after a refused change"
	assert_eq "$config" "$(current_config)" "config after a refused change"
	assert_eq "$files" "$(sandbox_dns_files)" "sandbox files after a refused change"
}

refused_unchanged '^dns\.settings\.hostname' put dns settings \
	'{"hostname":"bad name","domain":"example.com","resolvers":["192.0.2.53"]}'
refused_unchanged '^dns\.settings\.hostname' patch dns settings '{"hostname":"bad name"}'
refused_unchanged '^dns\.hosts.*addresses' put dns hosts db2 \
	'{"name":"db2","addresses":["192.0.2.300"]}'
refused_unchanged '^dns\.hosts.*addresses' patch dns hosts db1 '{"addresses":["not-an-address"]}'
refused_unchanged '^dns\.settings\.resolvers' put dns settings \
	'{"hostname":"nas1","domain":"example.com","resolvers":["192.0.2.1","192.0.2.2","192.0.2.3","192.0.2.4"]}'

# --- live state ---------------------------------------------------------
state=$(ctl_ok state)
assert_eq nas1 "$(jq -r '[.. | objects | select(has("current_hostname")) | .current_hostname] | first' <<<"$state")" \
	"current_hostname in mgmtctl state"

# --- the host was never touched -----------------------------------------
assert_eq "$host_name" "$(hostname)" "the host's host name"
for f in hostname hosts resolv.conf; do
	cmp -s "$TEST_TMP/host/$f" /etc/$f || fail "the host's /etc/$f changed"
done
log "ok"
