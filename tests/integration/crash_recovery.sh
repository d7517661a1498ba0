#!/bin/bash
# kill -9 in the middle of a stream of commits, restart on the same state:
# the config is the last acknowledged version (or the one in flight), equal
# to its stored copy; the journals read cleanly; /etc/hosts follows.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_sandbox
sandbox_up

total=200
kill_after=${CRASH_KILL_AFTER:-60}

ctl_ok put dns settings '{"hostname":"crash","domain":"example.com","resolvers":["192.0.2.53"]}' >/dev/null
v0=$(config_version)

# The writer commits h1, h2, ... one at a time and records each number
# once its commit is acknowledged; it stops at the first refusal or error.
acked=$TEST_TMP/acked
: >"$acked"
(
	for i in $(seq 1 $total); do
		ctl put dns hosts "h$i" \
			"{\"name\":\"h$i\",\"addresses\":[\"192.0.2.$((i % 250 + 1))\"]}" \
			>"$TEST_TMP/writer.out" 2>&1 || exit 0
		echo "$i" >>"$acked"
	done
) &
writer=$!

acked_count() {
	wc -l <"$acked"
}
# Enough commits acknowledged, or the writer stopped early.
kill_time() {
	[ "$(acked_count)" -ge "$kill_after" ] || ! pid_alive "$writer"
}
wait_until -t 120 kill_time
[ "$(acked_count)" -ge "$kill_after" ] ||
	fail "the writer stopped after $(acked_count) commits: $(cat "$TEST_TMP/writer.out")"
kill -9 "$MGMTD_PID"
wait "$writer" || true
wait_until pid_gone "$MGMTD_PID"
wait_until test -f "$MGMTD_EXIT_FILE"
last=$(tail -n 1 "$acked")
[ -n "$last" ] || fail "no commit acknowledged"
[ "$last" -lt "$total" ] || fail "the writer finished before the kill; nothing was in flight"
log "killed mgmtd after $last acknowledged commits (writer's last reply: $(tr '\n' ' ' <"$TEST_TMP/writer.out"))"

sandbox_reuse
v=$(config_version)
acked_version=$((v0 + last))
[ "$v" -eq "$acked_version" ] || [ "$v" -eq $((acked_version + 1)) ] ||
	fail "version after restart is $v, want $acked_version (last acknowledged) or $((acked_version + 1)) (in flight)"
log "version after restart: $v (last acknowledged: $acked_version)"

# The running config is that version's stored copy, and holds exactly the
# hosts committed up to it.
config=$(current_config)
assert_eq "$(stored_config "$v")" "$config" "running config vs stored version $v"
want_hosts=$((v - v0))
names=$(jq -r '.dns.hosts | if type == "array" then .[].name else keys[] end' <<<"$config" | sort -V)
assert_eq "$(seq -f 'h%g' 1 "$want_hosts")" "$names" "hosts in the config after restart"

# The journals read cleanly after the crash.
for what in events commands; do
	ctl_ok "$what" | jq -e . >/dev/null || fail "mgmtctl $what is not valid JSON after a crash"
	ctl_ok "$what" --limit 5 | jq -e . >/dev/null || fail "mgmtctl $what --limit 5 is not valid JSON"
done

# /etc/hosts in the sandbox holds exactly the config's hosts.
in_hosts=$(in_sandbox cat /etc/hosts | grep -oE '(^|[[:space:]])h[0-9]+([[:space:]]|$)' |
	tr -d ' \t' | sort -uV)
assert_eq "$names" "$in_hosts" "host names in the sandbox's /etc/hosts"
for i in 1 "$want_hosts"; do
	in_sandbox cat /etc/hosts | qgrep -E "^192\.0\.2\.$((i % 250 + 1))[[:space:]].*\bh$i\b" ||
		fail "/etc/hosts has no line for h$i at 192.0.2.$((i % 250 + 1))"
done

# And it still takes commits.
ctl_ok put dns hosts after '{"name":"after","addresses":["192.0.2.251"]}' >/dev/null
assert_eq $((v + 1)) "$(config_version)" "version of the first commit after restart"
log "ok"
