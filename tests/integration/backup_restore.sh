#!/bin/bash
# Configuration backup and restore over REST: a backup taken after DNS and
# account changes, restored into a fresh sandbox, reproduces the
# configuration exactly (secrets included) as one new version recorded as a
# command; a corrupted backup (one byte changed) and an invalid one (a bad
# address inside, checksum recomputed) are refused and change nothing;
# monitor and operator get 403; mgmtctl backup and restore.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

[ -f "$MGMTD_BUILD/plugins/accounts/.libs/accounts.so" ] ||
	fail "the accounts plugin was not built"
rest_up --with accounts

# The configuration as REST shows it (secrets masked), sorted.
rest_config() {
	expect 200 GET /api/v1/config | jq -S -c .
}

log "changes, then a backup"
expect 200 PATCH /api/v1/dns/settings '{"hostname":"nas1","domain":"example.com"}' >/dev/null
expect 201 POST /api/v1/dns/hosts '{"name":"db1","addresses":["192.0.2.10"],"aliases":["one"]}' >/dev/null
expect 201 POST /api/v1/dns/hosts '{"name":"db2","addresses":["192.0.2.11","2001:db8::11"]}' >/dev/null
expect 201 POST /api/v1/accounts/groups '{"name":"eng","gid":3000}' >/dev/null
expect 201 POST /api/v1/accounts/users '{"name":"alice","uid":2001,"password":"Alice-pass-1","primary_group":"eng"}' >/dev/null
before=$(rest_config)
backup=$TEST_TMP/backup.json
expect 200 GET /api/v1/config/backup >"$backup"
assert_contains "$(header_of Content-Disposition)" "attachment" "backup is an attachment"
jq -e '.format == "mgmtd-backup" and .version == 1 and (.sha256 | length) == 64 and
	(.history | length) >= 5 and .current == .history[0].version' "$backup" >/dev/null ||
	fail "backup document: $(head -c 400 "$backup")"
# Secrets are in (a restore must bring them back): the stored hash.
hash=$(jq -er '.config.accounts.users[] | select(.name == "alice") | .password' "$backup")
assert_contains "$hash" '$' "password hash in the backup"
# mgmtctl writes the same document, readable by its owner only.
"$MGMTCTL" backup "$TEST_TMP/ctl-backup.json" >/dev/null || fail "mgmtctl backup"
assert_eq 600 "$(stat -c %a "$TEST_TMP/ctl-backup.json")" "mode of mgmtctl's backup file"
assert_eq "$(jq -S -c .config "$backup")" "$(jq -S -c .config "$TEST_TMP/ctl-backup.json")" \
	"mgmtctl backup and REST backup"

log "monitor and operator may not back up or restore"
expect 201 POST /api/v1/auth/users '{"name":"mon","password":"monitor-pass-1","role":"monitor"}' >/dev/null
expect 201 POST /api/v1/auth/users '{"name":"op","password":"operator-pass-1","role":"operator"}' >/dev/null
for cred in mon:monitor-pass-1 op:operator-pass-1; do
	CURL_AUTH=(-u "$cred")
	expect 403 GET /api/v1/config/backup >/dev/null
	expect 403 POST /api/v1/config/restore "@$backup" >/dev/null
done
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")

log "a fresh sandbox"
"$SANDBOX" down "$SANDBOX_DIR" >/dev/null || fail "sandbox down"
SANDBOX_DIR=$TEST_TMP/sandbox2
"$SANDBOX" up "$SANDBOX_DIR" --with accounts || fail "second sandbox up"
sandbox_env
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
fresh=$(rest_config)
v0=$(config_version)
[ "$fresh" != "$before" ] || fail "the fresh sandbox already has the configuration"

log "a corrupted backup (one byte changed) changes nothing"
sed 's/192\.0\.2\.10/192.0.2.19/' "$backup" >"$TEST_TMP/corrupt.json"
! cmp -s "$backup" "$TEST_TMP/corrupt.json" || fail "corruption did not change the file"
out=$(expect 400 POST /api/v1/config/restore "@$TEST_TMP/corrupt.json")
assert_contains "$out" "checksum mismatch" "corrupted backup refused"
assert_eq "$v0" "$(config_version)" "version after a corrupted backup"

log "an invalid backup (a bad address, checksum recomputed) changes nothing"
jq -c '.config.dns.hosts |= map(if .name == "db1" then .addresses = ["192.0.2.300"] else . end) | del(.sha256)' \
	"$backup" >"$TEST_TMP/bad.json"
sum=$(jq -S -c . "$TEST_TMP/bad.json" | tr -d '\n' | sha256sum | cut -d' ' -f1)
jq -c --arg s "$sum" '.sha256 = $s' "$TEST_TMP/bad.json" >"$TEST_TMP/invalid.json"
out=$(expect 400 POST /api/v1/config/restore "@$TEST_TMP/invalid.json")
assert_problem_path "$out" 'dns\.hosts'
assert_eq "$v0" "$(config_version)" "version after an invalid backup"
assert_eq "$fresh" "$(rest_config)" "config after refused restores"
out=$(expect 400 POST /api/v1/config/restore '{"format":"tarball"}')
assert_contains "$out" "format" "wrong format refused"

log "restore: one transaction, recorded as a command"
out=$(expect 200 POST /api/v1/config/restore "@$backup")
jq -e --argjson v "$((v0 + 1))" '.version == $v and .changed == true' <<<"$out" >/dev/null ||
	fail "restore response: $out"
assert_eq "$((v0 + 1))" "$(config_version)" "one new version"
assert_eq "$before" "$(rest_config)" "restored configuration"
assert_eq "restore from backup" "$(ctl_ok versions | jq -r '.versions[0].summary')" "summary"
expect 200 GET "/api/v1/commands?limit=5" | jq -e '[.items[] |
	select((.change | test("config/restore")) and .result == "ok")] | length == 1' >/dev/null ||
	fail "restore not in the command journal"
# Secrets restored: the same hash, and the system's files use it.
assert_eq "$hash" "$(expect 200 GET /api/v1/config/backup |
	jq -er '.config.accounts.users[] | select(.name == "alice") | .password')" "restored hash"
wait_until eval 'in_sandbox getent shadow alice >/dev/null'
assert_contains "$(in_sandbox getent shadow alice | cut -d: -f2)" "${hash%%:*}" "shadow hash"
# The same backup again, with mgmtctl: nothing to change.
rc=0; "$MGMTCTL" restore "$TEST_TMP/corrupt.json" >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "mgmtctl restore of a corrupted backup"
"$MGMTCTL" --json restore "$TEST_TMP/ctl-backup.json" >"$TEST_TMP/out" || fail "mgmtctl restore"
assert_eq false "$(jq -r .changed "$TEST_TMP/out")" "restoring again changes nothing"
assert_eq "$((v0 + 1))" "$(config_version)" "version after restoring again"
log "ok"
