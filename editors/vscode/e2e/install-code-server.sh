#!/usr/bin/env bash
# Installs code-server (VS Code in a browser) from npm into a cache folder, offline-friendly:
# only the npm registry and Debian's packages are needed, nothing downloaded from elsewhere.
#
#   editors/vscode/e2e/install-code-server.sh DIR     # installs into DIR (idempotent)
#
# What that takes, and why:
#   * Node 20 (code-server 4.100.3 requires exactly major 20; its postinstall checks).
#   * npm_config_unsafe_perm=true when root: the postinstall refuses to run otherwise.
#   * A C/C++ toolchain, node-gyp and Node's headers (Debian/NodeSource ship them in
#     /usr/include/node: npm_config_nodedir=/usr) to build VS Code's native modules; Debian's
#     libkrb5-dev for the `kerberos` module.
#   * ripgrep: @vscode/ripgrep's postinstall downloads a prebuilt binary from GitHub unless its
#     cache already holds the archive, so the cache is seeded with Debian's `rg`.
set -euo pipefail
DIR=${1:?usage: install-code-server.sh DIR}
VERSION=${CODE_SERVER_VERSION:-4.100.3}
RIPGREP_PACKAGE_VERSION=1.15.11   # @vscode/ripgrep in code-server 4.100.3's lib/vscode
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

if [ -x "$DIR/node_modules/.bin/code-server" ] && [ -f "$DIR/.installed-$VERSION" ]; then
  exit 0
fi
for tool in node npm rg cc c++ make python3; do
  command -v "$tool" >/dev/null || { echo "install-code-server: $tool is needed" >&2; exit 3; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  echo "install-code-server: code-server $VERSION needs Node 20, found $(node --version)" >&2
  exit 3
fi
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] ||
  { echo "install-code-server: libkrb5-dev is needed (apt-get install libkrb5-dev)" >&2; exit 3; }
command -v node-gyp >/dev/null || npm install -g --silent node-gyp@11

# Seed @vscode/ripgrep's download cache with Debian's rg.
TMP_ROOT=${TMPDIR:-/tmp}
seed=$TMP_ROOT/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION
mkdir -p "$seed"
if [ ! -s "$seed/$RIPGREP_ASSET" ]; then
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$seed/$RIPGREP_ASSET" -C "$staging" rg
  rm -rf "$staging"
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"charter-code-server","private":true}' >package.json
nodedir=/usr
[ -f /usr/include/node/node.h ] || nodedir=/usr/local
export npm_config_unsafe_perm=true npm_config_nodedir=$nodedir
npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION"
touch ".installed-$VERSION"
echo "code-server $VERSION installed in $DIR"
