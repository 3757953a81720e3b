#!/usr/bin/env bash
# Makes sure Chromium is installed for the playground's browser test
# (test/playground/playground.browser.test.ts). Debian's package only: no
# browser is ever downloaded from anywhere else. No-op when it is there.
#   CHROMIUM_PATH  the executable to look for (default /usr/bin/chromium)
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi

echo "ensure-chromium: installing chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y chromium

if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: apt-get installed chromium but $chromium is still missing; set CHROMIUM_PATH" >&2
  exit 1
fi
