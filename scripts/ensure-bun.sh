#!/bin/sh
# Makes sure Bun is available, installing it from npm into .tools/ when it is missing.
# Prints nothing on success; source it (". scripts/ensure-bun.sh") to get bun on PATH.
bun_version=1.4.5
tenor_root=$(cd "$(dirname "$0")/.." && pwd)
tools="$tenor_root/.tools"

if [ -x "$tools/node_modules/.bin/bun" ]; then
  PATH="$tools/node_modules/.bin:$PATH"
fi

if ! command -v bun >/dev/null 2>&1 || ! bun --version >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "Tenor needs Bun, and npm to install it. Install Node.js 20+ (which brings npm) first." >&2
    exit 1
  fi
  echo "Installing Bun $bun_version from npm into .tools/ ..." >&2
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{ "private": true, "allowScripts": { "bun": true } }' > "$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "bun@$bun_version" >&2 || exit 1
  PATH="$tools/node_modules/.bin:$PATH"
  # npm may skip the package's postinstall, which swaps in the real binary.
  if ! bun --version >/dev/null 2>&1; then
    (cd "$tools/node_modules/bun" && node install.js) >&2 || exit 1
  fi
fi
export PATH
