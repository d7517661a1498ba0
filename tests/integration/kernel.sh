# shellcheck shell=bash
# Kernel features and scratch disks, for the integration tests that need a
# real kernel; lib.sh sources this file.
#
# A test that needs kernel features declares them in a header line
#   # requires: dm md
# (tests/vm/run picks such tests) and calls require_kernel_feature early:
# with no argument it checks the header's list.  Where the kernel lacks one
# (this project's machines: no dm, md, quota enforcement, nfsd, IPVS or
# bonding) the test skips, naming it; in the VM tier (MGMTD_VM=1, a stock
# Debian kernel) a missing feature fails the test.
# Features: dm md quota nfsd nfs (the client) ipvs bonding.
require_kernel_feature() {
	local f why rc
	# shellcheck disable=SC2046 # the header's words
	[ $# -gt 0 ] || set -- $(sed -n 's/^# requires: *//p' "$0" | head -n 1)
	[ $# -gt 0 ] || fail "require_kernel_feature: no feature named, and no '# requires:' line in $0"
	[ "$(id -u)" -eq 0 ] || skip "needs root for kernel features ($*)"
	for f in "$@"; do
		rc=0
		why=$(_kernel_has "$f") || rc=$?
		[ "$rc" -ne 2 ] || fail "$why"
		if [ "$rc" -ne 0 ]; then
			[ "${MGMTD_VM:-0}" != 1 ] || fail "the VM tier's kernel lacks $f: $why"
			skip "the kernel lacks $f ($why); make check-vm runs this test in a VM"
		fi
	done
}

# _kernel_has FEATURE: 0 if the running kernel has it (loading its modules
# where modules can be loaded), else 1 and why on stdout (2: unknown).
_kernel_has() {
	case $1 in
	dm)
		modprobe -q dm_mod 2>/dev/null
		grep -qw device-mapper /proc/misc 2>/dev/null || { echo "no device-mapper in /proc/misc"; return 1; } ;;
	md)
		modprobe -q md_mod 2>/dev/null && modprobe -q raid1 2>/dev/null
		[ -e /proc/mdstat ] || { echo "no /proc/mdstat"; return 1; } ;;
	quota) _kernel_has_quota ;;
	nfsd)
		modprobe -q nfsd 2>/dev/null
		grep -qw nfsd /proc/filesystems || { echo "no nfsd filesystem"; return 1; } ;;
	nfs)
		modprobe -q nfsv4 2>/dev/null
		grep -qw nfs4 /proc/filesystems || { echo "no nfs4 filesystem"; return 1; } ;;
	ipvs)
		modprobe -q ip_vs 2>/dev/null
		[ -e /proc/net/ip_vs ] || { echo "no /proc/net/ip_vs"; return 1; } ;;
	bonding)
		modprobe -q bonding max_bonds=0 2>/dev/null
		[ -e /sys/class/net/bonding_masters ] || { echo "no /sys/class/net/bonding_masters"; return 1; } ;;
	*)
		echo "unknown kernel feature '$1' (known: dm md quota nfsd nfs ipvs bonding)"
		return 2 ;;
	esac
}

# Quota enforcement on ext4: a file system with the quota feature mounts
# read-write only where the kernel has quota and the v2 quota format.
_kernel_has_quota() {
	local d rc=0
	[ -d /proc/sys/fs/quota ] || { echo "no /proc/sys/fs/quota"; return 1; }
	command -v mkfs.ext4 >/dev/null || { echo "mkfs.ext4 is not installed"; return 1; }
	modprobe -q quota_v2 2>/dev/null
	modprobe -q loop 2>/dev/null
	d=$(mktemp -d "${TMPDIR:-/tmp}/mgmtd-quota-probe.XXXXXX")
	mkdir "$d/mnt"
	truncate -s 16M "$d/img"
	if ! mkfs.ext4 -q -F -O quota "$d/img" >/dev/null 2>&1; then
		echo "mkfs.ext4 -O quota failed"
		rc=1
	elif mount -o loop "$d/img" "$d/mnt" 2>/dev/null; then
		umount "$d/mnt"
	else
		echo "an ext4 file system with quotas does not mount (no quota format v2)"
		rc=1
	fi
	rm -rf "$d"
	return "$rc"
}

# scratch_disks N [SIZE]: set SCRATCH_DISKS to N block devices the test may
# wipe: the first N of MGMTD_SCRATCH_DISKS (the VM tier's blank virtio
# disks; by hand, disks you can lose), else loop devices over sparse files
# of SIZE (default 1G) in TEST_TMP, detached at exit.
SCRATCH_DISKS=()
scratch_disks() {
	local n=$1 size=${2:-1G} i d pool
	SCRATCH_DISKS=()
	if [ -n "${MGMTD_SCRATCH_DISKS:-}" ]; then
		read -ra pool <<<"$MGMTD_SCRATCH_DISKS"
		[ "${#pool[@]}" -ge "$n" ] || skip "needs $n scratch disks, MGMTD_SCRATCH_DISKS has ${#pool[@]}"
		SCRATCH_DISKS=("${pool[@]:0:n}")
		return 0
	fi
	command -v losetup >/dev/null || skip "losetup is not installed"
	make_tmp
	for ((i = 1; i <= n; i++)); do
		truncate -s "$size" "$TEST_TMP/scratch$i.img"
		d=$(losetup -f --show "$TEST_TMP/scratch$i.img" 2>/dev/null) || skip "no free loop device"
		at_exit "losetup -d $d"
		SCRATCH_DISKS+=("$d")
	done
}
