#!/bin/bash
# Users and shares through REST (the control socket without REST), served
# by the real smbd mgmtd runs, checked with smbclient: access, read-only,
# valid users, password changes, deletion; every bad input refused with
# 400 naming the attribute and smb.conf left byte-identical; a testparm
# refusal changes nothing; a port change restarts smbd.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
. "$top_srcdir/tests/integration/cifs_lib.sh"

cifs_up
data=$TEST_TMP/data
mkdir -p "$data/pub" "$data/ro"
# smbd works as the user: the way to the shares must be open.
chmod 0755 "$TEST_TMP" "$data"
chmod 0777 "$data/pub"
echo "hello from mgmtd" >"$TEST_TMP/up.txt"
log "REST: ${MGMTD_URL:-no (control socket)}; smbd on port $SMB_PORT"

log "a user and a writable share"
ok create accounts users alice '{"uid": 2001, "password": "Alice-pass-1", "full_name": "Alice A"}' >/dev/null
ok create accounts users bob '{"uid": 2002, "password": "Bob-pass-1"}' >/dev/null
ok create cifs shares pub "{\"path\": \"$data/pub\", \"read_only\": false, \"valid_users\": [\"alice\"]}" >/dev/null
# The system and Samba know alice now.
assert_contains "$(in_sandbox getent passwd alice)" "alice:x:2001:100:Alice A:"
wait_until in_sandbox sh -c "pdbedit -s '$SMB_CONF' -L | grep -q '^alice:2001:'"

out=$(smb_as alice%Alice-pass-1 pub "put $TEST_TMP/up.txt up.txt; ls; get up.txt $TEST_TMP/down.txt") ||
	fail "smbclient as alice: $out"
assert_contains "$out" "up.txt"
cmp "$TEST_TMP/up.txt" "$TEST_TMP/down.txt" || fail "the file came back different"
[ -f "$data/pub/up.txt" ] || fail "the file is not in the share's directory"

log "a read-only share refuses put"
echo data >"$data/ro/readme.txt"
ok create cifs shares ro "{\"path\": \"$data/ro\", \"comment\": \"read only\"}" >/dev/null
out=$(smb_as alice%Alice-pass-1 ro "get readme.txt $TEST_TMP/readme.txt") ||
	fail "get from the read-only share: $out"
out=$(smb_as alice%Alice-pass-1 ro "put $TEST_TMP/up.txt up.txt" || true)
assert_contains "$out" "NT_STATUS_ACCESS_DENIED" "put to a read-only share"
[ ! -e "$data/ro/up.txt" ] || fail "put went through on a read-only share"

log "a user outside valid users cannot connect"
out=$(smb_as bob%Bob-pass-1 pub "ls" || true)
assert_contains "$out" "NT_STATUS_ACCESS_DENIED" "bob on pub"
out=$(smb_as bob%Bob-pass-1 ro "ls") || fail "bob on ro (no valid users): $out"

log "a password changed through the API works at the next login"
ok patch accounts users alice '{"password": "Alice-pass-2"}' >/dev/null
out=$(smb_as alice%Alice-pass-1 pub "ls" || true)
assert_contains "$out" "NT_STATUS_LOGON_FAILURE" "the old password"
out=$(smb_as alice%Alice-pass-2 pub "ls") || fail "the new password: $out"
# The system password changed too, and no clear text was kept anywhere.
hash=$(in_sandbox getent shadow alice | cut -d: -f2)
[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' Alice-pass-2 "$hash")" = "$hash" ] ||
	fail "the shadow hash does not match the new password"
if grep -rq -e Alice-pass -e Bob-pass "$MGMTD_STATE_DIR" "$MGMTD_DIR/samba" 2>/dev/null; then
	fail "a clear-text password was stored"
fi
call get accounts users alice
out=$(cat "$TEST_TMP/reply")
assert_not_contains "$out" "password" "a read of the user"

log "a user named by a share cannot be deleted (409 naming the share)"
out=$(refused 409 'accounts\.users\[alice\]' delete accounts users alice)
assert_contains "$out" "share pub"
assert_contains "$(in_sandbox getent passwd alice)" "alice"

log "bad inputs: 400 naming the attribute, smb.conf byte-identical"
cp "$SMB_CONF" "$TEST_TMP/smb.conf.before"
before=$(config_version)
refused 400 'cifs\.shares\[.*\]\.name' create cifs shares 'bad/name' "{\"path\": \"$data/pub\"}" >/dev/null
refused 400 'cifs\.shares\[global\]\.name' create cifs shares global "{\"path\": \"$data/pub\"}" >/dev/null
refused 400 'cifs\.shares\[rel\]\.path' create cifs shares rel '{"path": "relative/dir"}' >/dev/null
refused 400 'cifs\.shares\[gone\]\.path' create cifs shares gone "{\"path\": \"$data/missing\"}" >/dev/null
refused 400 'cifs\.shares\[who\]\.valid_users' create cifs shares who "{\"path\": \"$data/pub\", \"valid_users\": [\"mallory\"]}" >/dev/null
refused 400 'cifs\.shares\[who\]\.valid_groups' create cifs shares who "{\"path\": \"$data/pub\", \"valid_groups\": [\"nogroupnamedthis\"]}" >/dev/null
refused 400 'cifs\.shares\[x\]\.extra_parameters' create cifs shares x "{\"path\": \"$data/pub\", \"extra_parameters\": [\"read only = no\"]}" >/dev/null
refused 400 'cifs\.server\.extra_parameters' patch cifs server '' '{"extra_parameters": ["include = /etc/passwd"]}' >/dev/null
refused 400 'cifs\.shares\[[Pp]ub\]\.name' create cifs shares Pub "{\"path\": \"$data/pub\"}" >/dev/null
refused 400 'accounts\.users\[sys\]\.uid' create accounts users sys '{"uid": 999}' >/dev/null
cmp "$TEST_TMP/smb.conf.before" "$SMB_CONF" || fail "smb.conf changed after refused inputs"

log "testparm refusing the candidate in prepare changes nothing"
out=$(refused 400 'cifs\.shares\[tp\]\.extra_parameters' create cifs shares tp "{\"path\": \"$data/pub\", \"extra_parameters\": [\"frobnicate = 1\"]}")
assert_contains "$out" "testparm"
refused 400 'cifs\.shares\[tp\]\.extra_parameters' create cifs shares tp "{\"path\": \"$data/pub\", \"extra_parameters\": [\"oplocks = maybe\"]}" >/dev/null
refused 400 'cifs\.server\.extra_parameters' patch cifs server '' '{"extra_parameters": ["server signing = sometimes"]}' >/dev/null
cmp "$TEST_TMP/smb.conf.before" "$SMB_CONF" || fail "smb.conf changed after testparm refused"
[ ! -e "$SMB_CONF.mgmtd-new" ] || fail "the staged smb.conf was left behind"
assert_eq "$before" "$(config_version)" "the version after refusals"
smb_as alice%Alice-pass-2 pub "ls" >/dev/null || fail "smbd stopped serving after refusals"

log "a share deleted is gone from the list"
smb -L "//$SMB_HOST" -U alice%Alice-pass-2 2>&1 | qgrep -E '^[[:space:]]+ro[[:space:]]+Disk' ||
	fail "ro is not listed"
ok delete cifs shares ro >/dev/null
list_lacks_ro() {
	! smb -L "//$SMB_HOST" -U alice%Alice-pass-2 2>&1 | qgrep -E '^[[:space:]]+ro[[:space:]]+Disk'
}
wait_until list_lacks_ro
out=$(smb_as alice%Alice-pass-2 ro "ls" || true)
assert_contains "$out" "NT_STATUS_BAD_NETWORK_NAME" "the deleted share"

log "a path created on request, with its owner and mode"
ok create accounts groups engineers '{"gid": 2100, "members": ["alice"]}' >/dev/null
ok create cifs shares team "{\"path\": \"$data/new/team\", \"create_path\": true, \"path_owner\": \"alice\", \"path_group\": \"engineers\", \"path_mode\": \"2770\", \"read_only\": false, \"valid_groups\": [\"engineers\"]}" >/dev/null
assert_eq "2001:2100:2770" "$(stat -c '%u:%g:%a' "$data/new/team")" "the created path"
out=$(smb_as alice%Alice-pass-2 team "put $TEST_TMP/up.txt t.txt") || fail "alice in engineers: $out"
out=$(smb_as bob%Bob-pass-1 team "ls" || true)
assert_contains "$out" "NT_STATUS_ACCESS_DENIED" "bob, not in engineers"
refused 409 'accounts\.groups\[engineers\]' delete accounts groups engineers >/dev/null

log "a new port restarts smbd on it"
old_pid=$(cat "$MGMTD_DIR/pids/smbd.pid")
new_port=$(free_port tcp) || fail "no free TCP port found"
ok patch cifs server '' "{\"port\": $new_port}" >/dev/null
grep -q "smb ports = $new_port" "$SMB_CONF" || fail "smb.conf lacks the new port"
SMB_PORT=$new_port
wait_until smbd_answers
[ "$(cat "$MGMTD_DIR/pids/smbd.pid")" != "$old_pid" ] || fail "smbd was not restarted"
pid_gone "$old_pid" || fail "the old smbd still runs"
smb_as alice%Alice-pass-2 pub "ls" >/dev/null || fail "no service on the new port"

log "the share stays after a restart of mgmtd, and rollback removes it"
v=$(config_version)
ok delete cifs shares team >/dev/null
"$SANDBOX" stop "$SANDBOX_DIR" >/dev/null
sandbox_reuse
SMB_PORT=$new_port # the config's port, not the sandbox's default
wait_until smbd_answers
out=$(smb_as alice%Alice-pass-2 team "ls" || true)
assert_contains "$out" "NT_STATUS_BAD_NETWORK_NAME" "team after delete and restart"
ctl_ok rollback "$v" >/dev/null
wait_until smbd_answers
out=$(smb_as alice%Alice-pass-2 team "ls") || fail "team after rollback: $out"
log "ok"
