#!/usr/bin/env bash
# Instruction-count profile of one newsclean subcommand with valgrind --tool=callgrind
# (counts instructions, so it is steady on a shared, noisy machine).
#
#   bash benches/profile.sh clean            # 2M corpus, one thread
#   bash benches/profile.sh run --bytes 5M
#
# Prints the total, the top functions by self cost and newsclean's functions by
# inclusive cost; keeps the callgrind file in the corpus directory for
# `callgrind_annotate --inclusive=yes FILE` or kcachegrind.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT=$(bench_root)
SUB=${1:?usage: profile.sh clean|run [--bytes SIZE] [--corpus-dir D]}; shift
BYTES=2M; SEED=42; CORPUS_DIR=${NEWSCLEAN_CORPUS_DIR:-/work/corpus}
while [ $# -gt 0 ]; do
    case $1 in
        --bytes) BYTES=$2; shift ;;
        --corpus-dir) CORPUS_DIR=$2; shift ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
command -v valgrind >/dev/null || {
    log "installing valgrind"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
}
mkdir -p "$CORPUS_DIR"; CORPUS_DIR=$(realpath "$CORPUS_DIR")
(cd "$ROOT" && cargo build --release --quiet --bin newsclean --example gen_corpus)
NC=${CARGO_TARGET_DIR:-$ROOT/target}/release/newsclean
ensure_corpus "$BYTES" jsonl "$SEED"
CG=$CORPUS_DIR/callgrind.$SUB.$BYTES.out
rm -rf "$CORPUS_DIR/profile-out"
flags=()
"$NC" "$SUB" --help 2>&1 | grep -q -- '--threads' && flags+=(--threads 1)
"$NC" "$SUB" --help 2>&1 | grep -q -- '--quiet' && flags+=(--quiet)
log "callgrind: newsclean $SUB $CORPUS_PATH (this takes a minute or two)"
valgrind --tool=callgrind --callgrind-out-file="$CG" "$NC" "$SUB" "$CORPUS_PATH" \
    --out "$CORPUS_DIR/profile-out" "${flags[@]}" 2>&1 | grep -E 'refs' >&2
rm -rf "$CORPUS_DIR/profile-out"
bytes=$(stat -c %s "$CORPUS_PATH")
tidy() { sed -E 's|/rustc/[0-9a-f]+/library/||; s|/root/.cargo/registry/src/[^/]+/||; s| \[/[^]]*\]||; s|'"$ROOT"'/||' | cut -c1-170; }
total=$(callgrind_annotate "$CG" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "newsclean $SUB on $BYTES ($bytes bytes), 1 thread: $total instructions = $(awk -v t="$total" -v b="$bytes" 'BEGIN {printf "%.0f", t / b}') per input byte"
echo
echo "Top 15 by self cost:"
callgrind_annotate "$CG" 2>/dev/null | sed -n '/PROGRAM TOTALS/,$p' | sed -n '5,19p' | tidy
echo
echo "newsclean functions by inclusive cost:"
callgrind_annotate --inclusive=yes "$CG" 2>/dev/null | grep -E 'newsclean::' | head -25 | tidy
echo
echo "callgrind file: $CG"
