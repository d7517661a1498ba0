# shellcheck shell=bash
# free_port tcp|udp: print a loopback port nobody listens on (random in
# 20000-59999, 100 tries); return 1 if none was found.  Sourced by
# tests/sandbox and tests/integration/lib.sh.
free_port() {
	local proto=$1 port tries=0 flag=-tln
	[ "$proto" = udp ] && flag=-uln
	while [ "$tries" -lt 100 ]; do
		port=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -H "$flag" "sport = :$port" 2>/dev/null)" ]; then
			echo "$port"
			return 0
		fi
		tries=$((tries + 1))
	done
	return 1
}
