#!/usr/bin/env bash
# Peer comparison: the Python reference pipeline (jusText cleaning + datasketch
# MinHashLSH near-duplicate paragraphs, benches/peers/pipeline.py) against
# `newsclean run` / `newsclean clean` on the same corpus file, in the same run.
# Creates its own venv and installs benches/peers/requirements.txt from PyPI.
#
#   bash benches/peers/compare.sh                 # 20M subset, results into docs/performance.md
#   bash benches/peers/compare.sh --bytes 2M --no-doc
#
# Options: --bytes SIZE (default 20M: Python is far too slow for 1G), --seed S,
#   --runs N (newsclean runs, best kept; Python runs once), --corpus-dir D,
#   --venv DIR (default $CORPUS_DIR/venv-peers), --doc / --no-doc.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROOT=$(bench_root)
HERE=$ROOT/benches/peers

BYTES=20M; SEED=42; RUNS=3; WRITE_DOC=1; VENV=""
CORPUS_DIR=${NEWSCLEAN_CORPUS_DIR:-/work/corpus}
while [ $# -gt 0 ]; do
    case $1 in
        --bytes) BYTES=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --corpus-dir) CORPUS_DIR=$2; shift ;;
        --venv) VENV=$2; shift ;;
        --doc) WRITE_DOC=1 ;;
        --no-doc) WRITE_DOC=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
case $(realpath -m "$CORPUS_DIR")/ in "$ROOT"/*) die "--corpus-dir must be outside the repository" ;; esac
mkdir -p "$CORPUS_DIR"
CORPUS_DIR=$(realpath "$CORPUS_DIR")
VENV=${VENV:-$CORPUS_DIR/venv-peers}
export LC_ALL=C.UTF-8

ensure_gnu_time
if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import justext, datasketch' 2>/dev/null \
    || ! cmp -s "$HERE/requirements.txt" "$VENV/.newsclean-requirements"; then
    log "pip install -r benches/peers/requirements.txt"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/.newsclean-requirements"
fi

(cd "$ROOT" && cargo build --release --quiet --bin newsclean --example gen_corpus)
NC=${CARGO_TARGET_DIR:-$ROOT/target}/release/newsclean
ensure_corpus "$BYTES" jsonl "$SEED"
F=$CORPUS_PATH
bytes=$(stat -c %s "$F")
OUT=$CORPUS_DIR/peers-out
rm -rf "$OUT"; mkdir -p "$OUT"

ROWS=$(mktemp)
row() { # row LABEL MEASUREMENT
    local wall rss user sys status
    read -r wall rss user sys status <<<"$2"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$wall" "$rss" "$user" "$sys" "$status" >>"$ROWS"
}
nc_has() { "$NC" "$1" --help 2>&1 | grep -q -- '--out'; }
nc_flags() {
    local help flags=()
    help=$("$NC" "$1" --help 2>&1 || true)
    grep -q -- '--force' <<<"$help" && flags+=(--force)
    grep -q -- '--quiet' <<<"$help" && flags+=(--quiet)
    echo "${flags[*]:-}"
}

log "Python pipeline on $F ($bytes bytes), 1 run"
measure m 1 "$VENV/bin/python" "$HERE/pipeline.py" "$F" --out "$OUT/python"
row "python: jusText + datasketch MinHashLSH (1 process)" "$m"
[ "${m##* }" = 0 ] || { tail -5 "$MEASURE_ERR" >&2; die "python pipeline failed"; }
have_nc=0
for sub in run clean; do
    if nc_has "$sub"; then
        have_nc=1
        read -r -a flags <<<"$(nc_flags "$sub")"
        log "newsclean $sub, best of $RUNS"
        measure m "$RUNS" "$NC" "$sub" "$F" --out "$OUT/nc-$sub" "${flags[@]}"
        row "newsclean $sub" "$m"
        if "$NC" "$sub" --help 2>&1 | grep -q -- '--threads'; then
            measure m "$RUNS" "$NC" "$sub" "$F" --out "$OUT/nc-$sub-1" "${flags[@]}" --threads 1
            row "newsclean $sub --threads 1" "$m"
        fi
    else
        log "newsclean $sub not available in this build (skipped)"
    fi
done

REPORT=$(mktemp)
{
    echo "## Peer comparison: Python jusText + datasketch (benches/peers/compare.sh)"
    echo
    machine_info
    echo "- Input: the first $BYTES of the benchmark corpus (\`gen_corpus --seed $SEED --bytes $BYTES\`, $bytes bytes,"
    echo "  $(wc -l <"$F") documents; ${GEN_NOTE[$BYTES]}). Python runs once on one core; newsclean best of $RUNS."
    echo "- Python: \`$(cd "$VENV" && bin/python -c 'import justext, datasketch, sys; from importlib.metadata import version as v; print("Python %s, jusText %s, datasketch %s" % (sys.version.split()[0], v("justext"), v("datasketch")))')\`;"
    echo "  each document's lines become <p> blocks for jusText (English stoplist, default settings); kept"
    echo "  paragraphs of >= 10 words get a 128-permutation MinHash of word 5-gram shingles queried against"
    echo "  MinHashLSH(threshold=0.7): a match in another document flags the paragraph, no match inserts it"
    echo "  (group representatives only, so cost stays linear); cleaned text and flags are written to disk."
    if [ -f "$OUT/python/summary.json" ]; then
        echo "- Python summary: \`$(cat "$OUT/python/summary.json")\`"
    fi
    echo
    echo "| pipeline | wall s | MB/s | peak RSS MiB | CPU s (user+sys) | MB per CPU-s | exit |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v b="$bytes" '{ c = $4 + $5; printf "| %s | %.2f | %.2f | %.0f | %.2f | %s | %s |\n", $1, $2, b / $2 / 1e6, $3 / 1024, c, (c > 0 ? sprintf("%.2f", b / c / 1e6) : "-"), $6 }' "$ROWS"
    echo
    if [ "$have_nc" = 1 ]; then
        awk -F'\t' '
            NR == 1 { py = $2; pycpu = $4 + $5; next }
            { ratio[$1] = py / $2; cpur[$1] = ($4 + $5) > 0 ? pycpu / ($4 + $5) : 0; order[++n] = $1; st[$1] = $6 }
            END {
                for (i = 1; i <= n; i++) {
                    l = order[i]
                    v = ""
                    if (l == "newsclean run") v = ratio[l] >= 100 && st[l] == 0 ? " (target >= 100x: PASS)" : " (target >= 100x: **FAIL**)"
                    printf "- `%s` throughput = %.1fx the Python pipeline by wall time (%.1fx by CPU time)%s\n", l, ratio[l], cpur[l], v
                }
            }' "$ROWS"
    else
        echo "- newsclean \`run\`/\`clean\` are not built on this branch yet: no ratio."
    fi
} >"$REPORT"
cat "$REPORT"
if [ "$WRITE_DOC" = 1 ]; then
    splice_doc "$ROOT/docs/performance.md" "peers" "$REPORT"
    log "wrote docs/performance.md"
fi
rm -f "$REPORT" "$ROWS"
