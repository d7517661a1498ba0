#!/bin/bash
# bench/snmp_bench.sh BUILD_DIR: the SNMP subagent's figures, each with
# snmpd's own figure measured in the same run, through the same master:
#   - snmpbulkwalk of a 10,000-row table served by mgmtd (the bench-only
#     benchrows plugin: 5 columns besides the key), the whole table and one
#     column, against snmpd's nsExtendOutLine of an extend printing 10,000
#     lines (a native table of the same row count): time, varbinds per
#     second and the ratio;
#   - the latency of one snmpget (a new snmpget process each time, so the
#     figure includes the client's start): an mgmtd scalar against
#     snmpd's sysUpTime.0.
set -euo pipefail
build=$(cd "${1:?usage: bench/snmp_bench.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
rows=10000
gets=200
export MIBS=

for t in snmpd snmptrapd snmpbulkwalk snmpget; do
	command -v "$t" >/dev/null || { echo "== SNMP: skipped ($t not installed)"; exit 0; }
done
grep -q 'AgentX subagent of' "$build/mgmtd/mgmtd" ||
	{ echo "== SNMP: skipped (mgmtd built without SNMP)"; exit 0; }
[ -f "$build/plugins/benchrows/.libs/benchrows.so" ] ||
	{ echo "== SNMP: skipped (make plugins/benchrows/benchrows.la first)"; exit 0; }
if ! why=$(MGMTD_BUILD=$build "$src/tests/sandbox" check); then
	echo "== SNMP: skipped ($why)"
	exit 0
fi

work=$(mktemp -d /tmp/mgmtd-snmp-bench.XXXXXX)
trap 'MGMTD_BUILD=$build "$src/tests/sandbox" down "$work/sb" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# The native table: an extend whose output is 10,000 lines.
cat >"$work/extra.conf" <<EOF
extend bench10k /usr/bin/seq 1 $rows
EOF
SNMPD_EXTRA_CONF=$work/extra.conf MGMTD_REST_PORT=0 MGMTD_REST_TLS_PORT=0 \
	MGMTD_BUILD=$build "$src/tests/sandbox" up "$work/sb" --with snmp,benchrows >/dev/null
# shellcheck disable=SC1091
. "$work/sb/env"

root=.1.3.6.1.4.1.8072.9999.9999.4242
table=$root.1.9999.1.1
# nsExtendOutLine."bench10k": the index is the name, length-prefixed.
native=.1.3.6.1.4.1.8072.1.3.2.4.1.2.8.98.101.110.99.104.49.48.107
walk() {
	snmpbulkwalk -v2c -c "$SNMP_COMMUNITY" -Cr50 -On -Oq -t 10 -r 0 "$SNMP_AGENT" "$1"
}
now_ns() { date +%s%N; }

# Wait until the collector published the rows, and warm both tables up.
deadline=$(($(date +%s) + 60))
until [ "$(walk "$table.3" | wc -l)" -ge "$rows" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || { echo "== SNMP: the benchrows table never filled"; exit 1; }
	sleep 0.2
done
[ "$(walk "$native" | wc -l)" -ge "$rows" ] || { echo "== SNMP: the extend table is short"; exit 1; }

# best of three runs: prints "milliseconds varbinds"
measure() {
	local best=0 n=0 t0 t1 ms i
	for i in 1 2 3; do
		t0=$(now_ns)
		n=$(walk "$1" | wc -l)
		t1=$(now_ns)
		ms=$(((t1 - t0) / 1000000))
		if [ "$best" -eq 0 ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	[ "$best" -gt 0 ] || best=1
	echo "$best $n"
}
read -r m_ms m_n < <(measure "$table")
read -r c_ms c_n < <(measure "$table.3")
read -r n_ms n_n < <(measure "$native")

echo "== SNMP: snmpbulkwalk -Cr50 through snmpd (best of 3)"
printf '%-42s %8s %9s %12s\n' table varbinds ms "varbinds/s"
printf '%-42s %8s %9s %12s\n' "snmpd nsExtendOutLine, $rows lines (ref)" "$n_n" "$n_ms" "$((n_n * 1000 / n_ms))"
printf '%-42s %8s %9s %12s\n' "mgmtd benchrows, one column" "$c_n" "$c_ms" "$((c_n * 1000 / c_ms))"
printf '%-42s %8s %9s %12s\n' "mgmtd benchrows, whole table (5 columns)" "$m_n" "$m_ms" "$((m_n * 1000 / m_ms))"
awk -v c="$c_ms" -v n="$n_ms" -v m="$m_ms" -v mn="$m_n" -v nn="$n_n" 'BEGIN {
	printf "time ratio, same row count (one column / native): %.2fx (aim: <= 1.5x)\n", c / n
	printf "varbinds/s ratio, whole table / native: %.2f\n", (mn / m) / (nn / n)
}'

# Latency of one snmpget, client start included: median of $gets.
latency() {
	local i t0 t1
	for ((i = 0; i < gets; i++)); do
		t0=$(now_ns)
		snmpget -v2c -c "$SNMP_COMMUNITY" -t 2 -r 0 -Oqv "$SNMP_AGENT" "$1" >/dev/null
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR / 2) + 1] / 1000, v[int(NR * 0.95)] / 1000 }'
}
read -r l_med l_p95 < <(latency "$root.3.3.0")
read -r s_med s_p95 < <(latency .1.3.6.1.2.1.1.3.0)
echo "== SNMP: one snmpget through the master ($gets runs, client start included)"
printf '%-42s %9s %9s\n' object "median ms" "p95 ms"
printf '%-42s %9s %9s\n' "snmpd sysUpTime.0 (ref)" "$s_med" "$s_p95"
printf '%-42s %9s %9s\n' "mgmtd mgmtdConfigVersion.0 (AgentX)" "$l_med" "$l_p95"
