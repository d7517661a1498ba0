#!/bin/bash
# What an attacker with an account (or a page that frames the UI) tries,
# against a sandbox mgmtd collecting metrics every second: the UI's files
# carry a Content-Security-Policy the UI keeps to (no inline script or
# style, nothing built from HTML strings), no framing, no sniffing, no
# referrer; a monitor cannot make the metrics API answer gigabytes (a range
# past the last update, centuries, a fine resolution over years); a rotated
# log that is a symbolic link stays out of the admin's export.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

require_sandbox
command -v jq >/dev/null || skip "jq is not installed (tests/install-deps installs it)"
[ -f "$MGMTD_BUILD/plugins/status/.libs/status.so" ] ||
	skip "the status plugin is not built"
make_tmp
MGMTD_COLLECT_INTERVAL=1 rest_up --with status

log "the UI's files: CSP, no framing, no sniffing, no referrer"
for p in / /index.html /js/app.js /app.css /no-such-file; do
	curl -sS -o /dev/null -D "$TEST_TMP/headers" "$MGMTD_URL$p" ||
		fail "curl $p failed"
	csp=$(header_of Content-Security-Policy)
	for d in "default-src 'self'" "script-src 'self'" "style-src 'self'" \
		"object-src 'none'" "base-uri 'none'" "frame-ancestors 'none'"; do
		[[ "; $csp;" == *"; $d;"* ]] || fail "$p: no \"$d\" in the CSP: $csp"
	done
	[[ "$csp" != *unsafe-inline* && "$csp" != *unsafe-eval* ]] ||
		fail "$p: the CSP allows inline code: $csp"
	assert_eq DENY "$(header_of X-Frame-Options)" "$p: X-Frame-Options"
	assert_eq nosniff "$(header_of X-Content-Type-Options)" "$p: X-Content-Type-Options"
	assert_eq no-referrer "$(header_of Referrer-Policy)" "$p: Referrer-Policy"
done

log "the UI keeps to it: no inline script or style, no HTML from strings"
www=$top_srcdir/www
[ -z "$(grep -n '<script' "$www/index.html" | grep -v ' src=')" ] ||
	fail "an inline script in index.html"
! grep -nE ' style=|<style' "$www/index.html" || fail "an inline style in index.html"
! grep -nE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function' \
	"$www"/js/*.js || fail "HTML or code built from strings in www/js"

series=status/interfaces/lo/rx_bytes
listed() {
	api GET "/api/v1/metrics?plugin=status" |
		jq -e --arg id "$1" '.series[] | select(.id == $id)' >/dev/null
}
wait_until -t 30 listed "$series"

log "metrics: a range past the last update stays bounded"
# rrd_fetch alone took the one-second archive here: 26 million points,
# half a gigabyte of JSON, gigabytes of memory in mgmtd.
out=$(expect 200 GET "/api/v1/metrics/$series?start=now%2B1d&end=now%2B300d")
jq -e '(.points | length) <= 100000 and .step >= 300' <<<"$out" >/dev/null ||
	fail "300 days ahead: $(jq -c '{step, n: (.points | length)}' <<<"$out")"
log "metrics: a year back comes from the hourly archive"
out=$(expect 200 GET "/api/v1/metrics/$series?start=-1y&resolution=1")
jq -e '.step == 3600 and (.points | length) <= 8800' <<<"$out" >/dev/null ||
	fail "a year back: $(jq -c '{step, n: (.points | length)}' <<<"$out")"
log "metrics: too many points, centuries: 400 naming start"
body=$(expect 400 GET "/api/v1/metrics/$series?start=-9y&cf=MAX")
assert_problem_path "$body" '^start$'
body=$(expect 400 GET "/api/v1/metrics/$series?start=0&end=99999999999")
assert_problem_path "$body" '^start$'
body=$(expect 400 GET "/api/v1/metrics/$series/graph.png?start=0&end=99999999999")
assert_problem_path "$body" '^start$'

log "metrics: no way out of the metrics directory"
for p in "status/interfaces/..%2F..%2F..%2Fetc/rx_bytes" \
	"status/..%2F../lo/rx_bytes" "..%2F..%2Fstatus/interfaces/lo/rx_bytes"; do
	expect 404 GET "/api/v1/metrics/$p" >/dev/null
done
body=$(expect 400 GET "/api/v1/metrics/graph.png?series=status/interfaces/../../x/rx_bytes")
assert_problem_path "$body" '^series$'

log "export: a rotated log that is a symbolic link is not followed"
secret=$TEST_TMP/secret
echo "only-root-reads-this-$$" >"$secret"
chmod 600 "$secret"
ln -s "$secret" "$MGMTD_SYSLOG.7"
api GET /api/v1/logs/export >/dev/null
assert_eq 200 "$(status)" "export"
cp "$TEST_TMP/body" "$TEST_TMP/export.tar.gz"
! tar xzOf "$TEST_TMP/export.tar.gz" | qgrep -F "only-root-reads-this-$$" ||
	fail "the export holds the file a rotated log links to"
tar xzOf "$TEST_TMP/export.tar.gz" mgmtd-logs/manifest.json |
	jq -e --arg p "$MGMTD_SYSLOG.7" '.files[] | select(.path == $p) | .skipped | length > 0' \
		>/dev/null || fail "the manifest does not say the link was skipped"
log ok
