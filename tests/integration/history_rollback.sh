#!/bin/bash
# History: versions list each commit with its user and interface; diff
# between two; rollback N makes a new version equal to N and the files
# follow; commit-confirmed rolls back by itself unless confirmed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_sandbox
sandbox_up

settings() {
	printf '{"hostname":"%s","domain":"example.com","resolvers":["%s"]}' "$1" "$2"
}

# The entry of version N in `mgmtctl versions`, whatever wraps the list.
version_entry() {
	jq -c --argjson n "$1" '[.. | objects | select(.version? == $n)] | first // empty'
}

nameservers() {
	in_sandbox cat /etc/resolv.conf | awk '$1 == "nameserver" { print $2 }' | paste -sd' ' -
}

has_host() {
	in_sandbox cat /etc/hosts | qgrep -w "$1"
}

v0=$(config_version)
ctl_ok --summary "first change" put dns settings "$(settings hist1 192.0.2.53)" >/dev/null
v1=$((v0 + 1))
ctl_ok put dns hosts db1 '{"name":"db1","addresses":["192.0.2.10"]}' >/dev/null
v2=$((v0 + 2))
ctl_ok --summary "third change" put dns settings "$(settings hist2 192.0.2.54)" >/dev/null
v3=$((v0 + 3))
assert_eq "$v3" "$(config_version)" "version after three changes"
assert_eq hist2 "$(in_sandbox hostname)" "host name after three changes"
has_host db1 || fail "db1 not in the sandbox's /etc/hosts"

# --- versions -------------------------------------------------------------
versions=$(ctl_ok versions)
for n in "$v1" "$v2" "$v3"; do
	entry=$(version_entry "$n" <<<"$versions")
	[ -n "$entry" ] || fail "version $n not in mgmtctl versions: $versions"
	[ "$(jq -r '.user // ""' <<<"$entry")" != "" ] || fail "version $n has no user: $entry"
	[ "$(jq -r '.interface // ""' <<<"$entry")" != "" ] || fail "version $n has no interface: $entry"
done
log "version $v1: $(version_entry "$v1" <<<"$versions")"
assert_contains "$(version_entry "$v1" <<<"$versions")" "first change" "version $v1's entry"
assert_contains "$(version_entry "$v3" <<<"$versions")" "third change" "version $v3's entry"

# --- show and diff ----------------------------------------------------------
assert_eq hist1 "$(stored_config "$v1" | jq -r '.dns.settings.hostname')" "hostname in show $v1"
diff=$(ctl_ok diff "$v1" "$v3")
log "diff $v1 $v3: $(jq -c . <<<"$diff")"
for word in hist1 hist2 db1 192.0.2.53 192.0.2.54; do
	assert_contains "$diff" "$word" "mgmtctl diff $v1 $v3"
done
assert_not_contains "$(ctl_ok diff "$v2" "$v3")" db1 "mgmtctl diff $v2 $v3 (db1 did not change)"

# --- rollback N ------------------------------------------------------------
ctl_ok rollback "$v1" >/dev/null
v4=$((v3 + 1))
assert_eq "$v4" "$(config_version)" "version after rollback $v1"
assert_eq "$(stored_config "$v1")" "$(current_config)" "config after rollback $v1"
assert_eq hist1 "$(in_sandbox hostname)" "host name after rollback"
assert_eq hist1 "$(in_sandbox cat /etc/hostname)" "/etc/hostname after rollback"
assert_eq 192.0.2.53 "$(nameservers)" "nameservers after rollback"
! has_host db1 || fail "db1 still in /etc/hosts after rollback to $v1"

# --- commit-confirmed, not confirmed: rolls itself back ---------------------
before=$(current_config)
confirm_events() {
	ctl_ok events --limit 1000 | jq '[.. | strings | select(test("confirm"; "i"))] | length'
}
ctl_ok --confirm-timeout 2 put dns settings "$(settings tentative 192.0.2.99)" >/dev/null
confirm_events_before=$(confirm_events)
assert_eq $((v4 + 1)) "$(config_version)" "version of a change awaiting confirmation"
assert_eq tentative "$(in_sandbox hostname)" "host name while awaiting confirmation"
config_is_before() {
	[ "$(current_config)" = "$before" ]
}
wait_until config_is_before
wait_until sandbox_hostname_is hist1
assert_eq 192.0.2.53 "$(nameservers)" "nameservers after the confirm timeout"
v5=$(config_version)
[ "$v5" -ge $((v4 + 1)) ] || fail "version went back to $v5 after the confirm timeout"
# An event came with the timeout (the count taken before it may already
# include one announcing the pending confirmation).
[ "$(confirm_events)" -gt "$confirm_events_before" ] ||
	fail "no event about the confirm timeout: $(ctl_ok events --limit 10 | jq -c .)"

# --- commit-confirmed, confirmed: stays --------------------------------------
ctl_ok --confirm-timeout 2 put dns settings "$(settings kept 192.0.2.77)" >/dev/null
ctl_ok confirm >/dev/null
vk=$(config_version)
kept=$(current_config)
# Nothing must happen now; only time passing past the timeout shows it.
sleep 4
assert_eq "$vk" "$(config_version)" "version after a confirmed change's timeout"
assert_eq "$kept" "$(current_config)" "config after a confirmed change's timeout"
assert_eq kept "$(in_sandbox hostname)" "host name after a confirmed change's timeout"
assert_eq 192.0.2.77 "$(nameservers)" "nameservers after a confirmed change's timeout"
log "ok"
