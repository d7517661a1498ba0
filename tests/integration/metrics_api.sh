#!/bin/bash
# Metrics over REST against a sandbox mgmtd collecting every second and
# writing through a real rrdcached (private socket, holding updates for an
# hour, so every point the API shows went through rrdcached and a flush):
# the series list (live and stale), the points of a status series, PNG
# graphs of the requested size (one series, several), problems (404, 400
# naming the parameter), roles (monitor reads, no credentials 401), and
# mgmtctl metrics.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

require_sandbox
for t in rrdcached socat od; do
	command -v "$t" >/dev/null || skip "$t is not installed (tests/install-deps installs it)"
done
[ -f "$MGMTD_BUILD/plugins/status/.libs/status.so" ] ||
	skip "the status plugin is not built"

make_tmp
cached=$TEST_TMP/rrdcached
mkdir -p "$cached"
rrdcached -g -l "unix:$cached/sock" -p "$cached/pid" -b "$cached" \
	-w 3600 -f 7200 >"$cached/log" 2>&1 &
cached_pid=$!
at_exit "kill $cached_pid 2>/dev/null; wait $cached_pid 2>/dev/null"
wait_until -t 10 test -S "$cached/sock"
echo "metrics_rrdcached = \"unix:$cached/sock\";" >"$TEST_TMP/extra.conf"

MGMTD_COLLECT_INTERVAL=1 MGMTD_EXTRA_CONF=$TEST_TMP/extra.conf \
	rest_up --with status
grep -q "^metrics_rrdcached" "$MGMTD_CONF" || fail "extra config not used"

series=status/interfaces/lo/rx_bytes
listed() {
	api GET "/api/v1/metrics?plugin=status" |
		jq -e --arg id "$1" '.series[] | select(.id == $id)' >/dev/null
}
# Points of a series with at least N known values in the last minute.
known_points() {
	local n
	n=$(api GET "/api/v1/metrics/$1?start=-60" | jq '[.points[] | select(.[1] != null)] | length')
	[ "${n:-0}" -ge "$2" ]
}

log "the series appear"
wait_until -t 30 listed "$series"
wait_until -t 30 listed status/host/_/load_1
list=$(expect 200 GET /api/v1/metrics)
jq -e --arg id "$series" '.series[] | select(.id == $id) |
	.plugin == "status" and .class == "interfaces" and .key == "lo" and
	.attribute == "rx_bytes" and .type == "counter" and .units == "bytes" and
	.stale == false and (.description | length > 0) and .last_update > 1600000000' \
	<<<"$list" >/dev/null || fail "lo rx_bytes badly listed: $(jq -c --arg id "$series" '.series[] | select(.id == $id)' <<<"$list")"
jq -e '.series[] | select(.id == "status/host/_/load_1") | .key == null and .type == "gauge"' \
	<<<"$list" >/dev/null || fail "a singleton's series has a key"
jq -e '[.series[] | select(.id == "status/interfaces/lo/mtu")] | length == 0' \
	<<<"$list" >/dev/null || fail "mtu is no metric"
assert_eq 0 "$(api GET '/api/v1/metrics?plugin=nope' | jq '.series | length')" "filter by plugin"
assert_eq "$(api GET '/api/v1/metrics?plugin=status&class=host' | jq '[.series[].class] | unique | join(",")')" \
	'"host"' "filter by class"

log "points of a status series (through rrdcached)"
wait_until -t 30 known_points "$series" 3
pts=$(expect 200 GET "/api/v1/metrics/$series?start=-60&end=now")
jq -e --arg id "$series" '.id == $id and .step == 1 and .cf == "AVERAGE" and
	.units == "bytes" and (.points | length >= 50) and
	([.points[] | select(.[1] != null) | .[1]] | all(. >= 0)) and
	(.points | map(.[0]) | . == sort)' <<<"$pts" >/dev/null ||
	fail "bad points: $(jq -c '.points |= .[-5:]' <<<"$pts")"
# The daemon holds the updates: rrdcached received them.
stats=$(echo STATS | socat -t 2 - "UNIX-CONNECT:$cached/sock")
received=$(awk '$1 == "UpdatesReceived:" { print $2 }' <<<"$stats")
[ "${received:-0}" -gt 0 ] || fail "rrdcached received no update: $stats"
log "rrdcached: $received updates received"
# Epoch times and MAX; gauges come out as they were sampled.
now=$(date +%s)
expect 200 GET "/api/v1/metrics/status/memory/_/total?start=$((now - 600))&end=$now&cf=MAX" |
	jq -e '.cf == "MAX" and ([.points[] | .[1] | select(. != null)] | length > 0)' >/dev/null ||
	fail "no MAX points of memory total"
total=$(expect 200 GET /api/v1/status/memory | jq .total)
expect 200 GET "/api/v1/metrics/status/memory/_/total?start=-30" |
	jq -e --argjson t "$total" '[.points[] | .[1] | select(. != null)] | last == $t' >/dev/null ||
	fail "memory total in the archive is not $total"

png_size() {
	# Signature, then IHDR's width and height (big-endian) at byte 16.
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1 is not a PNG"
	od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'
}

# get_png PATH FILE: GET PATH as the current user, the body into FILE.
get_png() {
	api GET "$1" >/dev/null
	cp "$TEST_TMP/body" "$2"
}

log "a graph of one series has the size asked for"
get_png "/api/v1/metrics/$series/graph.png?start=-5min&width=640&height=230" "$TEST_TMP/one.png"
assert_eq 200 "$(status)" "graph status"
assert_eq image/png "$(header_of Content-Type)" "graph type"
assert_eq 640x230 "$(png_size "$TEST_TMP/one.png")" "one-series PNG"
get_png "/api/v1/metrics/status/host/_/load_1/graph.png?title=Load" "$TEST_TMP/def.png"
assert_eq 600x200 "$(png_size "$TEST_TMP/def.png")" "default size"

log "several series on one graph"
get_png "/api/v1/metrics/graph.png?series=$series&series=status/interfaces/lo/tx_bytes&series=status%2Fhost%2F_%2Fload_1&start=-10min&width=800&height=400&title=lo%20traffic" \
	"$TEST_TMP/many.png"
assert_eq 200 "$(status)" "multi-series graph status"
assert_eq 800x400 "$(png_size "$TEST_TMP/many.png")" "multi-series PNG"
expect 200 HEAD "/api/v1/metrics/$series/graph.png" >/dev/null

log "problems: 404 for an unknown series, 400 naming the parameter"
expect 404 GET /api/v1/metrics/status/interfaces/nosuch0/rx_bytes >/dev/null
expect 404 GET /api/v1/metrics/status/interfaces/lo/mtu >/dev/null
expect 404 GET /api/v1/metrics/status/host/_/nope/graph.png >/dev/null
expect 404 GET /api/v1/metrics/status/host >/dev/null
expect 404 GET "/api/v1/metrics/graph.png?series=status/host/_/nope" >/dev/null
assert_problem_path "$(expect 400 GET "/api/v1/metrics/$series?cf=MIN")" '^cf$'
assert_problem_path "$(expect 400 GET "/api/v1/metrics/$series?start=yesterdayish")" '^start$'
assert_problem_path "$(expect 400 GET "/api/v1/metrics/$series?end=bogus")" '^end$'
assert_problem_path "$(expect 400 GET "/api/v1/metrics/$series?start=now&end=-1h")" '^start$'
assert_problem_path "$(expect 400 GET /api/v1/metrics/graph.png)" '^series$'
assert_problem_path "$(expect 400 GET '/api/v1/metrics/graph.png?series=status/host')" '^series$'
assert_problem_path "$(expect 400 GET '/api/v1/metrics?stale=maybe')" '^stale$'
expect 400 GET "/api/v1/metrics/$series/graph.png?width=5" >/dev/null
expect 405 POST /api/v1/metrics '{}' >/dev/null

log "stale series: a file whose object is gone is kept and listed"
dir=$MGMTD_STATE_DIR/metrics/status/interfaces
[ -f "$dir/lo.rrd" ] || fail "no $dir/lo.rrd"
cp "$dir/lo.rrd" "$dir/gone0.rrd"
stale=$(expect 200 GET '/api/v1/metrics?stale=true')
jq -e '.series | length > 0 and all(.stale) and
	any(.id == "status/interfaces/gone0/rx_bytes")' <<<"$stale" >/dev/null ||
	fail "gone0 not listed stale: $stale"
expect 200 GET '/api/v1/metrics?stale=false' |
	jq -e 'all(.series[]; .stale == false) and (.series | length > 0)' >/dev/null ||
	fail "stale=false lists stale series"
expect 200 GET /api/v1/metrics/status/interfaces/gone0/rx_bytes >/dev/null

log "roles: monitor reads; no credentials 401"
expect 201 POST /api/v1/auth/users '{"name":"mon","password":"monitor-pass-1","role":"monitor"}' >/dev/null
CURL_AUTH=(-u mon:monitor-pass-1)
expect 200 GET /api/v1/metrics >/dev/null
expect 200 GET "/api/v1/metrics/$series" >/dev/null
get_png "/api/v1/metrics/$series/graph.png" "$TEST_TMP/mon.png"
assert_eq 200 "$(status)" "monitor graph"
CURL_AUTH=()
expect 401 GET /api/v1/metrics >/dev/null
expect 401 GET "/api/v1/metrics/$series" >/dev/null
expect 401 GET "/api/v1/metrics/$series/graph.png" >/dev/null
CURL_AUTH=(-u "$MGMTD_USER:$MGMTD_PASSWORD")

log "mgmtctl metrics"
export MGMTD_USER MGMTD_PASSWORD MGMTD_URL
out=$("$MGMTCTL" metrics) || fail "mgmtctl metrics failed"
assert_contains "$out" "$series"
out=$("$MGMTCTL" metrics "$series" --start -30) || fail "mgmtctl metrics ID failed"
[ "$(grep -c '^[0-9-]*T[0-9:]*  [0-9.e+]*$' <<<"$out")" -ge 3 ] ||
	fail "mgmtctl metrics $series: no points: $out"
"$MGMTCTL" metrics status/host/_/nope >/dev/null 2>&1 && fail "mgmtctl metrics of an unknown series succeeded"
log "ok"
