#!/bin/bash
# bench/cifs_bench.sh BUILD_DIR: the cifs plugin with the real smbd, in a
# sandbox.  For 10, 100 and 1,000 shares: the time to commit and apply one
# share change (a comment; each a full transaction: validate, smb.conf
# rendered and checked by testparm, fsync'd commit, smbcontrol
# reload-config), p50 and p99 over BENCH_CHANGES (default 40) changes,
# beside the same request refused in validate (the cost of the request
# itself).  Then GET of the 1,000-share list through REST (with a bearer
# token), beside GET of the server singleton.  Aim: a change applied in
# under 100 ms at 1,000 shares.
set -euo pipefail
build=$(cd "${1:?usage: bench/cifs_bench.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
changes=${BENCH_CHANGES:-40}
export MGMTD_BUILD=$build MGMTD_SMB_PORT=0 MGMTD_REST_PORT=0 MGMTD_REST_TLS_PORT=0

echo "== cifs: share changes with smbd running (p50 / p99 over $changes)"
if ! why=$("$src/tests/sandbox" check); then
	echo "skipped: $why"
	exit 0
fi
if [ ! -f "$build/plugins/cifs/.libs/cifs.so" ] || ! PATH=$PATH:/usr/sbin command -v smbd >/dev/null; then
	echo "skipped: no cifs plugin or no Samba"
	exit 0
fi
work=$(mktemp -d /tmp/mgmtd-bench-cifs.XXXXXX)
trap 'for d in "$work"/sb-*; do [ -d "$d" ] && "$src/tests/sandbox" down "$d" >/dev/null 2>&1; done; rm -rf "$work"' EXIT
mkdir -p "$work/share"
chmod 0755 "$work"

now_us() { echo $(($(date +%s%N) / 1000)); }

# p50 and p99 (ms, one decimal) of the microsecond figures on stdin.
percentiles() {
	sort -n | awk '{ v[NR] = $1 } END {
		p50 = v[int((NR + 1) * 0.50)]; p99 = v[int((NR - 1) * 0.99) + 1];
		printf "%7.1f ms %7.1f ms\n", p50 / 1000, p99 / 1000 }'
}

write_shares() {
	local n=$1 file=$2
	awk -v n="$n" -v dir="$work/share" 'BEGIN {
		print "cifs = { shares = (";
		for (i = 0; i < n; i++)
			printf "%s{ name = \"share%d\"; path = \"%s\"; comment = \"share %d\"; }\n",
			       (i ? "," : ""), i, dir, i;
		print "); };" }' >"$file"
}

# Time $changes mgmtctl calls of "$@" with {i} replaced by a counter.
time_calls() {
	local i t0 t1 args a
	for i in $(seq 1 "$changes"); do
		args=()
		for a in "$@"; do args+=("${a//\{i\}/$i}"); done
		t0=$(now_us)
		"$MGMTCTL" -s "$MGMTD_SOCKET" "${args[@]}" >/dev/null || true
		t1=$(now_us)
		echo $((t1 - t0))
	done | percentiles
}

printf '%-8s %-22s %-22s\n' shares "change (p50, p99)" "refused (p50, p99)"
for n in 10 100 1000; do
	dir=$work/sb-$n
	write_shares "$n" "$work/init-$n.conf"
	"$src/tests/sandbox" up "$dir" --with cifs --initial-config "$work/init-$n.conf" >/dev/null
	# shellcheck disable=SC1091
	. "$dir/env"
	changed=$(time_calls patch cifs shares share1 '{"comment": "changed {i}"}')
	refused=$(time_calls patch cifs shares share1 '{"path": "relative/{i}"}')
	printf '%-8s %-22s %-22s\n' "$n" "$changed" "$refused"
	[ "$n" = 1000 ] || "$src/tests/sandbox" down "$dir" >/dev/null
done

echo
echo "== cifs: GET through REST at 1,000 shares (p50 / p99 over $changes)"
token=$(curl -sS -u "$MGMTD_USER:$MGMTD_PASSWORD" -H 'Content-Type: application/json' \
	-d '{"description":"bench"}' "$MGMTD_URL/api/v1/auth/tokens" | jq -er .token)
time_get() {
	local i t0 t1
	for i in $(seq 1 "$changes"); do
		t0=$(now_us)
		curl -sS -o /dev/null -H "Authorization: Bearer $token" "$MGMTD_URL$1"
		t1=$(now_us)
		echo $((t1 - t0))
	done | percentiles
}
size=$(curl -sS -H "Authorization: Bearer $token" "$MGMTD_URL/api/v1/cifs/shares" | wc -c)
printf '%-34s %s (%s bytes)\n' "GET /api/v1/cifs/shares" "$(time_get /api/v1/cifs/shares)" "$size"
printf '%-34s %s\n' "GET /api/v1/cifs/server (reference)" "$(time_get /api/v1/cifs/server)"
echo "(each figure includes starting mgmtctl or curl, about a millisecond)"
