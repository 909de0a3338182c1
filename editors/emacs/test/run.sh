#!/usr/bin/env bash
# Batch test of editors/emacs/newsmark.el with eglot and flymake against a
# real `newsmark lsp`.
#
#   editors/emacs/test/run.sh [path/to/newsmark]
#
# The server is $1, else $NEWSMARK, else target/debug/newsmark of this
# repository (build it with `cargo build`). Emacs is $EMACS, else `emacs`.
# Needs Emacs 28 with eglot (Debian: apt-get install -y emacs-nox elpa-eglot)
# or Emacs 29+, where eglot is built in.
#
# The example articles are copied to a temporary directory; HOME points there
# too, so nothing in your ~/.emacs.d is read or written.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

server="${1:-${NEWSMARK:-$root/target/debug/newsmark}}"
if [[ "$server" != /* ]]; then
  if [[ $# -ge 1 || -n "${NEWSMARK:-}" ]]; then server="$PWD/$server"; else server="$root/$server"; fi
fi
if [[ ! -x "$server" ]]; then
  echo "FAIL setup: no newsmark binary at $server (run cargo build, or pass its path)" >&2
  exit 2
fi

emacs="${EMACS:-emacs}"
if ! command -v "$emacs" >/dev/null 2>&1; then
  echo "FAIL setup: no emacs (apt-get install -y emacs-nox elpa-eglot)" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/newsmark-emacs-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cp -R "$root/examples/kursk" "$tmp/kursk"
mkdir -p "$tmp/home"

status=0
HOME="$tmp/home" NEWSMARK="$server" NEWSMARK_E2E_DIR="$tmp/kursk" \
  timeout "${NEWSMARK_E2E_DEADLINE:-300}" "$emacs" --batch -Q -l "$here/eglot-test.el" \
  </dev/null >"$tmp/out" 2>"$tmp/err" || status=$?
cat "$tmp/out"
if [[ $status -ne 0 ]]; then
  echo "--- emacs stderr (exit status $status) ---" >&2
  cat "$tmp/err" >&2
  if ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out"; then
    echo "FAIL emacs: exited with status $status before finishing (timeout or crash)"
    echo "0 passed, 1 failed"
  fi
  exit 1
fi
