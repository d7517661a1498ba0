#!/bin/bash
# mgmtd's command line and signals: --version, --list-plugins,
# --check-config (good config, a managed config with a bad value, a daemon
# config with a syntax error), SIGHUP re-reads the managed config, SIGTERM
# and SIGINT stop cleanly.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_sandbox
make_tmp

# run_mgmtd ARGS: run mgmtd, capture stdout+stderr in $out and status in $rc.
out=""
rc=0
run_mgmtd() {
	rc=0
	out=$("$MGMTD" "$@" 2>&1) || rc=$?
}

# has_line_ref TEXT FILE LINE: TEXT points at line LINE of FILE, as
# "FILE:LINE" or with FILE and "line LINE" on one line of the message.
has_line_ref() {
	local text=$1 file=$2 line=$3 re
	# shellcheck disable=SC2001 # escaping every regex metacharacter
	re=$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$file")
	grep -qE "$re:$line([^0-9]|$)" <<<"$text" && return 0
	grep -F "$file" <<<"$text" | qgrep -E "line $line([^0-9]|$)"
}

# --- --version ----------------------------------------------------------
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
run_mgmtd --version
assert_eq 0 "$rc" "mgmtd --version exit status"
assert_contains "$out" "$version" "mgmtd --version"

sandbox_up

# --- --list-plugins -----------------------------------------------------
run_mgmtd -c "$MGMTD_CONF" --list-plugins
assert_eq 0 "$rc" "mgmtd --list-plugins exit status ($out)"
grep -qw dns <<<"$out" || fail "mgmtd --list-plugins does not list dns: $out"

# --- --check-config on a good config ------------------------------------
ctl_ok put dns settings '{"hostname":"nas1","domain":"example.com","resolvers":["192.0.2.53"]}' >/dev/null
ctl_ok put dns hosts db1 '{"name":"db1","addresses":["192.0.2.10"],"aliases":["database"]}' >/dev/null
[ -f "$MGMTD_STATE_DIR/config.conf" ] || fail "no $MGMTD_STATE_DIR/config.conf after two commits"
run_mgmtd -c "$MGMTD_CONF" --check-config
assert_eq 0 "$rc" "mgmtd --check-config on the sandbox's config ($out)"

# --- --check-config on a managed config with a bad address --------------
bad=$TEST_TMP/bad
mkdir -p "$bad/state" "$bad/run"
sed 's/"192\.0\.2\.10"/"192.0.2.300"/' "$MGMTD_STATE_DIR/config.conf" >"$bad/state/config.conf"
bad_line=$(grep -n '"192\.0\.2\.300"' "$bad/state/config.conf" | cut -d: -f1)
[ -n "$bad_line" ] || fail "could not plant a bad address in a copy of config.conf"
sed -e "s|^state_dir = .*|state_dir = \"$bad/state\";|" \
	-e "s|^pid_file = .*|pid_file = \"$bad/run/mgmtd.pid\";|" \
	-e "s|^control_socket = .*|control_socket = \"$bad/run/mgmtd.sock\";|" \
	"$MGMTD_CONF" >"$bad/mgmtd.conf"
run_mgmtd -c "$bad/mgmtd.conf" --check-config
log "check-config on a bad address said: $out"
[ "$rc" -ne 0 ] || fail "mgmtd --check-config accepted a bad address: $out"
assert_contains "$out" "$bad/state/config.conf" "check-config message"
has_line_ref "$out" "$bad/state/config.conf" "$bad_line" ||
	fail "check-config message does not give line $bad_line: $out"
grep -qE 'dns\.hosts[^ ]*addresses' <<<"$out" ||
	fail "check-config message does not name dns.hosts...addresses: $out"
[ ! -e "$bad/run/mgmtd.pid" ] || fail "--check-config wrote a pid file"

# --- --check-config on a daemon config with a syntax error ---------------
syn=$TEST_TMP/syntax.conf
cat >"$syn" <<EOF
state_dir = "$bad/state";
log_level = "info";
this is not libconfig
EOF
run_mgmtd -c "$syn" --check-config
log "check-config on a syntax error said: $out"
[ "$rc" -ne 0 ] || fail "mgmtd --check-config accepted a syntax error: $out"
has_line_ref "$out" "$syn" 3 || fail "syntax error message does not name $syn line 3: $out"

# --- SIGHUP re-reads the managed config ---------------------------------
v=$(config_version)
conf=$MGMTD_STATE_DIR/config.conf
grep -q '"nas1"' "$conf" || fail "config.conf does not hold hostname nas1"
sed 's/"nas1"/"nas2"/' "$conf" >"$conf.edit"
mv "$conf.edit" "$conf"
kill -HUP "$MGMTD_PID"
wait_until version_is $((v + 1))
assert_eq nas2 "$(ctl_ok get | jq -r '.config.dns.settings.hostname')" "hostname after SIGHUP"
wait_until sandbox_hostname_is nas2
assert_eq nas2 "$(in_sandbox cat /etc/hostname)" "sandbox /etc/hostname after SIGHUP"
pid_alive "$MGMTD_PID" || fail "mgmtd died on SIGHUP"

# --- SIGTERM: clean stop ------------------------------------------------
kill -TERM "$MGMTD_PID"
wait_until pid_gone "$MGMTD_PID"
wait_until test -f "$MGMTD_EXIT_FILE"
assert_eq 0 "$(cat "$MGMTD_EXIT_FILE")" "mgmtd exit status after SIGTERM"
[ ! -e "$MGMTD_PID_FILE" ] || fail "pid file $MGMTD_PID_FILE left after SIGTERM"

# --- the state survives; SIGINT stops cleanly too -----------------------
sandbox_reuse
assert_eq $((v + 1)) "$(config_version)" "version after a restart"
assert_eq nas2 "$(in_sandbox hostname)" "host name applied at start"
kill -INT "$MGMTD_PID"
wait_until pid_gone "$MGMTD_PID"
wait_until test -f "$MGMTD_EXIT_FILE"
assert_eq 0 "$(cat "$MGMTD_EXIT_FILE")" "mgmtd exit status after SIGINT"
[ ! -e "$MGMTD_PID_FILE" ] || fail "pid file $MGMTD_PID_FILE left after SIGINT"
log "ok"
