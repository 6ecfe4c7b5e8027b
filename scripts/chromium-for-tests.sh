#!/usr/bin/env bash
# Installs Debian's Chromium (and a font with Chinese characters, so the
# screenshots of the demo's Chinese names are legible) for the browser tests
# (tests/test_pages_browser.py) when missing. CI runs as root with no standard
# input; a developer who is not root gets sudo. Fails loudly: the browser
# tests are never skipped for want of a browser.
set -euo pipefail
CHROMIUM=${VLEDGER_CHROMIUM:-/usr/bin/chromium}
has_chinese_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; }
if [ -x "$CHROMIUM" ] && has_chinese_font; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "chromium-for-tests: installing Debian's chromium and fonts-wqy-zenhei for the browser tests" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei </dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "chromium-for-tests: $CHROMIUM is still missing after apt-get install chromium" >&2
    exit 1
fi
"$CHROMIUM" --version >&2
