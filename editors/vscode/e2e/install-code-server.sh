#!/usr/bin/env bash
# Installs code-server (real VS Code, served to a browser) for the end-to-end test, offline
# apart from the npm registry, into a cache directory (default: target/vscode-e2e at the top of
# the repository) and prints the path of its entry script. A complete install is reused, so a
# rerun takes a moment.
#
# code-server's own postinstall script cannot run here: its nested `npm install`s run the
# install scripts of VS Code's dependencies, which download prebuilt binaries (ripgrep,
# Electron headers) from hosts this machine cannot reach. So everything is installed with
# --ignore-scripts and the postinstall steps are done by hand:
#   1. the nested installs of lib/vscode and lib/vscode/extensions (production dependencies);
#   2. the node_modules.asar link and the helper-script links postinstall.sh makes;
#   3. the native modules VS Code's server loads, built by npm's node-gyp against the headers
#      that come with the system Node.js (--nodedir at its prefix, so nothing is downloaded);
#   4. argon2 (code-server's password hashing, loaded even with --auth none), built from
#      source through its node-pre-gyp;
#   5. Debian's ripgrep where @vscode/ripgrep expects its downloaded bin/rg.
# Needs Node 20 (code-server 4.100.3 is the last release for it), npm, a C++ toolchain
# (Debian: build-essential), libkrb5-dev (for kerberos), python3 (node-gyp) and ripgrep; exits
# 77 when one of them is missing, 1 when the install fails.
set -euo pipefail

VERSION=4.100.3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${NEWSMARK_VSCODE_E2E_CACHE:-$repo/target/vscode-e2e}
prefix="$cache/code-server-$VERSION"
cs="$prefix/node_modules/code-server"
stamp="$prefix/.installed"

if [[ -f $stamp ]]; then
  echo "$cs/out/node/entry.js"
  exit 0
fi

log() { echo "install-code-server: $*" >&2; }
fail() { log "$*"; exit 1; }
lacks() { log "$*"; exit 77; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major == 20 ]] || lacks "code-server $VERSION needs Node 20, this is Node $(node --version)"
rg_bin=$(command -v rg) || lacks "ripgrep (rg) is not installed (Debian: apt-get install ripgrep)"
command -v c++ >/dev/null || lacks "no C++ compiler (Debian: apt-get install build-essential)"
command -v python3 >/dev/null || lacks "no python3, which node-gyp needs"
[[ -f /usr/include/krb5.h || -f /usr/include/krb5/krb5.h ]] ||
  lacks "no Kerberos headers (Debian: apt-get install libkrb5-dev)"

# The headers of the running Node.js: Debian's and NodeSource's packages put them under
# <prefix>/include/node, which is the layout node-gyp's --nodedir expects.
nodedir=$(cd "$(dirname "$(readlink -f "$(command -v node)")")/.." && pwd)
[[ -f $nodedir/include/node/common.gypi ]] || lacks "no Node.js headers under $nodedir/include/node"
npm_root=$(npm root -g)
node_gyp="$npm_root/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -f $node_gyp ]] || lacks "npm's node-gyp is not at $node_gyp"

started=$SECONDS
rm -rf "$prefix"
mkdir -p "$prefix"
npm_quiet=(--no-audit --no-fund --loglevel=error --ignore-scripts)

log "npm install code-server@$VERSION"
echo '{"private": true}' >"$prefix/package.json"
(cd "$prefix" && npm install "${npm_quiet[@]}" --omit=dev "code-server@$VERSION" >&2)

log "npm install lib/vscode (production dependencies)"
(cd "$cs/lib/vscode" && npm install "${npm_quiet[@]}" --omit=dev >&2)
ln -sfn node_modules "$cs/lib/vscode/node_modules.asar"
ln -sfn code-linux.sh "$cs/lib/vscode/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$cs/lib/vscode/bin/helpers/browser.sh"

log "npm install lib/vscode/extensions"
(cd "$cs/lib/vscode/extensions" && npm install "${npm_quiet[@]}" --omit=dev >&2)

gyp_env=(env npm_config_nodedir="$nodedir" npm_config_node_gyp="$node_gyp" JOBS="${CARGO_BUILD_JOBS:-1}")
for module in kerberos @vscode/spdlog @vscode/deviceid native-watchdog node-pty; do
  dir="$cs/lib/vscode/node_modules/$module"
  [[ -d $dir ]] || fail "lib/vscode/node_modules/$module is missing"
  log "node-gyp rebuild $module"
  (cd "$dir" && "${gyp_env[@]}" node "$node_gyp" rebuild --nodedir="$nodedir" --loglevel=error >&2)
done

log "argon2 (node-pre-gyp --build-from-source)"
argon2="$cs/node_modules/argon2"
[[ -d $argon2 ]] || argon2="$prefix/node_modules/argon2"
pre_gyp=$(cd "$argon2" && node -p 'require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp")')
(cd "$argon2" && "${gyp_env[@]}" node "$pre_gyp" install --build-from-source --nodedir="$nodedir" --loglevel=error >&2)

log "ripgrep: $rg_bin"
for rg_dir in "$cs/lib/vscode/node_modules/@vscode/ripgrep"; do
  mkdir -p "$rg_dir/bin"
  cp "$rg_bin" "$rg_dir/bin/rg"
done

# The server must load every native module; better to find out here than in a blank workbench.
(cd "$cs/lib/vscode" && node -e '
  for (const m of ["kerberos", "@vscode/spdlog", "@vscode/deviceid", "native-watchdog", "node-pty"]) require(m);
') || fail "a native module of lib/vscode does not load"
(cd "$cs" && node -e 'require("argon2")') || fail "argon2 does not load"

touch "$stamp"
log "installed code-server $VERSION in $((SECONDS - started)) s"
echo "$cs/out/node/entry.js"
