#!/bin/bash
# requires: md
# md software RAID1 across two disks, as the raid plugin will drive it:
# created with mdadm, resynced and reported in /proc/mdstat, degraded by a
# failed member and rebuilt, stopped and assembled again.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
command -v mdadm >/dev/null || skip "mdadm is not installed"
scratch_disks 2 256M
d1=${SCRATCH_DISKS[0]}
d2=${SCRATCH_DISKS[1]}
md=/dev/md/mgmtd-test-r1

mdstat_of() {
	awk -v n="${1#/dev/}" '$1 == n { getline l; print $0 " " l }' /proc/mdstat
}
synced() {
	local s
	s=$(mdstat_of "$dev")
	case $s in *"[UU]"*) ;; *) return 1 ;; esac
	! grep -A3 "^${dev#/dev/} " /proc/mdstat | qgrep -E 'resync|recovery'
}

at_exit "mdadm --stop $md; mdadm --zero-superblock $d1 $d2"
mdadm --create "$md" --run --level=1 --raid-devices=2 --metadata=1.2 \
	--size=65536 --homehost=any "$d1" "$d2" </dev/null || fail "mdadm --create"
dev=$(readlink -f "$md")
[ -b "$dev" ] || fail "$md -> $dev is not a block device"
wait_until -t 120 synced
s=$(mdstat_of "$dev")
log "/proc/mdstat: $s"
assert_contains "$s" "active raid1" "/proc/mdstat"
assert_contains "$s" "[2/2] [UU]" "/proc/mdstat"
assert_eq 2 "$(mdadm --detail --export "$md" | sed -n 's/^MD_DEVICES=//p')" "MD_DEVICES"

# Data on the mirror survives the loss of either member.
printf 'mgmtd raid1 %s\n' "$$" | dd of="$dev" bs=4096 count=1 conv=sync,fsync status=none
mdadm "$md" --fail "$d2" || fail "mdadm --fail"
wait_until -t 30 eval 'mdstat_of "$dev" | qgrep -F "[2/1] [U_]"'
log "degraded: $(mdstat_of "$dev")"
mdadm "$md" --remove "$d2" || fail "mdadm --remove"
mdadm --zero-superblock "$d2"
mdadm "$md" --add "$d2" || fail "mdadm --add"
wait_until -t 120 synced
log "rebuilt: $(mdstat_of "$dev")"

# Stop and assemble again from the superblocks.
mdadm --stop "$md" || fail "mdadm --stop"
[ -z "$(mdstat_of "$dev")" ] || fail "$dev still in /proc/mdstat after --stop"
mdadm --assemble "$md" "$d1" "$d2" || fail "mdadm --assemble"
dev=$(readlink -f "$md")
wait_until -t 60 synced
assert_contains "$(mdstat_of "$dev")" "[2/2] [UU]" "/proc/mdstat after --assemble"
got=$(dd if="$dev" bs=4096 count=1 status=none | tr -d '\0')
assert_eq "mgmtd raid1 $$" "$got" "data read back from the array"
mdadm --stop "$md" || fail "mdadm --stop"
log "ok: raid1 created, degraded, rebuilt, assembled"
