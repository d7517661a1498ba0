#!/bin/bash
# requires: quota
# ext4 user quotas as the quota plugin will set them: a file system with the
# quota feature mounted with usrquota, a hard block limit set with setquota,
# and an ordinary user's write past it refused with EDQUOT ("Disk quota
# exceeded") while root and writes under the limit go through.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
for t in setquota repquota quota setpriv mkfs.ext4; do
	command -v "$t" >/dev/null || skip "$t is not installed (quota, util-linux, e2fsprogs)"
done
scratch_disks 1 256M
make_tmp
dev=${SCRATCH_DISKS[0]}
mnt=$TEST_TMP/mnt
uid=64123 # no account needed: setpriv switches to a bare uid
mkdir "$mnt"
chmod 755 "$TEST_TMP" # the user walks to its directory

mkfs.ext4 -q -F -O quota -E quotatype=usrquota "$dev" || fail "mkfs.ext4 -O quota"
at_exit "umount $mnt"
mount -o usrquota "$dev" "$mnt" || fail "mount -o usrquota"
mkdir "$mnt/home"
chown "$uid:$uid" "$mnt/home"

as_user() {
	setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$@"
}

# Hard limit 1 MiB (1024 blocks of 1 KiB), 100 inodes.
setquota -u "$uid" 0 1024 0 100 "$mnt" || fail "setquota"
limits=$(quota -w -u "$uid" 2>&1 || true)
log "quota -u $uid: $(echo "$limits" | tail -n 1)"

# Under the limit: fine.
as_user dd if=/dev/zero of="$mnt/home/small" bs=64k count=8 conv=fsync status=none ||
	fail "a 512 KiB write under the 1 MiB limit failed"
# Past the hard limit: EDQUOT.
rc=0
as_user dd if=/dev/zero of="$mnt/home/big" bs=64k count=16 conv=fsync status=none \
	2>"$TEST_TMP/dd.err" || rc=$?
log "dd past the limit: exit $rc: $(cat "$TEST_TMP/dd.err")"
[ "$rc" -ne 0 ] || fail "a 1 MiB write past the limit succeeded"
assert_contains "$(cat "$TEST_TMP/dd.err")" "Disk quota exceeded" "dd's error"
used=$(du -sk "$mnt/home" | cut -f1)
[ "$used" -le 1024 ] || fail "the user holds $used KiB, over the 1024 KiB hard limit"

# The kernel's accounting, as repquota reports it; root is not limited.
rep=$(repquota -u -n "$mnt")
log "repquota: $(echo "$rep" | grep "^#$uid")"
line=$(echo "$rep" | grep "^#$uid ") || fail "uid $uid missing from repquota: $rep"
read -r _ _ bused _ bhard _ <<<"$line"
assert_eq 1024 "$bhard" "hard block limit in repquota"
[ "$bused" -ge 512 ] && [ "$bused" -le 1024 ] || fail "repquota: $bused KiB used, want 512..1024"
dd if=/dev/zero of="$mnt/root-file" bs=1M count=4 conv=fsync status=none ||
	fail "root's write failed"

# Raising the limit lets the user write again.
setquota -u "$uid" 0 8192 0 100 "$mnt" || fail "setquota (raise)"
as_user dd if=/dev/zero of="$mnt/home/big" bs=64k count=16 conv=fsync status=none ||
	fail "write after raising the limit failed"
umount "$mnt"
log "ok: ext4 user quota enforced (EDQUOT past the hard limit)"
