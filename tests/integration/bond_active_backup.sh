#!/bin/bash
# requires: bonding
# An active-backup bond as the network plugin will build it (ip link add
# type bond, with the module loaded with max_bonds=0), in private network
# namespaces: two veth slaves, traffic to a peer through the bond, and a
# failover when the active slave loses its carrier.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
for t in ip ping; do
	command -v "$t" >/dev/null || skip "$t is not installed (iproute2, iputils-ping)"
done
p=mgb$$
host=${p}h peer=${p}p
for ns in "$host" "$peer"; do
	at_exit "ip netns del $ns"
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set lo up
done

# The peer: a bridge over the far ends of both slaves.
ip -n "$peer" link add br0 type bridge
ip -n "$peer" addr add 10.96.0.2/24 dev br0
ip -n "$peer" link set br0 up
ip -n "$host" link add bond0 type bond mode active-backup miimon 50 || fail "ip link add type bond"
for i in 0 1; do
	ip link add "s$i" netns "$host" type veth peer name "f$i" netns "$peer" || fail "veth $i"
	ip -n "$peer" link set "f$i" master br0
	ip -n "$peer" link set "f$i" up
	ip -n "$host" link set "s$i" master bond0 || fail "enslave s$i"
done
ip -n "$host" addr add 10.96.0.1/24 dev bond0
ip -n "$host" link set bond0 up

bonding() { ip netns exec "$host" cat /proc/net/bonding/bond0; }
active() { bonding | sed -n 's/^Currently Active Slave: //p'; }
wait_until -t 20 eval '[ -n "$(active)" ] && [ "$(active)" != None ]'
info=$(bonding)
assert_contains "$info" "Bonding Mode: fault-tolerance (active-backup)" "/proc/net/bonding/bond0"
assert_contains "$info" "Slave Interface: s0" "/proc/net/bonding/bond0"
assert_contains "$info" "Slave Interface: s1" "/proc/net/bonding/bond0"
assert_eq active-backup "$(ip netns exec "$host" cat /sys/class/net/bond0/bonding/mode | cut -d' ' -f1)" "bonding mode"
first=$(active)
log "active slave: $first"
ip netns exec "$host" ping -c 2 -W 2 -i 0.2 10.96.0.2 >/dev/null || fail "no ping through the bond"

# Cut the active slave's far end: the bond fails over to the other.
far=f${first#s}
ip -n "$peer" link set "$far" down
wait_until -t 20 eval '[ "$(active)" != "$first" ] && [ "$(active)" != None ] && [ -n "$(active)" ]'
second=$(active)
log "after $far went down, active slave: $second"
ip netns exec "$host" ping -c 2 -W 2 -i 0.2 10.96.0.2 >/dev/null || fail "no ping after the failover"
assert_contains "$(bonding)" "MII Status: down" "/proc/net/bonding/bond0 after the failover"
ip -n "$host" link del bond0 || fail "ip link del bond0"
log "ok: active-backup bond, traffic, failover from $first to $second"
