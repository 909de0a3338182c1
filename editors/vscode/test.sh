#!/usr/bin/env bash
# Builds and tests the VS Code extension from a clean install:
#   npm ci, npm test (strict compile, bundle, grammar tests, unit and smoke tests), npm run
# package, then checks the .vsix: it exists, holds what the extension needs, the bundle and no
# node_modules, sources or tests, and the packaged extension loads and runs from an unpacked
# copy, where no node_modules can be found (smoke test;
# its server part runs when target/debug/newsmark or target/release/newsmark is built, or
# NEWSMARK_SERVER names a binary).
# Needs Node 20+ and npm (the npm registry), and Python 3 or unzip to unpack the .vsix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund
npm test
rm -f ./*.vsix
npm run package

version=$(node -p "require('./package.json').version")
vsix="newsmark-${version}.vsix"
if [[ ! -s $vsix ]]; then
  echo "test.sh: $vsix was not built" >&2
  exit 1
fi

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
if command -v python3 >/dev/null; then
  python3 -m zipfile -e "$vsix" "$unpacked"
else
  unzip -q "$vsix" -d "$unpacked"
fi

ext="$unpacked/extension"
for f in package.json dist/extension.js \
  syntaxes/newsmark.tmLanguage.json language-configuration.json readme.md changelog.md LICENSE.txt; do
  if [[ ! -f $ext/$f ]]; then
    echo "test.sh: $vsix lacks extension/$f" >&2
    exit 1
  fi
done
unwanted=$(cd "$ext" && find . \( -name node_modules -o -path ./src -o -path ./out -o -path ./test \
  -o -path ./e2e -o -name '*.ts' -o -name '*.map' \) -print | head -5)
if [[ -n $unwanted ]]; then
  echo "test.sh: $vsix holds files it should not:" >&2
  echo "$unwanted" >&2
  exit 1
fi

# The packaged extension as it is installed: the unpacked copy is outside this directory, so
# a require() that the bundle left unresolved would fail here rather than find the development
# node_modules.
NEWSMARK_EXTENSION_DIR="$ext" node --test test/smoke/*.test.js

size=$(wc -c <"$vsix")
files=$(find "$ext" -type f | wc -l)
echo "test.sh: built $vsix ($((size / 1024)) KiB, $files files in extension/)"
