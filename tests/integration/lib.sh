# shellcheck shell=bash
# Shared helpers for the integration tests.  Source it first:
#   . "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
#
# A test exits 0 (pass), 1 (fail) or 77 (skip, with the reason).  make check
# sets top_srcdir and top_builddir; run by hand, they default to the source
# tree (an in-tree build).  MGMTD_BUILD overrides where the binaries are.
# MGMTD_KEEP=1 keeps the sandbox and scratch directory of a failed test.

set -eu -o pipefail

test_name=$(basename "$0" .sh)
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MGMTD_BUILD=${MGMTD_BUILD:-$top_builddir}
export MGMTD_BUILD
# Tests run side by side: REST on free ports (the sandbox's env says which).
export MGMTD_REST_PORT=${MGMTD_REST_PORT:-0}
export MGMTD_REST_TLS_PORT=${MGMTD_REST_TLS_PORT:-0}
SANDBOX=$top_srcdir/tests/sandbox
MGMTD=$MGMTD_BUILD/mgmtd/mgmtd
MGMTCTL=$MGMTD_BUILD/mgmtctl/mgmtctl

# Scratch space for this test; the sandbox, if any, lives in it.
TEST_TMP=""
SANDBOX_DIR=""
poll_interval=0.05
wait_timeout=${MGMTD_WAIT_TIMEOUT:-30}

log() {
	echo "$test_name: $*"
}

skip() {
	echo "SKIP: $test_name: $*"
	exit 77
}

fail() {
	echo "FAIL: $test_name: $*" >&2
	exit 1
}

# Cleanup runs on every exit, pass or fail; on failure it shows the
# daemon's log first.
_lib_cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	_lib_run_at_exit
	if [ -n "$SANDBOX_DIR" ] && [ -d "$SANDBOX_DIR" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -f "$SANDBOX_DIR/mgmtd.log" ]; then
			echo "--- $SANDBOX_DIR/mgmtd.log (last 60 lines) ---"
			tail -n 60 "$SANDBOX_DIR/mgmtd.log"
			echo "---"
		fi
		if [ "$rc" -ne 0 ] && [ "${MGMTD_KEEP:-0}" = 1 ]; then
			"$SANDBOX" stop "$SANDBOX_DIR"
			echo "kept $TEST_TMP (MGMTD_KEEP=1)"
			exit "$rc"
		fi
		"$SANDBOX" down "$SANDBOX_DIR" >/dev/null || rc=1
	fi
	[ -z "$TEST_TMP" ] || rm -rf "$TEST_TMP"
	exit "$rc"
}
trap _lib_cleanup EXIT
trap 'exit 1' INT TERM

# Skip unless this machine can run the daemon in a sandbox.
require_sandbox() {
	local why t
	[ "$(id -u)" -eq 0 ] || skip "needs root for namespaces and mounts"
	for t in unshare nsenter jq; do
		command -v "$t" >/dev/null || skip "$t is not installed (tests/install-deps installs it)"
	done
	why=$("$SANDBOX" check) || skip "no sandbox here: $why"
	[ -x "$MGMTD" ] || fail "$MGMTD not built"
	[ -x "$MGMTCTL" ] || fail "$MGMTCTL not built"
}

make_tmp() {
	[ -n "$TEST_TMP" ] || TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mgmtd-$test_name.XXXXXX")
}

# sandbox_up [tests/sandbox up options]: start mgmtd in a sandbox under
# TEST_TMP and source its env (MGMTD_PID, MGMTD_SOCKET, MGMTD_NSENTER, ...).
# shellcheck disable=SC2120 # options are optional
sandbox_up() {
	make_tmp
	SANDBOX_DIR=$TEST_TMP/sandbox
	"$SANDBOX" up "$SANDBOX_DIR" "$@" || fail "tests/sandbox up failed"
	sandbox_env
}

# Start mgmtd again on the same sandbox (state kept).
# shellcheck disable=SC2120 # options are optional
sandbox_reuse() {
	"$SANDBOX" up "$SANDBOX_DIR" --reuse "$@" || fail "tests/sandbox up --reuse failed"
	sandbox_env
}

sandbox_env() {
	# shellcheck source=/dev/null
	. "$SANDBOX_DIR/env"
}

# Run a command in the sandbox's view (its /etc, its host name).
in_sandbox() {
	# shellcheck disable=SC2086 # MGMTD_NSENTER is a command prefix
	$MGMTD_NSENTER "$@"
}

ctl() {
	"$MGMTCTL" -s "$MGMTD_SOCKET" "$@"
}

# ctl_ok ARGS: run mgmtctl, fail the test unless it exits 0; print stdout.
# qgrep ARGS: grep quietly, but read all of its input.  "... | grep -q" under
# pipefail fails at random: grep -q exits at its first match and the writer
# dies of SIGPIPE (exit 141) if it was still writing.
qgrep() {
	grep "$@" >/dev/null
}

ctl_ok() {
	local out rc=0
	out=$(ctl "$@" 2>"$TEST_TMP/ctl.err") || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "mgmtctl $* exited $rc: $out $(cat "$TEST_TMP/ctl.err")"
	fi
	printf '%s\n' "$out"
}

# ctl_refused REGEX ARGS: mgmtctl must exit 1 with an error whose path
# matches REGEX and that has a message.  Prints the JSON.
ctl_refused() {
	local re=$1 out rc=0
	shift
	out=$(ctl "$@" 2>"$TEST_TMP/ctl.err") || rc=$?
	[ "$rc" -eq 1 ] ||
		fail "mgmtctl $* exited $rc, want 1 (refused): $out $(cat "$TEST_TMP/ctl.err")"
	jq -e --arg re "$re" \
		'[.errors[]? | select((.path // "" | test($re)) and (.message // "") != "")] | length > 0' \
		<<<"$out" >/dev/null ||
		fail "mgmtctl $*: no error with a path matching /$re/ and a message in: $out"
	printf '%s\n' "$out"
}

# The version of the running config.
config_version() {
	ctl_ok get | jq -er '.version'
}

# A JSON value, sorted and on one line, for comparisons.
json_norm() {
	jq -S -c "${1:-.}"
}

# The managed config in the output of get or show N (the "config" member).
config_of() {
	jq -S -c 'if type == "object" and has("config") then .config else . end'
}

# The running config, normalised; version N's stored copy.
current_config() {
	ctl_ok get | config_of
}

stored_config() {
	ctl_ok show "$1" | config_of
}

# version_is N: the running config is version N (for wait_until).
version_is() {
	[ "$(ctl get | jq -r '.version')" = "$1" ]
}

# sandbox_hostname_is NAME: the kernel host name in the sandbox (for wait_until).
sandbox_hostname_is() {
	[ "$(in_sandbox hostname)" = "$1" ]
}

# The sandbox's view of the DNS files, for before/after comparisons.
sandbox_dns_files() {
	in_sandbox sh -c 'hostname; cat /etc/hostname /etc/resolv.conf /etc/hosts'
}

# wait_until [-t SECONDS] CMD ARGS: poll CMD every 0.05 s until it
# succeeds; fail the test after the deadline (default 30 s).  CMD runs in
# a subshell, so a helper that calls fail only makes it false.
wait_until() {
	local timeout=$wait_timeout deadline
	if [ "$1" = -t ]; then
		timeout=$2
		shift 2
	fi
	deadline=$(($(date +%s%N) + timeout * 1000000000))
	until ("$@") >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] ||
			fail "timed out after ${timeout}s waiting for: $*"
		sleep "$poll_interval"
	done
}

assert_eq() {
	local want=$1 got=$2 what=${3:-value}
	[ "$want" = "$got" ] || fail "$what: want '$want', got '$got'"
}

assert_contains() {
	local haystack=$1 needle=$2 what=${3:-output}
	case $haystack in
	*"$needle"*) ;;
	*) fail "$what does not contain '$needle': $haystack" ;;
	esac
}

assert_not_contains() {
	local haystack=$1 needle=$2 what=${3:-output}
	case $haystack in
	*"$needle"*) fail "$what contains '$needle': $haystack" ;;
	esac
}

# A process exists and is not a zombie.
pid_alive() {
	local state
	state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

pid_gone() {
	! pid_alive "$1"
}

# at_exit CMD...: run CMD (eval'd) when the test exits, pass or fail, last
# registered first, before the sandbox and TEST_TMP go.
_lib_at_exit=()
at_exit() {
	_lib_at_exit+=("$*")
}

_lib_run_at_exit() {
	local i
	for ((i = ${#_lib_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_lib_at_exit[i]}" >/dev/null 2>&1
	done
	_lib_at_exit=()
}

# require_kernel_feature and scratch_disks: tests that need a real kernel
# (dm, md, quota, nfsd, ipvs, bonding), run for real by make check-vm.
# shellcheck source=tests/integration/kernel.sh
. "$top_srcdir/tests/integration/kernel.sh"
# shellcheck source=tests/free-port.sh
. "$top_srcdir/tests/free-port.sh"
