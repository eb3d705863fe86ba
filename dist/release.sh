#!/bin/sh
# Builds the release of marginalia for Linux x64 into a folder (default: target/dist):
#   marginalia-<version>-x86_64-unknown-linux-gnu.tar.gz   the server and checker, README, licences, editor plugins
#   marginalia-<version>-linux-x64.vsix                     the VS Code extension with the server inside
# each with a `.sha256` file (`sha256sum -c` checks it). `cargo binstall marginalia` finds the archive by the
# names in Cargo.toml's [package.metadata.binstall] once it is attached to the GitHub release `v<version>`.
#   sh dist/release.sh [out-folder]
# MARGINALIA_BINARY=<path> packages a binary already built instead of building one (the tests do);
# MARGINALIA_NO_VSIX=1 leaves the extension out (it needs npm).
# The archive is reproducible: sorted entries, owner 0, every time the commit's (SOURCE_DATE_EPOCH overrides it).
#
# Other targets are built the same way on their own runners (this machine has no cross toolchains):
#   aarch64-unknown-linux-gnu, x86_64-apple-darwin, aarch64-apple-darwin: `cargo build --release --locked --target T`
#   then this script's archive step with that target's name; x86_64-pc-windows-msvc: a .zip holding marginalia.exe
#   (binstall reads `{ archive-format }`), and `vsce package --target win32-x64|darwin-arm64|…` with that binary.
set -eu
# Modes in the archive do not depend on who builds it.
umask 022
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/dist}
target=x86_64-unknown-linux-gnu
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || { echo "release.sh: no version in Cargo.toml" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

binary=${MARGINALIA_BINARY:-}
if [ -z "$binary" ]; then
  (cd "$root" && cargo build --release --locked --target "$target")
  binary=$root/target/$target/release/marginalia
fi
[ -x "$binary" ] || { echo "release.sh: $binary is not an executable file" >&2; exit 1; }

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
name=marginalia-$version-$target
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/marginalia"
chmod 755 "$stage/$name/marginalia"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"
# The editor plugins as a user installs them: Neovim's and Emacs's folders whole, VS Code's as its .vsix (below).
mkdir "$stage/$name/editors"
cp "$root/editors/README.md" "$stage/$name/editors/"
for editor in nvim emacs; do
  # Tracked and new files, not what git ignores; no tests.
  (cd "$root" && git ls-files --cached --others --exclude-standard "editors/$editor" 2>/dev/null ||
    find "editors/$editor" -type f) | grep -v -e '/tests/' -e '/e2e\.' |
    while read -r file; do
      mkdir -p "$stage/$name/$(dirname "$file")"
      cp "$root/$file" "$stage/$name/$file"
    done
done

chmod -R u=rwX,go=rX "$stage/$name"
# GNU tar (the flags that make the archive reproducible); a failure stops the script before anything is written.
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$stage" -cf "$stage/$name.tar" "$name"
gzip -n -9 -c "$stage/$name.tar" >"$out/$name.tar.gz"
checksum() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}
(cd "$out" && checksum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$out/$name.tar.gz"

if [ -z "${MARGINALIA_NO_VSIX:-}" ]; then
  vsix=marginalia-$version-linux-x64.vsix
  sh "$root/editors/vscode/package.sh" "$binary" "$out/$vsix" >/dev/null
  (cd "$out" && checksum "$vsix" >"$vsix.sha256")
  echo "$out/$vsix"
fi
