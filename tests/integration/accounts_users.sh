#!/bin/bash
# The accounts plugin alone, for real in the sandbox's /etc: users and
# groups in passwd, shadow, group and gshadow with every other line kept;
# hashes that the system's crypt verifies and no clear text stored;
# system accounts, bad names and references refused; rollback; a user
# added by hand meanwhile survives.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
. "$top_srcdir/tests/integration/cifs_lib.sh"

require_sandbox
[ -f "$MGMTD_BUILD/plugins/accounts/.libs/accounts.so" ] ||
	fail "the accounts plugin was not built"
command -v perl >/dev/null || skip "perl is not installed (it checks the hashes)"
export MGMTD_REST_PORT=0 MGMTD_REST_TLS_PORT=0
sandbox_up --with accounts
[ -z "${MGMTD_URL:-}" ] || CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")

files() {
	in_sandbox cat /etc/passwd /etc/shadow /etc/group /etc/gshadow
}
# Every line of the host's files that mgmtd does not manage.
unmanaged() {
	grep -vE '^(alice|bob|carol|eng|ops):' | sort
}
verify() { # USER PASSWORD: the shadow hash takes the password
	local hash
	hash=$(in_sandbox getent shadow "$1" | cut -d: -f2)
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' "$2" "$hash")" = "$hash" ]
}

before=$(files | unmanaged)

log "groups and users"
ok create accounts groups eng '{"gid": 3000}' >/dev/null
ok create accounts groups ops '{"gid": 3001}' >/dev/null
ok create accounts users alice '{"uid": 2001, "full_name": "Alice A", "password": "Alice-pass-1", "primary_group": "eng", "groups": ["ops"]}' >/dev/null
ok create accounts users bob '{"uid": 2002, "password": "Bob-pass-1", "groups": ["eng", "ops"], "shell": "/bin/bash", "home": "/srv/bob"}' >/dev/null
# Membership from either side: the group's list and the users' groups.
ok patch accounts groups ops '{"members": ["alice"]}' >/dev/null
assert_eq "alice:x:2001:3000:Alice A:/nonexistent:/usr/sbin/nologin" "$(in_sandbox getent passwd alice)" "alice"
assert_eq "bob:x:2002:100::/srv/bob:/bin/bash" "$(in_sandbox getent passwd bob)" "bob"
assert_eq "eng:x:3000:bob" "$(in_sandbox getent group eng)" "eng"
assert_eq "ops:x:3001:alice,bob" "$(in_sandbox getent group ops)" "ops"
assert_eq "ops:!::alice,bob" "$(in_sandbox grep '^ops:' /etc/gshadow)" "ops in gshadow"
assert_eq "uid=2001(alice) gid=3000(eng) groups=3000(eng),3001(ops)" "$(in_sandbox id alice)" "id alice"
verify alice Alice-pass-1 || fail "alice's hash does not take her password"
verify bob Bob-pass-1 || fail "bob's hash does not take his password"
assert_eq "$before" "$(files | unmanaged)" "the lines mgmtd does not manage"
# The host's own files are untouched: the sandbox has an overlay on /etc.
! grep -q '^alice:' /etc/passwd || fail "the host's /etc/passwd changed"

log "no clear text anywhere; reads never show the password"
if grep -rq -e Alice-pass -e Bob-pass "$MGMTD_STATE_DIR"; then
	fail "a clear-text password is stored under $MGMTD_STATE_DIR"
fi
assert_not_contains "$(ctl_ok get)" "password" "get"
assert_not_contains "$(ctl_ok show "$(config_version)")" "\$y\$" "show"
ctl_ok diff 1 "$(config_version)" | qgrep '"(secret)"' || fail "diff does not mask the password"
hash=$(in_sandbox getent shadow alice | cut -d: -f2)

log "a change that leaves the password out keeps it"
ok put accounts users alice '{"uid": 2001, "full_name": "Alice B", "primary_group": "eng", "groups": ["ops"]}' >/dev/null
assert_eq "$hash" "$(in_sandbox getent shadow alice | cut -d: -f2)" "alice's hash after a put without password"
assert_contains "$(in_sandbox getent passwd alice)" "Alice B"

log "disabled, then enabled again"
ok patch accounts users bob '{"enabled": false}' >/dev/null
assert_contains "$(in_sandbox getent shadow bob | cut -d: -f2)" "!" "bob's locked hash"
[ "$(in_sandbox getent shadow bob | cut -d: -f8)" = 1 ] || fail "bob did not expire"
ok patch accounts users bob '{"enabled": true}' >/dev/null
verify bob Bob-pass-1 || fail "bob's password after enabling"

log "refused: system accounts, bad names, dangling references"
refused 400 'accounts\.users\[root\]' create accounts users root '{"uid": 2010}' >/dev/null
refused 400 'accounts\.users\[sys\]\.uid' create accounts users sys '{"uid": 999}' >/dev/null
refused 400 'accounts\.users\[nobody\]' create accounts users nobody '{"uid": 2011}' >/dev/null
refused 400 'accounts\.users\[Bad\]\.name' create accounts users Bad '{"uid": 2012}' >/dev/null
refused 400 'accounts\.users\[x\]\.password' create accounts users x '{"uid": 2013, "password": ""}' >/dev/null
refused 400 'accounts\.users\[dup\]\.uid' create accounts users dup '{"uid": 2001}' >/dev/null
refused 400 'accounts\.users\[lost\]\.primary_group' create accounts users lost '{"uid": 2014, "primary_group": "nosuchgroup"}' >/dev/null
refused 400 'accounts\.users\[lost\]\.groups' create accounts users lost '{"uid": 2014, "groups": ["users"]}' >/dev/null
refused 400 'accounts\.groups\[g\]\.members' create accounts groups g '{"gid": 3010, "members": ["nosuchuser"]}' >/dev/null
refused 400 'accounts\.groups\[sys\]\.gid' create accounts groups sys '{"gid": 100}' >/dev/null
refused 409 'accounts\.groups\[eng\]' delete accounts groups eng >/dev/null
refused 409 'accounts\.users\[alice\]' delete accounts users alice >/dev/null

log "a user added by hand meanwhile survives mgmtd's changes"
in_sandbox useradd -u 2500 -M -s /usr/sbin/nologin handmade
ok create accounts users carol '{"uid": 2003}' >/dev/null
assert_contains "$(in_sandbox getent passwd handmade)" "handmade:x:2500:"
refused 400 'accounts\.users\[taken\]' create accounts users taken '{"uid": 2500}' >/dev/null
assert_eq "carol:!" "$(in_sandbox getent shadow carol | cut -d: -f1,2)" "carol without a password"

log "deletion, then rollback"
v=$(config_version)
ok put accounts groups ops '{"gid": 3001}' >/dev/null
ok put accounts users alice '{"uid": 2001, "primary_group": "eng"}' >/dev/null
ok delete accounts users alice >/dev/null
! in_sandbox getent passwd alice >/dev/null || fail "alice is still in passwd"
! in_sandbox grep -q '^alice:' /etc/shadow || fail "alice is still in shadow"
assert_eq "ops:x:3001:bob" "$(in_sandbox getent group ops)" "ops without alice"
ctl_ok rollback "$v" >/dev/null
assert_contains "$(in_sandbox getent passwd alice)" "alice:x:2001:3000"
verify alice Alice-pass-1 || fail "alice's password after the rollback"
assert_eq "ops:x:3001:alice,bob" "$(in_sandbox getent group ops)" "ops after the rollback"
assert_contains "$(in_sandbox getent passwd handmade)" "handmade" "handmade after the rollback"
assert_eq "$(files | unmanaged | grep -v '^handmade:')" "$before" "the other lines after all this"

log "the state says the accounts are there"
core_state() {
	ctl_ok state | jq -e '.state.accounts.users.alice.present == true and .state.accounts.groups.ops.present == true' >/dev/null
}
wait_until core_state
log "ok"
