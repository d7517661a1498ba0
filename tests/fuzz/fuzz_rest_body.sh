#!/bin/bash
# Run the REST request-body fuzz target for a bounded time (FUZZ_SECONDS,
# default 60): no crash, no leak, no change to what it validates against.
# The seed corpus is copied to scratch space; the repository is not
# touched.  Exit 77 (skip) without the target (no clang or no REST).
set -eu -o pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
target=$top_builddir/tests/fuzz/fuzz_rest_body
plugin=$top_builddir/plugins/dns/.libs/dns.so

if [ ! -x "$target" ]; then
	echo "SKIP: fuzz_rest_body: not built (needs clang with libFuzzer and --enable-rest)"
	exit 77
fi
[ -f "$plugin" ] || { echo "FAIL: fuzz_rest_body: $plugin not built"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mgmtd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$top_srcdir"/tests/fuzz/corpus/* "$work/corpus/"
cd "$work"
FUZZ_PLUGIN=$plugin "$target" -max_total_time="${FUZZ_SECONDS:-60}" \
	-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	"$work/corpus" 2>"$work/log" || {
	tail -n 60 "$work/log"
	echo "FAIL: fuzz_rest_body (artifacts, if any, in the output above)"
	exit 1
}
grep -E '^(Done|stat::number_of_executed_units)' "$work/log" || true
echo "fuzz_rest_body: no crash, leak or change"
