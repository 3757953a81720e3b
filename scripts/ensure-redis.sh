#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed for the cluster tests
# (test/cluster/), `npm run cluster` and the two-instance benchmark. The
# tests start their own redis-server on a free loopback port; this only
# installs the binary. No-op when it is there. Unlike the browser, Redis is
# not optional: a failure here fails loudly, in CI and outside it.
#   REDIS_SERVER_PATH  the executable to look for (default: redis-server on PATH)
set -euo pipefail

fail() {
  echo "ensure-redis: $1" >&2
  exit 1
}

wanted="${REDIS_SERVER_PATH:-redis-server}"
if command -v "$wanted" >/dev/null 2>&1; then
  exit 0
fi

. "$(dirname "$0")/lib/apt-install.sh"
# --no-install-recommends: the binary only; the package's service is never started by us (tests start their own).
apt_install fail redis-server --no-install-recommends

command -v "$wanted" >/dev/null 2>&1 || fail "apt-get installed redis-server but $wanted is still missing; set REDIS_SERVER_PATH"
