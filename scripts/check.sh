#!/bin/sh
# The second README command: every check, ending with one line "N passed, N failed".
set -e
cd "$(dirname "$0")/.."
. scripts/ensure-bun.sh
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bun install --frozen-lockfile >/dev/null
exec bun scripts/check.ts "$@"
