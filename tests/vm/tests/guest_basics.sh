#!/bin/bash
# The VM tier's guest itself: a stock Debian kernel, the shares (source and
# build read-only, results writable), blank scratch disks, eth0 on QEMU's
# user network, modules loading on demand, and the built binaries running.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$top_srcdir/tests/integration/lib.sh"

[ "${MGMTD_VM:-0}" = 1 ] || skip "runs in the VM tier only (make check-vm)"

kv=$(uname -r)
log "kernel $kv: $(cat /proc/version)"
assert_contains "$(cat /proc/version)" "Debian" "/proc/version"

! touch "$top_srcdir/.vm-write-probe" 2>/dev/null || fail "the source share is writable"
! touch "$MGMTD_BUILD/.vm-write-probe" 2>/dev/null || fail "the build share is writable"
touch "$MGMTD_VM_RESULTS/.probe" && rm "$MGMTD_VM_RESULTS/.probe" || fail "the results share is not writable"

n=0
for d in $MGMTD_SCRATCH_DISKS; do
	[ -b "$d" ] || fail "scratch disk $d is not a block device"
	[ -z "$(blkid -p "$d" 2>/dev/null)" ] || fail "scratch disk $d is not blank"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "want at least 2 scratch disks, got: $MGMTD_SCRATCH_DISKS"

assert_contains "$(ip -4 addr show eth0)" "10.0.2.15/24" "eth0"
for m in dm_mod md_mod raid1 nfsd ip_vs overlay; do
	modprobe "$m" || fail "modprobe $m"
done
"$MGMTD" --version >/dev/null || fail "$MGMTD --version"
log "ok: $n scratch disks, eth0 up, modules load, mgmtd runs"
