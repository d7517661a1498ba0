#!/bin/bash
# requires: ipvs
# An IPVS virtual service as the lb plugin will drive it (ipvsadm), with
# real traffic: in private network namespaces, a director with a virtual
# TCP service (round robin, NAT) over two real servers, each answering with
# its name; a client's connections go to both; weights changed and a real
# server removed as the plugin will.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_kernel_feature
for t in ipvsadm socat ip; do
	command -v "$t" >/dev/null || skip "$t is not installed (ipvsadm, socat, iproute2)"
done
make_tmp
p=mgv$$ # namespace and link prefix
dir=${p}d cli=${p}c rs1=${p}1 rs2=${p}2
vip=10.97.0.100

for ns in "$dir" "$cli" "$rs1" "$rs2"; do
	at_exit "ip netns del $ns"
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set lo up
done
# veth pairs: director <-> client, director <-> each real server.
link() {
	local peer=$1 net=$2
	ip link add "${peer}x" netns "$dir" type veth peer name "${peer}y" netns "$peer" || fail "veth to $peer"
	ip -n "$dir" addr add "10.97.$net.1/24" dev "${peer}x"
	ip -n "$peer" addr add "10.97.$net.2/24" dev "${peer}y"
	ip -n "$dir" link set "${peer}x" up
	ip -n "$peer" link set "${peer}y" up
	ip -n "$peer" route add default via "10.97.$net.1"
}
link "$cli" 3
link "$rs1" 1
link "$rs2" 2
ip netns exec "$dir" sysctl -qw net.ipv4.ip_forward=1
ip -n "$dir" addr add "$vip/32" dev lo

# The real servers: a one-line HTTP-ish answer with their name.
for rs in 1 2; do
	ns=${p}$rs
	ip netns exec "$ns" socat -T 5 TCP-LISTEN:80,reuseaddr,fork SYSTEM:"echo real-server-$rs" &
	at_exit "kill $!"
done

ipvs() { ip netns exec "$dir" ipvsadm "$@"; }
ipvs -A -t "$vip:80" -s rr || fail "ipvsadm -A"
ipvs -a -t "$vip:80" -r 10.97.1.2:80 -m -w 1 || fail "ipvsadm -a real server 1"
ipvs -a -t "$vip:80" -r 10.97.2.2:80 -m -w 1 || fail "ipvsadm -a real server 2"
table=$(ipvs -Ln)
log "$(echo "$table" | tr '\n' '|')"
assert_contains "$table" "TCP  $vip:80 rr" "ipvsadm -Ln"
assert_contains "$table" "10.97.1.2:80" "ipvsadm -Ln"
assert_contains "$table" "10.97.2.2:80" "ipvsadm -Ln"

# Wait until both real servers listen, then go through the director.
wait_until -t 20 ip netns exec "$rs1" sh -c 'ss -Hlnt "sport = :80" | grep -q .'
wait_until -t 20 ip netns exec "$rs2" sh -c 'ss -Hlnt "sport = :80" | grep -q .'
ask() { ip netns exec "$cli" socat -T 5 - "TCP:$vip:80,connect-timeout=5" </dev/null; }
answers=""
for _ in 1 2 3 4; do
	answers="$answers $(ask || echo none)"
done
log "answers through $vip: $answers"
assert_contains "$answers" "real-server-1" "answers"
assert_contains "$answers" "real-server-2" "answers"
assert_not_contains "$answers" "none" "answers"
# The kernel's counters (summed by its estimator every 2 s).
conns() { ipvs -Ln --stats | awk '$1 == "->" && $2 ~ /^10\.97\./ { s += $3 } END { print s + 0 }'; }
wait_until -t 15 eval '[ "$(conns)" -ge 4 ]'
log "ipvsadm --stats: $(conns) connections to the real servers"

# Weights and removal, as the plugin will change them.
ipvs -e -t "$vip:80" -r 10.97.2.2:80 -m -w 0 || fail "ipvsadm -e weight 0"
answers=""
for _ in 1 2 3; do answers="$answers $(ask || echo none)"; done
assert_not_contains "$answers" "real-server-2" "answers with real server 2 at weight 0"
ipvs -d -t "$vip:80" -r 10.97.2.2:80 || fail "ipvsadm -d"
assert_not_contains "$(ipvs -Ln)" "10.97.2.2" "ipvsadm -Ln after -d"
ipvs -D -t "$vip:80" || fail "ipvsadm -D"
log "ok: IPVS service with 2 real servers, both reached, weights and removal"
