#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (set by run.sh): compiles the crates named in
# FUZZ_UNINSTRUMENTED (default: aho_corasick) without cargo-fuzz's coverage instrumentation
# (`-Cpasses=sancov-module` and its `-sanitizer-coverage-*` options). Their code still runs,
# with debug assertions and overflow checks; only their edges and comparisons are not traced.
# See docs/reliability.md (Speed).
rustc="$1"
shift
crate=""
prev=""
for arg in "$@"; do
    if [ "$prev" = "--crate-name" ]; then crate="$arg"; fi
    prev="$arg"
done
for skip in ${FUZZ_UNINSTRUMENTED-aho_corasick}; do
    if [ "$crate" = "$skip" ]; then
        args=()
        for arg in "$@"; do
            case "$arg" in
                -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-*) ;;
                *) args+=("$arg") ;;
            esac
        done
        exec "$rustc" "${args[@]}"
    fi
done
exec "$rustc" "$@"
