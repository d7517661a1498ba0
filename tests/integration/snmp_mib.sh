#!/bin/bash
# The MIB module: `mgmtd --dump-mib`, run on the plugins this build made,
# prints snmp-mib/MGMTD-MIB.txt exactly, and `smilint -l 6` has nothing to
# say about it (no error, no warning).
#
# With --update (make update-mib) it rewrites snmp-mib/MGMTD-MIB.txt
# instead: do that, and commit the result, whenever a plugin's schema
# changes.
#
# smilint needs the IETF modules MGMTD-MIB imports from: the real ones when
# they are installed (MGMTD_IETF_MIBS, or /usr/share/snmp/mibs/ietf from
# snmp-mibs-downloader), else the stand-ins in tests/mibs (see its README).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

checked_in=$top_srcdir/snmp-mib/MGMTD-MIB.txt
[ -x "$MGMTD" ] || fail "$MGMTD not built"
make_tmp

# The plugins this build made, as a daemon would load them; the bench-only
# ones are not part of the product.
mkdir "$TEST_TMP/plugins" "$TEST_TMP/state"
for so in "$MGMTD_BUILD"/plugins/*/.libs/*.so; do
	[ -f "$so" ] || continue
	case $(basename "$so") in
	benchrows.so) continue ;;
	esac
	ln -s "$so" "$TEST_TMP/plugins/"
done
cat >"$TEST_TMP/mgmtd.conf" <<CONF
state_dir = "$TEST_TMP/state";
plugin_dir = "$TEST_TMP/plugins";
pid_file = "$TEST_TMP/mgmtd.pid";
control_socket = "$TEST_TMP/mgmtd.sock";
CONF
"$MGMTD" -c "$TEST_TMP/mgmtd.conf" --dump-mib >"$TEST_TMP/MGMTD-MIB.txt" ||
	fail "mgmtd --dump-mib failed"
log "generated from: $(cd "$TEST_TMP/plugins" && ls | tr '\n' ' ')"

if [ "${1:-}" = --update ]; then
	cp "$TEST_TMP/MGMTD-MIB.txt" "$checked_in"
	log "wrote $checked_in"
	exit 0
fi

diff -u "$checked_in" "$TEST_TMP/MGMTD-MIB.txt" >"$TEST_TMP/mib.diff" || {
	head -n 60 "$TEST_TMP/mib.diff"
	fail "snmp-mib/MGMTD-MIB.txt differs from mgmtd --dump-mib: a schema changed; run make update-mib and commit the file"
}
log "snmp-mib/MGMTD-MIB.txt equals mgmtd --dump-mib"

command -v smilint >/dev/null || skip "smilint is not installed (smitools): the MIB was not linted"
ietf=${MGMTD_IETF_MIBS:-}
if [ -z "$ietf" ] && [ -f /usr/share/snmp/mibs/ietf/SNMPv2-SMI ]; then
	ietf=/usr/share/snmp/mibs/ietf
fi
if [ -n "$ietf" ]; then
	log "smilint against the IETF modules in $ietf"
else
	ietf=$top_srcdir/tests/mibs
	log "smilint against the stand-ins in tests/mibs (no IETF modules installed)"
fi
cp "$checked_in" "$TEST_TMP/MGMTD-MIB"
out=$(cd "$TEST_TMP" && SMIPATH="$ietf:/usr/share/snmp/mibs" smilint -s -m -l 6 ./MGMTD-MIB 2>&1) || true
[ -z "$out" ] || fail "smilint -l 6 reports: $out"
# The lint must have read the module for real: a broken copy is caught.
sed 's/^    ::= { mgmtdDaemon 1 }$/    ::= { mgmtdDaemon }/' "$checked_in" >"$TEST_TMP/MGMTD-MIB"
out=$(cd "$TEST_TMP" && SMIPATH="$ietf:/usr/share/snmp/mibs" smilint -l 6 ./MGMTD-MIB 2>&1) || true
[ -n "$out" ] || fail "smilint does not notice a broken module: is it reading it?"
log "smilint -l 6: no error, no warning"
