# shellcheck shell=bash
# Helpers for the accounts and cifs integration tests; source after lib.sh
# and rest_lib.sh.  Changes go through REST when mgmtd serves it (as the
# issue asks: REST is what operators use), else through the control
# socket, with the same replies: JSON with "errors" [{path, message}] and
# an HTTP status in $REPLY_STATUS.

# cifs_up [sandbox options]: a sandbox with the accounts and cifs plugins
# and smbd, or skip.  SMB_PORT, SMB_CONF come from its env.  CIFS_PARTS
# (default cifs) may add parts: cifs,snmp.
cifs_up() {
	local t
	require_sandbox
	for t in smbd testparm smbclient smbcontrol smbstatus pdbedit; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
			skip "$t is not installed (tests/install-deps installs Samba)"
	done
	[ -f "$MGMTD_BUILD/plugins/cifs/.libs/cifs.so" ] ||
		skip "the cifs plugin was not built (configure found no Samba)"
	# Free ports, so that tests can run side by side.
	export MGMTD_SMB_PORT=0 MGMTD_REST_PORT=0 MGMTD_REST_TLS_PORT=0
	sandbox_up --with "${CIFS_PARTS:-cifs}" "$@"
	if [ -n "${MGMTD_URL:-}" ]; then
		CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")
	fi
	wait_until smbd_answers
}

have_rest() {
	[ -n "${MGMTD_URL:-}" ]
}

uri() {
	jq -rn --arg v "$1" '$v | @uri'
}

# call VERB PLUGIN CLASS [KEY] [JSON]: VERB is create, put, patch, delete
# or get; for a singleton, KEY is empty.  Leaves the reply in
# $TEST_TMP/reply and its status in REPLY_STATUS (so: not in a
# subshell of its own).
call() {
	local verb=$1 p=$2 c=$3 k=${4:-} body=${5:-} out path args
	if have_rest; then
		path=/api/v1/$p/$c${k:+/$(uri "$k")}
		case $verb in
		create)
			out=$(api POST "/api/v1/$p/$c" \
				"$(jq -c --arg k "$k" '. + {name: $k}' <<<"$body")")
			;;
		put) out=$(api PUT "$path" "$body") ;;
		patch) out=$(api PATCH "$path" "$body") ;;
		delete) out=$(api DELETE "$path") ;;
		get) out=$(api GET "$path") ;;
		esac
		REPLY_STATUS=$(status)
	else
		args=()
		[ -z "$k" ] || args+=("$k")
		[ -z "$body" ] || args+=("$body")
		[ "$verb" != create ] || verb=put
		[ "$verb" != get ] || verb=state
		out=$(ctl "$verb" "$p" "$c" "${args[@]}" 2>&1) || true
		REPLY_STATUS=$(jq -r 'if .ok then 200 else .status end' <<<"$out" 2>/dev/null || echo 0)
	fi
	printf '%s\n' "$out" >"$TEST_TMP/reply"
}

# ok VERB ...: call, and fail unless it succeeded.
ok() {
	local out
	call "$@"
	out=$(cat "$TEST_TMP/reply")
	case $REPLY_STATUS in
	200 | 201 | 204) ;;
	*) fail "$*: HTTP $REPLY_STATUS: $out" ;;
	esac
	printf '%s\n' "$out"
}

# refused STATUS PATH_REGEX VERB ...: call, and fail unless it was refused
# with STATUS and an error whose path matches and that has a message.
refused() {
	local want=$1 re=$2 out
	shift 2
	call "$@"
	out=$(cat "$TEST_TMP/reply")
	[ "$REPLY_STATUS" = "$want" ] ||
		fail "$*: want HTTP $want, got $REPLY_STATUS: $out"
	jq -e --arg re "$re" \
		'[.errors[]? | select((.path | test($re)) and (.message | length > 0))] | length > 0' \
		<<<"$out" >/dev/null || fail "$*: no error naming /$re/ in: $out"
	printf '%s\n' "$out"
}

# action PLUGIN CLASS KEY ACTION: run an action; fail unless it succeeded.
action() {
	local p=$1 c=$2 k=$3 a=$4 out
	if have_rest; then
		out=$(api POST "/api/v1/$p/$c${k:+/$(uri "$k")}/$a" '{}')
		[ "$(status)" = 200 ] || fail "action $a: HTTP $(status): $out"
	else
		if [ -n "$k" ]; then
			out=$(ctl action "$p" "$c" "$k" "$a") || fail "action $a: $out"
		else
			out=$(ctl action "$p" "$c" "$a") || fail "action $a: $out"
		fi
	fi
}

# The live state of the cifs plugin (the control socket's view).
cifs_state() {
	ctl_ok state | jq -c '.state.cifs'
}

smb() {
	smbclient -s "$SMB_CONF" -p "$SMB_PORT" "$@"
}

smbd_answers() {
	smbclient -s "$SMB_CONF" -p "$SMB_PORT" -N -L "//$SMB_HOST" >/dev/null 2>&1
}

# smb_as USER%PASS SHARE COMMANDS: smbclient's output (errors included)
# and its exit status.
smb_as() {
	smb "//$SMB_HOST/$2" -U "$1" -c "$3" 2>&1
}

smbd_pid() {
	cifs_state | jq -r '.server.pid // empty'
}

# The file in the sandbox's view.
sandbox_file() {
	in_sandbox cat "$1"
}
