#!/bin/sh
# Sets every secret named in deploy/secrets.template on a Fly app from a filled-in copy kept
# outside the repository. Values are passed on standard input, so they never appear in the
# process list or in shell history, and nothing is printed but the names.
#   sh scripts/set-fly-secrets.sh APP FILE
set -eu
app=${1:?usage: set-fly-secrets.sh APP FILE}
file=${2:?usage: set-fly-secrets.sh APP FILE}
template="$(dirname "$0")/../deploy/secrets.template"

missing=0
for name in $(grep -E '^[A-Z_]+=' "$template" | cut -d= -f1); do
  if ! grep -Eq "^$name=.+" "$file"; then
    echo "missing: $name" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || { echo "Fill in every secret above; nothing was changed." >&2; exit 1; }

grep -E '^[A-Z_]+=.+' "$file" | flyctl secrets import --app "$app" --stage
echo "Staged $(grep -cE '^[A-Z_]+=.+' "$file") secrets on $app; they apply at the next deploy:"
grep -E '^[A-Z_]+=' "$file" | cut -d= -f1 | sed 's/^/  /'
