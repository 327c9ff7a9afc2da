#!/usr/bin/env bash
# Fuzz newsclean's text cleaner, JSONL reader and rule loader for a bounded time.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
#
# With a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`), runs the libFuzzer
# targets in fuzz/fuzz_targets/, seeded from samples/ and rules/; crashes land in
# fuzz/artifacts/<target>/. Without them, runs the stable-toolchain fallback: the same entry
# points (fuzz/harness.rs) under a mutation loop (tests/reliability/fuzz.rs).
# Not part of `cargo test`'s default path: it takes SECONDS_PER_TARGET x 3.
set -euo pipefail
secs="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if cargo +nightly --version >/dev/null 2>&1 && cargo fuzz --version >/dev/null 2>&1; then
    for target in clean jsonl rules; do
        corpus="fuzz/corpus/$target"
        mkdir -p "$corpus"
        case "$target" in
            clean) cp samples/*.txt rules/*/*.in.txt "$corpus/" ;;
            jsonl) for f in samples/*.txt; do
                       python3 -c 'import json,sys; print(json.dumps({"id": sys.argv[1], "text": open(sys.argv[1]).read()}))' "$f"
                   done > "$corpus/samples.jsonl" ;;
            rules) cp rules/*.toml "$corpus/" ;;
        esac
        echo "== cargo fuzz run $target for ${secs}s"
        (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
            -max_total_time="$secs" -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1) 2>&1 |
            grep -E '^(stat::|==|INFO: Done|.*ERROR|.*panicked|Failing input|.*Test unit)' || true
        if ls "fuzz/artifacts/$target"/crash-* >/dev/null 2>&1; then
            echo "crash found: fuzz/artifacts/$target/" >&2
            exit 1
        fi
    done
else
    echo "no nightly toolchain or cargo-fuzz: running the stable fallback for ${secs}s per target"
    FUZZ_SECONDS="$secs" cargo test --release --test tests reliability::fuzz::fuzz_for_a_while \
        -- --ignored --nocapture 2>&1 | grep -E '^fuzz |panicked|crash|test result'
fi
