#!/usr/bin/env bash
# Reproduces the throughput figures of docs/benchmarks.md.
#
#   bench/run.sh            # generate the corpus once, then measure
#   RUNS=10 bench/run.sh    # more repetitions
#
# 1. In-process, one core: parse and parse + every rule over a 10.5 MB article (criterion).
# 2. `newsmark check` over a 10,020-file, 108 MB corpus, wall time on all cores.
# 3. `newsmark check` over the single 10.5 MB article with RAYON_NUM_THREADS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=target/bench

if [ ! -f "$OUT/single/single.news" ] || [ ! -d "$OUT/corpus" ]; then
  python3 bench/gen_corpus.py "$OUT"
fi
cargo build --release --quiet

echo "== criterion: single file, one core"
cargo bench --bench throughput 2>/dev/null | grep -E '^single-file|thrpt'

best() {
  # Best wall time of $RUNS runs of the command, in seconds.
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
times.sort()
print(f"best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s over {runs} runs")
PY
}

corpus_mb=$(du -sm --apparent-size "$OUT/corpus" | cut -f1)
echo "== newsmark check over the corpus ($corpus_mb MB, $(find "$OUT/corpus" -name '*.news' | wc -l) files, $(nproc) cores)"
best ./target/release/newsmark check "$OUT/corpus" --format json

single_mb=$(du -m --apparent-size "$OUT/single/single.news" | cut -f1)
echo "== newsmark check over one ${single_mb} MB file, one thread (includes start-up, reading and the JSON report)"
RAYON_NUM_THREADS=1 best ./target/release/newsmark check "$OUT/single/single.news" --format json
