#!/bin/bash
# The browser UI end to end: playwright-core drives Debian's chromium
# (never a downloaded browser) against a sandbox with smbd, the status and
# system plugins; tests/ui/e2e.mjs logs in, creates, edits and deletes a
# DNS host and a CIFS share through the forms (checked through REST, in
# /etc/hosts and smb.conf), checks server errors beside the field, the
# monitor role, commit-confirmed, rollback, logs and graphs; the metrics
# page, threshold alerts on the dashboard, the system log's filters,
# paging and follow, reboot scheduled and cancelled (power_dry_run), and
# what an operator may not do; axe-core (tests/ui/a11y.mjs) finds no
# WCAG 2.1 A/AA violation on the main pages, light and dark, at desktop
# and tablet sizes, and a keyboard alone logs in, navigates, works a form
# (focus held in the dialog, returned on Escape) and a delete.  Screenshots
# land in $top_builddir/tests/ui/artifacts.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
. "$top_srcdir/tests/integration/cifs_lib.sh"

chromium=${UI_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "$chromium is not installed (tests/install-deps installs chromium)"
command -v node >/dev/null || skip "node is not installed (tests/install-deps installs nodejs)"
[ -d "$top_srcdir/tests/ui/node_modules/playwright-core" ] ||
	skip "playwright-core is not installed (tests/install-deps runs npm ci in tests/ui)"

# Collect every 2 s, so that the dashboard has metrics to draw.
export MGMTD_COLLECT_INTERVAL=2
CIFS_PARTS=cifs,system,status,alerts cifs_up
have_rest || skip "mgmtd was built without REST"
[ -f "$top_srcdir/www/index.html" ] || fail "no www/index.html in the source tree"

log "a monitor user"
expect 201 POST /api/v1/auth/users \
	'{"name": "watcher", "password": "Watch-pass-1", "role": "monitor"}' >/dev/null
log "an operator user"
expect 201 POST /api/v1/auth/users \
	'{"name": "oper", "password": "Oper-pass-1", "role": "operator"}' >/dev/null

share=$TEST_TMP/media
mkdir -p "$share"
chmod 0755 "$TEST_TMP" "$share"
artifacts=$top_builddir/tests/ui/artifacts
rm -rf "$artifacts"
mkdir -p "$artifacts"

log "the browser tests (chromium $("$chromium" --version 2>/dev/null | awk '{ print $2 }'))"
# MGMTD_SYSLOG (the sandbox's system log, from its env) gets lines.
UI_MONITOR_USER=watcher UI_MONITOR_PASSWORD=Watch-pass-1 \
	UI_OPERATOR_USER=oper UI_OPERATOR_PASSWORD=Oper-pass-1 \
	UI_SHARE_DIR=$share UI_ARTIFACTS=$artifacts UI_CHROMIUM=$chromium \
	node "$top_srcdir/tests/ui/e2e.mjs" || fail "browser tests failed (screenshots in $artifacts)"
n=$(find "$artifacts" -name '*.png' | wc -l)
[ "$n" -ge 8 ] || fail "only $n screenshots in $artifacts"
log "ok: $n screenshots in $artifacts"
