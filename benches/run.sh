#!/usr/bin/env bash
# End-to-end throughput of `newsclean clean` and `newsclean run` on a synthetic
# corpus, next to `cat` and `wc -w` on the same file, with peak memory and the
# 100 MB -> 1 GB scaling ratio. Writes the results table into docs/performance.md.
#
#   bash benches/run.sh            # 100M and 1G corpora, 3 runs each, + Python peer comparison
#   bash benches/run.sh --quick    # 20M corpus, 1 run, small peer subset; prints, doc untouched
#
# Options:
#   --quick            20M corpus, 1 run, no extra variants, peer subset 2M; writes
#                      $CORPUS_DIR/quick.md, not the doc
#   --sizes "A B"      corpus sizes (SI units: 20M, 100M, 1G); default "100M 1G"
#   --runs N           runs per measurement, best wall time kept (default 3)
#   --runs-last N      runs per measurement on the largest size (default: --runs)
#   --timeout S        stop a newsclean run after S seconds and report it as a timeout
#                      (default 900; the time shown is then a lower bound)
#   --seed S           corpus seed (default 42)
#   --format F         jsonl (default) or txt (directory tree of .txt files)
#   --corpus-dir D     where corpora and outputs go (default $NEWSCLEAN_CORPUS_DIR or /work/corpus);
#                      never inside the repository
#   --no-peers         skip benches/peers/compare.sh
#   --doc / --no-doc   write (or not) docs/performance.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT=$(bench_root)

SIZES="100M 1G"; RUNS=3; RUNS_LAST=""; TIMEOUT=900; SEED=42; FORMAT=jsonl; PEERS=1; WRITE_DOC=1; QUICK=0
CORPUS_DIR=${NEWSCLEAN_CORPUS_DIR:-/work/corpus}
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1; SIZES=20M; RUNS=1; WRITE_DOC=0 ;;
        --sizes) SIZES=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --runs-last) RUNS_LAST=$2; shift ;;
        --timeout) TIMEOUT=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --format) FORMAT=$2; shift ;;
        --corpus-dir) CORPUS_DIR=$2; shift ;;
        --no-peers) PEERS=0 ;;
        --doc) WRITE_DOC=1 ;;
        --no-doc) WRITE_DOC=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done
case $FORMAT in jsonl|txt) ;; *) die "--format must be jsonl or txt" ;; esac
RUNS_LAST=${RUNS_LAST:-$RUNS}
case $(realpath -m "$CORPUS_DIR")/ in "$ROOT"/*) die "--corpus-dir must be outside the repository" ;; esac
mkdir -p "$CORPUS_DIR"
CORPUS_DIR=$(realpath "$CORPUS_DIR")
export LC_ALL=C.UTF-8

ensure_gnu_time
log "building release binaries"
(cd "$ROOT" && cargo build --release --quiet --bin newsclean --example gen_corpus)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
NC=$TARGET/release/newsclean
GEN=$TARGET/release/examples/gen_corpus

# Which newsclean subcommands exist yet, and which flags they take.
# (the skeleton binary accepts anything and prints nothing, hence the --out check)
nc_has() { "$NC" "$1" --help 2>&1 | grep -q -- '--out'; }
nc_flags() { # nc_flags SUBCMD -> extra flags supported among --force --quiet
    local help flags=()
    help=$("$NC" "$1" --help 2>&1 || true)
    grep -q -- '--force' <<<"$help" && flags+=(--force)
    grep -q -- '--quiet' <<<"$help" && flags+=(--quiet)
    echo "${flags[*]:-}"
}
nc_threads() { "$NC" "$1" --help 2>&1 | grep -q -- '--threads'; }

RESULTS=$CORPUS_DIR/results.tsv
OUT_NOTE=""; SCORE_NOTE=""; SCORE_SIZE=""
: >"$RESULTS"
OUT=$CORPUS_DIR/out
# record SIZE LABEL BYTES cmd...
record() {
    local size=$1 label=$2 bytes=$3; shift 3
    log "  $label"
    local m
    MEASURE_TIMEOUT=$TIMEOUT measure m "$SIZE_RUNS" "$@"
    read -r wall rss user sys status <<<"$m"
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        log "  $label stopped after the ${TIMEOUT}s timeout"; status=timeout
    elif [ "$status" != 0 ]; then log "  $label exited $status: $(tail -3 "$MEASURE_ERR" | tr '\n' ' ')"; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$label" "$bytes" "$wall" "$rss" "$user" "$sys" "$status" >>"$RESULTS"
}

for size in $SIZES; do
    SIZE_RUNS=$RUNS
    [ "$size" = "${SIZES##* }" ] && SIZE_RUNS=$RUNS_LAST
    ensure_corpus "$size" "$FORMAT" "$SEED"
    path=$CORPUS_PATH
    bytes=$(du -sb "$path" | cut -f1)
    log "timing on $path ($bytes bytes, best of $SIZE_RUNS)"
    if [ "$FORMAT" = jsonl ]; then
        cat "$path" >/dev/null # warm the page cache
        record "$size" "cat" "$bytes" cat "$path"
        record "$size" "wc -w" "$bytes" wc -w "$path"
    else
        find "$path" -type f -name '*.txt' -print0 | xargs -0 cat >/dev/null
        record "$size" "cat" "$bytes" bash -c 'find "$1" -type f -name "*.txt" -print0 | xargs -0 cat' _ "$path"
        record "$size" "wc -w" "$bytes" bash -c 'find "$1" -type f -name "*.txt" -print0 | xargs -0 wc -w' _ "$path"
    fi
    for sub in clean run; do
        if nc_has "$sub"; then
            read -r -a flags <<<"$(nc_flags "$sub")"
            # Start every run from an absent output directory (untimed).
            MEASURE_PRE="rm -rf '$OUT/$sub'"
            record "$size" "newsclean $sub" "$bytes" "$NC" "$sub" "$path" --out "$OUT/$sub" "${flags[@]}"
            if [ "$sub" = run ] && [ "$size" = "${SIZES%% *}" ] && [ -f "$OUT/run/duplicates.jsonl" ] \
                && [ -f "$path.truth.jsonl" ] && [ "$FORMAT" = jsonl ]; then
                log "  scoring run's syndicated clusters against the corpus truth"
                SCORE_NOTE=$(python3 "$ROOT/benches/score_syndication.py" "$path" "$path.truth.jsonl" "$OUT/run" 2>&1 | sed 's/^/    /')
                SCORE_SIZE=$size
            fi
            out_bytes=$(du -sb "$OUT/$sub" 2>/dev/null | cut -f1 || echo 0)
            OUT_NOTE+="  $size \`newsclean $sub\` wrote $(awk -v o="$out_bytes" 'BEGIN {printf "%.0f", o / 1e6}') MB (du) for $(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1e6}') MB of input (default flags)."$'\n'
            first=0; [ "$size" = "${SIZES%% *}" ] && [ "$QUICK" = 0 ] && first=1
            # The other side of the text-file default: off for JSONL input, on for .txt files.
            variant=--no-text-files; [ "$FORMAT" = jsonl ] && variant=--text-files
            if [ "$first" = 1 ] && "$NC" "$sub" --help 2>&1 | grep -q -- "$variant"; then
                record "$size" "newsclean $sub $variant" "$bytes" "$NC" "$sub" "$path" --out "$OUT/$sub" "${flags[@]}" "$variant"
            fi
            if [ "$first" = 1 ] && [ "$sub" = clean ] && nc_threads "$sub" && [ "$QUICK" = 0 ]; then
                record "$size" "newsclean $sub --threads 1" "$bytes" "$NC" "$sub" "$path" --out "$OUT/$sub" "${flags[@]}" --threads 1
            fi
            MEASURE_PRE=""
            rm -rf "$OUT/$sub"
        else
            log "  newsclean $sub: not available in this build (skipped)"
            printf '%s\tnewsclean %s\t%s\t\t\t\t\tmissing\n' "$size" "$sub" "$bytes" >>"$RESULTS"
        fi
    done
done
rm -rf "$OUT"

# ---- report ---------------------------------------------------------------
REPORT=$(mktemp)
{
    echo "## End-to-end throughput (benches/run.sh$([ "$QUICK" = 1 ] && echo ' --quick'))"
    echo
    machine_info
    echo "- Corpus: \`gen_corpus --seed $SEED --format $FORMAT --syndicated 0.1\` (defaults), sizes $SIZES;"
    for size in $SIZES; do echo "  $size ${GEN_NOTE[$size]:-}"; done
    echo "- Each figure is the best wall time of $RUNS run(s) ($RUNS_LAST on ${SIZES##* }) with a warm page cache; peak RSS is the"
    echo "  highest of those runs (\`/usr/bin/time -v\`); MB/s = corpus bytes / wall seconds / 10^6;"
    echo "  \"x cat\" and \"x wc\" = wall time relative to \`cat FILE >/dev/null\` and \`wc -w FILE\`"
    echo "  (LC_ALL=C.UTF-8) on the same file. newsclean writes its output under the corpus directory."
    echo "  \"MB per CPU-s\" (bytes / user+sys seconds) is steadier than wall time when other jobs share the cores."
    echo "  The output directory is removed before each run, outside the timing; \`sync\` runs before each run."
    echo "  A run still going after ${TIMEOUT}s is stopped: its row says \"timeout\", its wall time is a lower"
    echo "  bound, its MB/s an upper bound, and its peak RSS the peak until then."
    echo "  Extra rows (\`--text-files\` for JSONL, \`--no-text-files\` for .txt input, \`--threads 1\`) are measured on the smallest size only."
    [ -n "$OUT_NOTE" ] && printf -- '- Output volume:\n%s' "$OUT_NOTE"
    echo
    echo "| corpus | command | wall s | MB/s | x cat | x wc -w | peak RSS MiB | CPU s (user+sys) | MB per CPU-s | exit |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '
        { key = $1 SUBSEP $2; wall[key] = $4 }
        $2 == "cat" { cat[$1] = $4 } $2 == "wc -w" { wc[$1] = $4 }
        { rows[NR] = $0 }
        END {
            for (i = 1; i <= NR; i++) {
                split(rows[i], f, "\t")
                if (f[8] == "missing") { printf "| %s | `%s` | not built yet | | | | | | | |\n", f[1], f[2]; continue }
                mb = f[3] / f[4] / 1e6
                cpu = f[6] + f[7]
                lt = (f[8] == "timeout") ? ">" : ""; gt = (f[8] == "timeout") ? "<" : ""
                printf "| %s | `%s` | %s%.2f | %s%.1f | %.1f | %.1f | %.0f | %.2f | %s | %s |\n", f[1], f[2], lt, f[4], gt, mb,
                    f[4] / cat[f[1]], f[4] / wc[f[1]], f[5] / 1024, cpu, (cpu > 0 ? sprintf("%.1f", f[3] / cpu / 1e6) : "-"), f[8]
            }
        }' "$RESULTS"
    echo
    first=${SIZES%% *}; last=${SIZES##* }
    echo "### Targets (on the $last corpus)"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    awk -F'\t' -v big="$last" -v small="$first" '
        $8 == "missing" { missing[$2] = 1; next }
        $1 == big { mb[$2] = $3 / $4 / 1e6; rss[$2] = $5; st[$2] = $8; bw[$2] = $4; bb[$2] = $3 }
        $1 == small { sw[$2] = $4; sb[$2] = $3 }
        function verdict(ok) { return ok ? "PASS" : "**FAIL**" }
        function line(name, label, val, ok) {
            if (label in missing) printf "| %s | not built yet | - |\n", name
            else if (st[label] == "timeout") printf "| %s | %s (stopped at the timeout) | %s |\n", name, val, ((name ~ /RSS/) ? "unknown (run did not finish)" : "**FAIL**")
            else printf "| %s | %s | %s |\n", name, val, verdict(ok && st[label] == 0)
        }
        END {
            line("clean >= 250 MB/s", "newsclean clean", sprintf("%.1f MB/s", mb["newsclean clean"]), mb["newsclean clean"] >= 250)
            line("run >= 80 MB/s", "newsclean run", sprintf("%.1f MB/s", mb["newsclean run"]), mb["newsclean run"] >= 80)
            line("run peak RSS < 1 GiB", "newsclean run", sprintf("%.0f MiB", rss["newsclean run"] / 1024), rss["newsclean run"] < 1048576)
            if (big != small) {
                for (l in bw) if (l in sw) {
                    dr = bb[l] / sb[l]; tr = bw[l] / sw[l]
                    if (l ~ /^newsclean/ && st[l] == "timeout")
                        printf "| `%s`: %.0fx data <= %.0fx time | >= %.1fx time (the larger run was stopped at the timeout) | unknown |\n", l, dr, dr * 1.2, tr
                    else if (l ~ /^newsclean/)
                        line(sprintf("`%s`: %.0fx data <= %.0fx time", l, dr, dr * 1.2), l, sprintf("%.1fx time", tr), tr <= dr * 1.2)
                    else
                        printf "| `%s` (reference): %.0fx data | %.1fx time | - |\n", l, dr, tr
                }
            }
        }' "$RESULTS"
    if [ -n "$SCORE_NOTE" ]; then
        echo
        echo "### Syndication found by \`newsclean run\` on the $SCORE_SIZE corpus (benches/score_syndication.py)"
        echo
        echo "$SCORE_NOTE"
    fi
} >"$REPORT"

cat "$REPORT"
if [ "$WRITE_DOC" = 1 ]; then
    DOC=$ROOT/docs/performance.md
    splice_doc "$DOC" "run.sh" "$REPORT"
    log "wrote $DOC"
else
    cp "$REPORT" "$CORPUS_DIR/quick.md"
    log "wrote $CORPUS_DIR/quick.md (docs/performance.md untouched; --doc to write it)"
fi
rm -f "$REPORT"

if [ "$PEERS" = 1 ]; then
    peer_args=(--corpus-dir "$CORPUS_DIR" --seed "$SEED")
    [ "$QUICK" = 1 ] && peer_args+=(--bytes 2M --runs 1)
    [ "$WRITE_DOC" = 1 ] && peer_args+=(--doc) || peer_args+=(--no-doc)
    bash "$ROOT/benches/peers/compare.sh" "${peer_args[@]}"
fi
