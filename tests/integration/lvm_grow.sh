#!/bin/bash
# requires: dm
# LVM as the lvm plugin will drive it, with activation (device-mapper): a
# volume group over two disks, a logical volume activated, ext4 made and
# mounted on it, grown online with lvextend -r, a snapshot taken.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
for t in pvcreate vgcreate lvcreate lvextend mkfs.ext4; do
	command -v "$t" >/dev/null || skip "$t is not installed (lvm2, e2fsprogs)"
done
scratch_disks 2 1G
make_tmp
vg=mgmtd_t$$
mnt=$TEST_TMP/mnt
mkdir "$mnt"

at_exit "pvremove -ff -y ${SCRATCH_DISKS[*]}"
at_exit "vgremove -ff -y $vg"
pvcreate -y -ff "${SCRATCH_DISKS[@]}" >/dev/null || fail "pvcreate"
vgcreate "$vg" "${SCRATCH_DISKS[@]}" >/dev/null || fail "vgcreate"
lvcreate -y -L 64M -n data "$vg" >/dev/null || fail "lvcreate"
lv=/dev/$vg/data
[ -b "$lv" ] || fail "$lv missing after lvcreate (activation, udev links)"
attr=$(lvs --noheadings -o lv_attr "$vg/data" | tr -d ' ')
log "lv_attr $attr"
assert_eq a "${attr:4:1}" "state column of lv_attr (active)"
[ -e "/dev/mapper/$vg-data" ] || fail "no /dev/mapper/$vg-data"

mkfs.ext4 -q "$lv" || fail "mkfs.ext4"
at_exit "umount $mnt"
mount "$lv" "$mnt" || fail "mount $lv"
head -c 1M /dev/urandom >"$mnt/data"
sum=$(md5sum <"$mnt/data")
before=$(df -B1M --output=size "$mnt" | tail -n 1 | tr -d ' ')

# Online growth: the file system grows while mounted.
lvextend -r -L +128M "$lv" >"$TEST_TMP/lvextend.out" 2>&1 ||
	fail "lvextend -r: $(cat "$TEST_TMP/lvextend.out")"
after=$(df -B1M --output=size "$mnt" | tail -n 1 | tr -d ' ')
log "ext4 on $lv grew online from $before MiB to $after MiB"
[ "$after" -gt "$((before + 100))" ] || fail "file system did not grow: $before -> $after MiB"
assert_eq "$(( (64 + 128) * 1024 * 1024 ))" "$(lvs --noheadings --units b --nosuffix -o lv_size "$vg/data" | tr -d ' ')" "lv_size"
assert_eq "$sum" "$(md5sum <"$mnt/data")" "data after the online resize"

# A snapshot (dm-snapshot) sees the data as it was.
lvcreate -y -s -L 32M -n snap "$vg/data" >/dev/null || fail "lvcreate -s"
echo changed >"$mnt/data"
sync
mkdir "$TEST_TMP/snap"
at_exit "umount $TEST_TMP/snap"
mount -o ro,noload "/dev/$vg/snap" "$TEST_TMP/snap" || fail "mount the snapshot"
assert_eq "$sum" "$(md5sum <"$TEST_TMP/snap/data")" "data in the snapshot"
umount "$TEST_TMP/snap"
lvremove -y "$vg/snap" >/dev/null || fail "lvremove snap"
log "json: $(lvm fullreport --reportformat json -o lv_name,lv_size "$vg" 2>/dev/null | jq -c '[.report[].lv[]?]' 2>/dev/null)"

umount "$mnt"
lvchange -an "$vg/data" || fail "lvchange -an"
[ ! -e "/dev/mapper/$vg-data" ] || fail "/dev/mapper/$vg-data still there after deactivation"
log "ok: VG over 2 PVs, LV active, ext4 grown online, snapshot"
