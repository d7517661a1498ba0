#!/bin/bash
# The status plugin's live state against an independent reading taken
# around it: /proc and /sys, `ip -s link`, `df`.  Counters must lie between
# a reading before mgmtd started and one after the state was fetched;
# gauges within a tolerance; utilisation and rates appear once two samples
# are there.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_sandbox
for t in ip df awk; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -f "$MGMTD_BUILD/plugins/status/.libs/status.so" ] ||
	skip "the status plugin is not built"

# Counters of lo (ip -s link) and of the busiest disk (/proc/diskstats).
lo_rx_bytes() {
	ip -s -j link show dev lo | jq '.[0].stats64.rx.bytes'
}
disk=$(awk '$4 + $8 > 0 && $3 !~ /^(loop|ram)/ { print $4 + $8, $3 }' /proc/diskstats | sort -rn | awk 'NR == 1 { print $2 }')
disk_reads() {
	awk -v d="$disk" '$3 == d { print $4 }' /proc/diskstats
}
pre_lo=$(lo_rx_bytes)
[ -z "$disk" ] || pre_reads=$(disk_reads)

sandbox_up --with status
status() {
	ctl_ok state | jq -c '.state.status'
}
# The first collect runs at start; utilisation needs a second one.
has_rates() {
	status | jq -e '.cpus.total.busy != null and .interfaces.lo.rx_rate != null' >/dev/null
}
wait_until -t 40 has_rates
st=$(status)
post_lo=$(lo_rx_bytes)
[ -z "$disk" ] || post_reads=$(disk_reads)
get() {
	jq -r "$1 // \"missing\"" <<<"$st"
}
# between LOW GOT HIGH WHAT
between() {
	[ "$1" -le "$2" ] && [ "$2" -le "$3" ] && return 0
	fail "$4: $2 not between $1 and $3"
}
# within WANT GOT TOLERANCE WHAT
within() {
	local d=$(($1 - $2))
	[ "${d#-}" -le "$3" ] || fail "$4: want $1 +- $3, got $2"
}

log "host: uptime, load, CPUs"
read -r up _ </proc/uptime
within "${up%.*}" "$(get .host.uptime)" 30 "uptime"
assert_eq "$(grep -c '^cpu[0-9]' /proc/stat)" "$(get .host.cpu_count)" "cpu_count"
read -r l1 _ </proc/loadavg
l1=$(awk -v l="$l1" 'BEGIN { printf "%d", l * 100 }')
within "$l1" "$(get .host.load_1)" 400 "load_1 (x100)"

log "cpus: utilisation of each adds up"
for c in $(jq -r '.cpus | keys[]' <<<"$st"); do
	busy=$(get ".cpus.\"$c\".busy")
	idle=$(get ".cpus.\"$c\".idle")
	iowait=$(get ".cpus.\"$c\".iowait")
	between 0 "$busy" 10000 "cpus.$c.busy"
	within 10000 $((busy + idle + iowait)) 3 "cpus.$c busy + idle + iowait"
done
assert_eq "$(($(get .host.cpu_count) + 1))" "$(jq '.cpus | length' <<<"$st")" "CPUs listed (with total)"

log "memory: against /proc/meminfo"
kib() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
assert_eq "$(($(kib MemTotal) * 1024))" "$(get .memory.total)" "memory.total"
within "$(($(kib MemAvailable) * 1024))" "$(get .memory.available)" $((256 << 20)) "memory.available"
within "$(($(kib SwapTotal) * 1024))" "$(get .memory.swap_total)" 0 "memory.swap_total"
assert_eq "$(get .memory.total)" "$(($(get .memory.used) + $(get .memory.available)))" "used + available"

log "interfaces: against ip -s link and /sys"
rx=$(get .interfaces.lo.rx_bytes)
between "$pre_lo" "$rx" "$post_lo" "lo rx_bytes"
assert_eq "$(cat /sys/class/net/lo/mtu)" "$(get .interfaces.lo.mtu)" "lo mtu"
assert_eq "$(cat /sys/class/net/lo/operstate)" "$(get .interfaces.lo.oper_state)" "lo oper_state"
for i in /sys/class/net/*; do
	i=${i##*/}
	[ "$(get ".interfaces.\"$i\".rx_packets")" != missing ] || fail "interface $i missing"
done
[ "$(get .interfaces.lo.rx_rate)" -ge 0 ] || fail "lo rx_rate negative"

if [ -n "$disk" ]; then
	log "disks: $disk against /proc/diskstats"
	reads=$(get ".disks.\"$disk\".reads")
	between "$pre_reads" "$reads" "$post_reads" "$disk reads"
	busy=$(get ".disks.\"$disk\".busy")
	between 0 "$busy" 10000 "$disk busy"
fi

log "volumes: against df"
n=0
while read -r src size used avail target; do
	case $src in /dev/*) ;; *) continue ;; esac
	n=$((n + 1))
	v=".volumes.\"$target\""
	assert_eq "$size" "$(get "$v.size")" "$target size"
	within "$used" "$(get "$v.used")" $((64 << 20)) "$target used"
	within "$avail" "$(get "$v.available")" $((64 << 20)) "$target available"
	assert_eq "$src" "$(get "$v.device")" "$target device"
done < <(in_sandbox df -B1 --output=source,size,used,avail,target | tail -n +2)
[ "$n" -gt 0 ] || log "no volume on a block device here: nothing compared"

# Metrics (built with librrd, on by default): one RRD file per object,
# one data source per gauge or counter, created at the first collect.
if grep -q '^#define HAVE_LIBRRD 1' "$MGMTD_BUILD/config.h" 2>/dev/null; then
	log "metrics: RRD files per object"
	m=$SANDBOX_DIR/state/metrics/status
	for f in memory/_:total host/_:load_1 cpus/total:busy \
		interfaces/lo:rx_bytes; do
		rrd=$m/${f%%:*}.rrd
		[ -s "$rrd" ] || fail "no metrics file $rrd"
		rrdtool info "$rrd" | qgrep "^ds\[${f#*:}\]\.type" ||
			fail "$rrd has no data source ${f#*:}"
	done
fi
