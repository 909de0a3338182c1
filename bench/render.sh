#!/usr/bin/env bash
# `newsmark render` against `newsmark check` on the same inputs (docs/render.md, Benchmark).
#
#   bench/render.sh            # generate the corpus once, then measure
#   RUNS=10 bench/render.sh    # more repetitions
#
# Render loads and checks exactly as check does, then renders, so its cost is check's plus
# the rendering; the budget is that rendering costs at most a few times check: render (any
# format) within 3x check's wall time, on the 10,000-article corpus (all cores, writing one
# file per article) and on the 10.5 MB article (one thread). Exit status 1 when a budget fails.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=target/bench

if [ ! -f "$OUT/single/single.news" ] || [ ! -d "$OUT/corpus" ]; then
  python3 bench/gen_corpus.py "$OUT"
fi
cargo build --release --quiet
bin=./target/release/newsmark
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT

python3 - "$RUNS" "$bin" "$OUT" "$site" <<'PY'
import os, shutil, subprocess, sys, time

runs, binary, out, site = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
corpus, single = f"{out}/corpus", f"{out}/single/single.news"
BUDGET = 3.0

def best(cmd, env=None):
    times = []
    for _ in range(runs):
        shutil.rmtree(site, ignore_errors=True)
        os.makedirs(site)
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    times.sort()
    return times[0], times[len(times) // 2]

failed = False
one = dict(os.environ, RAYON_NUM_THREADS="1")
for label, target, env, dest in [
    (f"corpus ({sum(1 for _ in os.scandir(corpus))} entries, {os.cpu_count()} cores)", corpus, None, ["-o", site]),
    ("the 10.5 MB article, one thread", single, one, ["-o", f"{site}/single"]),
]:
    check, check_median = best([binary, "check", target, "--format", "json"], env)
    print(f"== {label}")
    print(f"check           best {check:.3f} s, median {check_median:.3f} s")
    for fmt in ("html", "markdown", "json"):
        b, m = best([binary, "render", target, "--format", fmt, "--allow-errors", *dest], env)
        ratio = b / check
        verdict = "PASS" if ratio <= BUDGET else "FAIL"
        failed |= ratio > BUDGET
        print(f"render {fmt:9} best {b:.3f} s, median {m:.3f} s  = {ratio:.2f}x check (budget {BUDGET:.0f}x) {verdict}")
sys.exit(1 if failed else 0)
PY
