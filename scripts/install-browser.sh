#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the browser tests (tests/FaceMask.BrowserTests, trait
# Category=Browser). Playwright .NET drives /usr/bin/chromium directly: no `playwright install`, no download
# by Playwright. Idempotent: when chromium is already there it only prints its version (well under a second).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    # The Debian launcher prints a harmless "[: ... unexpected operator" from its /dev/shm check; keep it quiet.
    echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and apt-get is not available: install Debian's chromium package by hand." >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
install() { $sudo apt-get -o DPkg::Lock::Timeout=900 install -y chromium; }
# Another apt may hold the lock: wait for it rather than fail. Refresh the package lists only if needed.
if ! install; then
    $sudo apt-get -o DPkg::Lock::Timeout=900 update
    install
fi

echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null)"
