#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) from the committed seed corpus.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs `cargo install cargo-fuzz` and a nightly toolchain. The working corpus grows in
# fuzz/corpus/<target>/ (seeds in fuzz/seeds/<target>/ are only read), crashes land in
# fuzz/artifacts/<target>/, full logs in fuzz/logs/<target>.log. Exits nonzero if any target
# crashed (or failed to build).
#
# The targets are built without a sanitizer (FUZZ_SANITIZER=address to build with
# AddressSanitizer): the code they reach is safe Rust, where bounds and overflow checks (debug
# assertions are on, `-a`) already catch what ASan would, and ASan made every execution about
# four times slower (see docs/reliability.md).
set -uo pipefail

cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(parse_and_check line_index edits)
fi
TOOLCHAIN="${FUZZ_TOOLCHAIN:-+nightly}"
SANITIZER="${FUZZ_SANITIZER:-none}"

# Extra libFuzzer options per target. line_index checks many offsets and columns of every
# line, at a cost that grows with the square of a line's length: inputs stay at 384 bytes.
# edits parses its article after every edit: inputs (article and edits) stay at 2 KiB.
target_options() {
    case "$1" in
        line_index) echo "-max_len=384" ;;
        edits) echo "-max_len=2048" ;;
    esac
}

# cargo-fuzz traces every integer comparison by default (`-sanitizer-coverage-trace-compares`)
# so that libFuzzer can splice the operands into inputs. Here those hooks took a third of
# `parse_and_check`'s time, half of `edits`'s and three quarters of `line_index`'s. A quarter
# of them are one-byte comparisons, which feed only libFuzzer's value profile (off unless
# -use_value_profile=1); the callers of the rest are scanning loops (offsets, lengths) and
# UTF-8 decoding. The targets are built without them (docs/reliability.md, Speed). String
# comparisons still reach the mutator through libFuzzer's memcmp hooks. FUZZ_TRACE_COMPARES=1
# brings the tracing back, built in a target directory of its own.
if [ -n "${FUZZ_TRACE_COMPARES:-}" ]; then
    TARGET_DIR="$PWD/target/trace-compares"
    BUILD_OPTIONS=(--target-dir "$TARGET_DIR")
else
    TARGET_DIR="$PWD/target"
    BUILD_OPTIONS=(--no-trace-compares)
fi

# aho-corasick is built without coverage instrumentation (rustc-wrapper.sh): the entity index
# builds its automaton whenever the registry's names change, and traced, that construction was
# a third of `edits`'s time, while its edges say nothing about newsmark (docs/reliability.md).
# Cargo does not rebuild when the wrapper or its list changes: a stamp (one per target
# directory) does that once.
export FUZZ_UNINSTRUMENTED="${FUZZ_UNINSTRUMENTED-aho_corasick}"
export RUSTC_WRAPPER="$PWD/rustc-wrapper.sh"

stamp="$TARGET_DIR/uninstrumented.stamp"
if [ "$(cat "$stamp" 2>/dev/null)" != "$FUZZ_UNINSTRUMENTED" ]; then
    for crate in aho_corasick $FUZZ_UNINSTRUMENTED; do
        # The package may spell its name with `-` or with `_` (compact_str).
        for package in "${crate//_/-}" "$crate"; do
            cargo "$TOOLCHAIN" clean -q -p "$package" --release --target x86_64-unknown-linux-gnu \
                --target-dir "$TARGET_DIR" 2>/dev/null && break
        done
    done
    mkdir -p "$TARGET_DIR" && echo "$FUZZ_UNINSTRUMENTED" >"$stamp"
fi

mkdir -p logs
if ! cargo "$TOOLCHAIN" fuzz build -O -a -s "$SANITIZER" "${BUILD_OPTIONS[@]}" >logs/build.log 2>&1; then
    tail -n 30 logs/build.log; echo "build failed" >&2; exit 2
fi

status=0
# exec/s is libFuzzer's, per second of wall time; exec/cpu-s divides the executions by the CPU
# time (user + system) of the run, which is the rate on one core even on a busy machine.
printf '%-16s %6s %12s %8s %8s %11s %8s %8s %8s  %s\n' \
    target secs execs exec/s cpu-s exec/cpu-s cov ft corpus result
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="logs/$t.log"
    TIMEFORMAT='%U %S'
    # shellcheck disable=SC2046 # the options are words
    { time cargo "$TOOLCHAIN" fuzz run -O -a -s "$SANITIZER" "${BUILD_OPTIONS[@]}" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
        $(target_options "$t") \
        >"$log" 2>&1; } 2>"logs/$t.time"
    rc=$?
    cpu=$(awk '{printf "%.0f", $1 + $2}' "logs/$t.time")
    # Last status line, e.g. "#123456 DONE   cov: 1234 ft: 5678 corp: 321/45Kb lim: 4096 exec/s: 2000 rss: 90Mb"
    line=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$line")
    cov=$(grep -oE 'cov: [0-9]+' <<<"$line" | awk '{print $2}')
    ft=$(grep -oE 'ft: [0-9]+' <<<"$line" | awk '{print $2}')
    corp=$(grep -oE 'corp: [0-9]+' <<<"$line" | awk '{print $2}')
    eps=$(grep -E '^stat::average_exec_per_sec:' "$log" | awk '{print $2}' | tail -n 1)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        status=1
        artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/Test unit written to //')
        result="CRASH (rc=$rc) ${artifact:-see $log}"
    fi
    per_cpu=$(awk -v e="${execs:-0}" -v c="${cpu:-0}" 'BEGIN { if (c > 0) printf "%.0f", e / c; else print "?" }')
    printf '%-16s %6s %12s %8s %8s %11s %8s %8s %8s  %s\n' "$t" "$SECONDS_PER_TARGET" "${execs:-?}" \
        "${eps:-?}" "${cpu:-?}" "$per_cpu" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
    if [ $rc -ne 0 ]; then
        grep -m1 -A3 -E "panicked at|ERROR: libFuzzer" "$log" | sed 's/^/    /'
    fi
done
exit $status
