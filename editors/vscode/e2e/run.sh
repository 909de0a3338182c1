#!/usr/bin/env bash
# The newsmark extension in real VS Code: installs code-server (cached, see
# install-code-server.sh) and playwright-core, packages the extension, and runs e2e.test.js,
# which drives the workbench in the system's Chromium against the given server.
#
#   editors/vscode/e2e/run.sh [SERVER]     default SERVER: target/debug/newsmark
#
# Environment: CHROMIUM (default: chromium or chromium-browser on PATH), NEWSMARK_VSIX (a
# packaged extension; default: package this checkout), NEWSMARK_VSCODE_E2E_CACHE (where
# code-server is installed; default target/vscode-e2e). Screenshots go to
# target/vscode-e2e/artifacts. Exits 77, having said what is missing, when Chromium or what
# code-server's install needs (Node 20, a C++ toolchain, libkrb5-dev, ripgrep) is not there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
server=$(realpath "${1:-$repo/target/debug/newsmark}")
[[ -x $server ]] || { echo "run.sh: no newsmark binary at $server (cargo build)" >&2; exit 1; }

chromium_bin=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z $chromium_bin ]]; then
  echo "run.sh: Chromium is not installed (Debian: apt-get install chromium)" >&2
  exit 77
fi

cache=${NEWSMARK_VSCODE_E2E_CACHE:-$repo/target/vscode-e2e}
artifacts="$cache/artifacts"
mkdir -p "$cache"
log="$cache/install.log"

started=$SECONDS
status=0
code_server=$(bash "$here/install-code-server.sh" 2>"$log") || status=$?
if [[ $status == 77 ]]; then
  tail -n 1 "$log" >&2
  exit 77
elif [[ $status != 0 ]]; then
  tail -n 40 "$log" >&2
  echo "run.sh: installing code-server failed; the whole log is $log" >&2
  exit 1
fi
echo "run.sh: code-server ready in $((SECONDS - started)) s ($code_server)"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

vsix=${NEWSMARK_VSIX:-}
if [[ -z $vsix ]]; then
  ext_dir=$(cd "$here/.." && pwd)
  [[ -d $ext_dir/node_modules ]] || (cd "$ext_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  version=$(node -p "require('$ext_dir/package.json').version")
  (cd "$ext_dir" && rm -f "newsmark-$version.vsix" && npm run --silent package >/dev/null)
  vsix="$ext_dir/newsmark-$version.vsix"
fi
vsix=$(realpath "$vsix")

rm -rf "$artifacts"
mkdir -p "$artifacts"
cd "$here"
NEWSMARK_SERVER="$server" CODE_SERVER="$code_server" NEWSMARK_VSIX="$vsix" CHROMIUM="$chromium_bin" \
  NEWSMARK_ARTIFACTS="$artifacts" node --test --test-reporter=spec --test-timeout=600000 e2e.test.js
echo "run.sh: screenshots in $artifacts"
