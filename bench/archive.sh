#!/usr/bin/env bash
# The archive figures of docs/benchmarks.md: `newsmark check` over a newsroom's archive, time
# and peak memory.
#
#   bench/archive.sh                      # this checkout's release build
#   bench/archive.sh OLD_BINARY NEW_BINARY  # side by side (e.g. main's build, then this one)
#   SKIP_BIG=1 bench/archive.sh           # without the 1.09 GB archive
#   KEEP=1 bench/archive.sh               # keep the 1.09 GB archive (deleted by default)
#
# 1. dense: 10,000 unannotated articles (bench/gen_corpus.py --dense: most numbers and
#    quotations are findings, about one per 140 bytes), 108 MB, `--format json`, all cores.
#    Targets: < 3 s, peak RSS < 200 MB on 2 cores.
# 2. sparse: 100,000 annotated articles (bench/gen_corpus.py), 1.09 GB, `--format json`, all
#    cores. Targets: < 10 s, peak RSS < 500 MB on 2 cores.
# 3. one 10 MB dense article, one core (RAYON_NUM_THREADS=1), each output format: MB/s.
#    Target: >= 80 MB/s with every format.
#
# Wall time and peak RSS come from /usr/bin/time -v; each figure is the best of RUNS (3).
# The corpora go under target/archive-bench (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OUT=target/archive-bench

if [ $# -eq 0 ]; then
  cargo build --release --quiet
  set -- target/release/newsmark
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ ! -d "$OUT/dense/corpus" ]; then
  python3 bench/gen_corpus.py "$OUT/dense" --dense --files 10000 --single-mb 10
fi

# Best wall time (s) and the peak RSS (MB) of that run, of RUNS runs of the command.
measure() {
  local best_t="" best_m=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$OUT/time.txt" "$@" > /dev/null 2>"$OUT/stderr.txt" || {
      local rc=$?
      # Exit 1 is "findings": expected here.
      if [ "$rc" -ne 1 ]; then echo "failed ($rc): $*" >&2; cat "$OUT/stderr.txt" >&2; exit 2; fi
    }
    local t m
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")
    m=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/time.txt")
    if [ -z "$best_t" ] || awk "BEGIN {exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}

mb() { du -sb --apparent-size "$1" | awk '{printf "%.1f", $1 / 1e6}'; }

report() {
  local label=$1 bytes_mb=$2; shift 2
  read -r t m < <(measure "$@")
  printf '%-58s %7.2f s %7s MB peak RSS %8.1f MB/s\n' "$label" "$t" "$m" "$(awk "BEGIN {print $bytes_mb / $t}")"
}

dense_mb=$(mb "$OUT/dense/corpus")
single_mb=$(mb "$OUT/dense/single/single.news")
findings=$("$1" check "$OUT/dense/corpus" --format json 2>/dev/null \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"] if isinstance(d, dict) else d))' 2>/dev/null || echo "?")
echo "== dense corpus: $(find "$OUT/dense/corpus" -name '*.news' | wc -l) files, $dense_mb MB, $findings findings; $(nproc) cores"
for bin in "$@"; do
  report "$bin: dense corpus, json" "$dense_mb" "$bin" check "$OUT/dense/corpus" --format json
done

echo "== one ${single_mb} MB dense article, one core"
for bin in "$@"; do
  for format in human json github sarif; do
    if "$bin" check --help | grep -q "$format"; then
      RAYON_NUM_THREADS=1 report "$bin: single, $format" "$single_mb" env RAYON_NUM_THREADS=1 "$bin" check "$OUT/dense/single/single.news" --format "$format"
    fi
  done
done

if [ "${SKIP_BIG:-0}" != 1 ]; then
  if [ ! -d "$OUT/sparse/corpus" ]; then
    python3 bench/gen_corpus.py "$OUT/sparse" --files 100000 --single-mb 0.1
  fi
  sparse_mb=$(mb "$OUT/sparse/corpus")
  echo "== sparse archive: $(find "$OUT/sparse/corpus" -name '*.news' | wc -l) files, $sparse_mb MB; $(nproc) cores"
  for bin in "$@"; do
    report "$bin: sparse archive, json" "$sparse_mb" "$bin" check "$OUT/sparse/corpus" --format json
  done
  if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$OUT/sparse"
  fi
fi
