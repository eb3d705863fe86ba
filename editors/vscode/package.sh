#!/bin/sh
# Packages the VS Code extension for Linux x64 with the marginalia server inside it, so that installing the .vsix is
# all a user does. The one way to build the extension's package: the end-to-end tests (tests/editors.rs, test/run.sh)
# and a release both call it.
#   sh editors/vscode/package.sh <path-to-marginalia-binary> [out.vsix]
# The binary is copied to server/marginalia (where the extension looks for it; git ignores server/), the licence
# texts of the repository become LICENSE, and `vsce package --target linux-x64` writes the .vsix (default:
# marginalia-linux-x64.vsix here). It installs the exact dependencies with `npm ci` first, and changes files in this
# folder (node_modules, dist, server, LICENSE): run one at a time.
set -eu
usage="usage: sh package.sh <path-to-marginalia-binary> [out.vsix]"
binary=${1:?$usage}
ext=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$ext/../.." && pwd)
out=${2:-$ext/marginalia-linux-x64.vsix}
# Both paths are used from this folder below.
case $binary in /*) ;; *) binary=$(pwd)/$binary ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
[ -f "$binary" ] && [ -x "$binary" ] || { echo "package.sh: $binary is not an executable file" >&2; exit 1; }

cd "$ext"
npm ci --no-audit --no-fund --silent
npm run --silent typecheck
npm run --silent build

# The server, executable (an extraction that drops the mode is repaired by the extension when it starts).
rm -rf server
mkdir server
cp "$binary" server/marginalia
chmod 755 server/marginalia

# The package carries the licence: marginalia is dual-licensed, so LICENSE says so and holds both texts.
{
  printf 'marginalia is licensed under either of\n\n'
  printf ' * the Apache License, Version 2.0 (below, and LICENSE-APACHE in the repository), or\n'
  printf ' * the MIT license (below, and LICENSE-MIT in the repository)\n\n'
  printf 'at your option (SPDX: MIT OR Apache-2.0).\n\n'
  printf -- '-------------------------------------------------------------------------------\n\n'
  cat "$root/LICENSE-MIT"
  printf -- '\n-------------------------------------------------------------------------------\n\n'
  cat "$root/LICENSE-APACHE"
} >LICENSE

# The README's images are linked into the repository's copy of this folder, so that they show on the Marketplace.
base=https://github.com/marginalia-lsp/marginalia
npx --no-install vsce package --target linux-x64 --no-dependencies \
  --baseContentUrl "$base/blob/HEAD/editors/vscode" --baseImagesUrl "$base/raw/HEAD/editors/vscode" -o "$out"
