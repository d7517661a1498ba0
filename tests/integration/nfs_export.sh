#!/bin/bash
# requires: nfsd nfs
# The kernel NFS server as the nfs plugin will drive it, without systemd:
# nfsd and rpc_pipefs mounted, rpcbind -w, an export added with exportfs,
# rpc.mountd and rpc.nfsd started, the export mounted over loopback with
# NFSv4.2, a file written through the mount and read back on both sides.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
for t in rpcbind exportfs rpc.mountd rpc.nfsd mount.nfs mkfs.ext4; do
	command -v "$t" >/dev/null || skip "$t is not installed (nfs-kernel-server, rpcbind, nfs-common)"
done
scratch_disks 1 256M
make_tmp
export_dir=$TEST_TMP/export
client=$TEST_TMP/client
mkdir "$export_dir" "$client"

# The export is a real ext4 file system (tmpfs needs an fsid).
mkfs.ext4 -q -F "${SCRATCH_DISKS[0]}" || fail "mkfs.ext4"
at_exit "umount $export_dir"
mount "${SCRATCH_DISKS[0]}" "$export_dir" || fail "mount the export's file system"
mkdir "$export_dir/share"
share=$export_dir/share

grep -q ' /proc/fs/nfsd ' /proc/mounts || mount -t nfsd nfsd /proc/fs/nfsd || fail "mount nfsd"
mkdir -p /var/lib/nfs/rpc_pipefs /var/lib/nfs/v4recovery
grep -q ' /var/lib/nfs/rpc_pipefs ' /proc/mounts ||
	mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs || fail "mount rpc_pipefs"

# A short grace period: the server refuses opens until it ends.
echo 10 >/proc/fs/nfsd/nfsv4leasetime 2>/dev/null || true
echo 10 >/proc/fs/nfsd/nfsv4gracetime 2>/dev/null || true

rpcbind -w -f &
rpcbind_pid=$!
at_exit "kill $rpcbind_pid"
wait_until -t 20 test -S /run/rpcbind.sock

at_exit "exportfs -ua"
exportfs -o rw,sync,no_subtree_check,no_root_squash "127.0.0.1:$share" || fail "exportfs"
assert_contains "$(exportfs -v)" "$share" "exportfs -v"

rpc.mountd -F --no-udp &
mountd_pid=$!
at_exit "kill $mountd_pid"
at_exit "rpc.nfsd 0"
rpc.nfsd --no-udp -V 4.2 4 || fail "rpc.nfsd"
log "nfsd versions: $(cat /proc/fs/nfsd/versions), threads: $(cat /proc/fs/nfsd/threads)"
assert_contains "$(cat /proc/fs/nfsd/versions)" "+4.2" "/proc/fs/nfsd/versions"

at_exit "umount -f -l $client"
t0=$(date +%s)
mount -t nfs4 -o vers=4.2,proto=tcp,timeo=50,retrans=3 "127.0.0.1:$share" "$client" ||
	fail "mount -t nfs4 127.0.0.1:$share"
opts=$(awk -v m="$client" '$2 == m { print $3, $4 }' /proc/mounts)
log "mounted: $opts"
assert_contains "$opts" "vers=4.2" "mount options"

echo "written through NFS $$" >"$client/hello"
sync
assert_eq "written through NFS $$" "$(cat "$share/hello")" "the file on the server"
echo "written on the server $$" >"$share/back"
assert_eq "written on the server $$" "$(cat "$client/back")" "the server's file through NFS"
head -c 2M /dev/urandom >"$client/blob"
assert_eq "$(md5sum <"$client/blob")" "$(md5sum <"$share/blob")" "2 MiB through NFS"
log "write and read back in $(($(date +%s) - t0)) s (grace period included)"

umount "$client"
rpc.nfsd 0
exportfs -ua
log "ok: NFSv4.2 export mounted over loopback, written and read back"
