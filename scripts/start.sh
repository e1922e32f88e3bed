#!/bin/sh
# The first README command: installs what is missing, prepares the local database and starts
# every part of Tenor on the embedded defaults.
set -e
cd "$(dirname "$0")/.."
. scripts/ensure-bun.sh
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bun install --frozen-lockfile
exec bun scripts/start.ts "$@"
