#!/bin/bash
# bench/ui_bench.sh BUILD_DIR: how fast the browser UI's first page is
# usable on loopback, in Debian's headless chromium (the UI tests' one),
# each figure beside a reference: one static page of the same byte size
# as everything the page loads, served by the same daemon.  Cold cache
# (a new browser context per load).  Pages: the login page, the dashboard
# logged in, and a table of 5,000 DNS hosts.  Prints figures, no
# pass/fail; BENCH_LOADS sets the loads per figure (default 15).
set -euo pipefail
build=$(cd "${1:?usage: bench/ui_bench.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
[ -x /usr/bin/chromium ] || { echo "== UI: skipped (no /usr/bin/chromium)"; exit 0; }
[ -d "$src/tests/ui/node_modules/playwright-core" ] ||
	{ echo "== UI: skipped (run tests/install-deps: npm ci in tests/ui)"; exit 0; }
if ! why=$(MGMTD_BUILD=$build "$src/tests/sandbox" check); then
	echo "== UI: skipped ($why)"
	exit 0
fi
work=$(mktemp -d /tmp/mgmtd-uibench.XXXXXX)
trap 'MGMTD_BUILD=$build "$src/tests/sandbox" down "$work/sb" >/dev/null 2>&1; rm -rf "$work"' EXIT

# A copy of www/ as the document root, so the reference page sits beside it.
cp -r "$src/www" "$work/www"
awk 'BEGIN {
	print "dns = { settings = { hostname = \"bench\"; }; hosts = (";
	for (i = 0; i < 5000; i++)
		printf "%s{ name = \"host%d\"; addresses = [ \"10.%d.%d.%d\" ]; }\n",
		       (i ? "," : ""), i, int(i / 65536) % 256, int(i / 256) % 256, i % 256;
	print "); };" }' >"$work/hosts.conf"
MGMTD_BUILD=$build MGMTD_REST_PORT=0 MGMTD_REST_TLS_PORT=0 \
	MGMTD_REST_DOCROOT=$work/www "$src/tests/sandbox" up "$work/sb" \
	--with system,status --initial-config "$work/hosts.conf" >/dev/null
# shellcheck disable=SC1091
. "$work/sb/env"
echo "== UI: first page usable (chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{ print $2 }'), $(nproc) CPUs)"
UI_DOCROOT=$work/www node "$src/bench/ui_first_page.mjs"
