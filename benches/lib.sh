# Shared helpers for benches/run.sh and benches/peers/compare.sh (sourced, not run).
# Measures one command with /usr/bin/time -v plus a nanosecond wall clock.

bench_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 2; }

# GNU time is needed for peak RSS; install it once if missing (Debian).
ensure_gnu_time() {
    if /usr/bin/time -v true >/dev/null 2>&1; then return; fi
    log "installing GNU time (apt-get update once, then apt-get install time)"
    if [ ! -e /tmp/.newsclean-bench-apt-updated ]; then
        apt-get update -qq && touch /tmp/.newsclean-bench-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    /usr/bin/time -v true >/dev/null 2>&1 || die "/usr/bin/time -v still unusable"
}

# machine_info: one markdown paragraph describing this machine.
machine_info() {
    local cpu mem load
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    printf -- '- Machine: %s cores (`nproc`), CPU `%s`, %s RAM, kernel %s\n' "$(nproc)" "$cpu" "$mem" "$(uname -r)"
    printf -- '- Load average when the run started: %s (other builds may share the cores)\n' "$load"
    printf -- '- Toolchain: %s; commit %s; %s\n' "$(rustc --version)" \
        "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml 2>/dev/null || echo '+dirty')" \
        "$(date -u '+%Y-%m-%d %H:%M UTC')"
}

# measure OUTVAR RUNS cmd...   -> sets OUTVAR to "best_wall_s max_rss_kb user_s sys_s status"
# Best (lowest) wall time over the successful runs; peak RSS is the highest seen;
# a failing run ends the series, and is reported (with its exit code) only if no
# run succeeded. stdout goes to /dev/null,
# stderr of the last run is kept in $MEASURE_ERR. If MEASURE_PRE is set, it is eval'd
# before each run, untimed (e.g. removing the previous run's output directory, which
# `newsclean --force` would otherwise delete inside the timed run). If MEASURE_TIMEOUT is
# set (seconds), a run is stopped after that long and its status is 124.
MEASURE_ERR=/tmp/newsclean-bench-measure.err

# tree_hwm_kb PID MAX_SO_FAR: the largest VmHWM (kB) among PID and its descendants, or MAX_SO_FAR.
tree_hwm_kb() {
    local max=$2 p v kids todo=("$1")
    while [ ${#todo[@]} -gt 0 ]; do
        p=${todo[0]}; todo=("${todo[@]:1}")
        v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
        [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
        kids=$(cat "/proc/$p/task/$p/children" 2>/dev/null || true)
        for k in $kids; do todo+=("$k"); done
    done
    echo "$max"
}
measure() {
    local __out=$1 runs=$2; shift 2
    local best="" rss=0 user=0 sys=0 status="" r t0 t1 wall tv rc
    local fail_wall="" fail_user=0 fail_sys=0 fail_status=0
    tv=$(mktemp)
    for ((r = 0; r < runs; r++)); do
        if [ -n "${MEASURE_PRE:-}" ]; then eval "$MEASURE_PRE"; fi
        sync
        t0=$(date +%s%N)
        rc=0
        # Poll the peak RSS (VmHWM) of this shell's process tree in the background:
        # /usr/bin/time cannot report the memory of a command that `timeout` killed.
        local hwmf hwm sampler
        hwmf=$(mktemp)
        (
            m=0
            sleep 0.2 # leave short commands (cat) undisturbed; time -v covers them
            while :; do
                m=$(tree_hwm_kb "$$" "$m")
                echo "$m" >"$hwmf"
                sleep 0.5
            done
        ) &
        sampler=$!
        /usr/bin/time -v -o "$tv" ${MEASURE_TIMEOUT:+timeout --signal=TERM --kill-after=30 "$MEASURE_TIMEOUT"} "$@" \
            >/dev/null 2>"$MEASURE_ERR" || rc=$?
        t1=$(date +%s%N)
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        hwm=$(cat "$hwmf" 2>/dev/null || true)
        hwm=${hwm:-0}
        rm -f "$hwmf"
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        local this_rss this_user this_sys
        this_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
        this_user=$(awk -F': ' '/User time/ {print $2}' "$tv")
        this_sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
        [ "${this_rss:-0}" -gt "$rss" ] && rss=${this_rss:-0}
        [ "$hwm" -gt "$rss" ] && rss=$hwm
        if [ "$rc" -ne 0 ]; then
            # A failed or stopped run: kept only if no run succeeds; no further runs.
            fail_wall=$wall; fail_user=$this_user; fail_sys=$this_sys; fail_status=$rc
            break
        fi
        if [ -z "$best" ] || awk -v w="$wall" -v b="$best" 'BEGIN {exit !(w < b)}'; then
            best=$wall; user=$this_user; sys=$this_sys; status=0
        fi
    done
    rm -f "$tv"
    if [ -z "$best" ]; then
        best=$fail_wall; user=$fail_user; sys=$fail_sys; status=$fail_status
    fi
    printf -v "$__out" '%s %s %s %s %s' "$best" "$rss" "$user" "$sys" "$status"
}

# splice_doc FILE MARKER CONTENT_FILE: replace the block between
# <!-- MARKER:begin --> and <!-- MARKER:end --> in FILE (append it if absent).
splice_doc() {
    local file=$1 marker=$2 content=$3 tmp
    tmp=$(mktemp)
    if [ -f "$file" ] && grep -q "<!-- $marker:begin -->" "$file"; then
        awk -v b="<!-- $marker:begin -->" -v e="<!-- $marker:end -->" -v c="$content" '
            $0 == b { print; while ((getline line < c) > 0) print line; skip = 1; next }
            $0 == e { skip = 0 }
            !skip { print }' "$file" >"$tmp"
    else
        { [ -f "$file" ] && cat "$file"; echo; echo "<!-- $marker:begin -->"; cat "$content"; echo "<!-- $marker:end -->"; } >"$tmp"
    fi
    mv "$tmp" "$file"
}

# ensure_corpus SIZE FORMAT SEED: sets CORPUS_PATH, and GEN_NOTE[SIZE] to how it was made.
# Corpora live in $CORPUS_DIR, named by size and seed, and are regenerated when the
# generator's source changed (hash kept in a .stamp file beside the corpus). As
# documents depend only on (seed, index), a smaller corpus is a prefix of a larger one.
declare -A GEN_NOTE
ensure_corpus() {
    local size=$1 format=$2 seed=$3 path stamp hash m wall rss status
    hash=$(cat "$ROOT"/examples/gen_corpus/*.rs | sha256sum | cut -c1-16)
    if [ "$format" = jsonl ]; then path=$CORPUS_DIR/corpus-$size-s$seed.jsonl; else path=$CORPUS_DIR/corpus-$size-s$seed.txt.d; fi
    stamp=$path.stamp
    if [ -e "$path" ] && [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$hash" ]; then
        GEN_NOTE[$size]="$(sed -n 2p "$stamp") (cached)"
    else
        log "generating $size corpus ($format) at $path"
        measure m 1 "${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/gen_corpus" --bytes "$size" --seed "$seed" --format "$format" \
            --out "$path" --force --truth "$path.truth.jsonl"
        read -r wall rss _ _ status <<<"$m"
        [ "$status" = 0 ] || { cat "$MEASURE_ERR" >&2; die "gen_corpus failed"; }
        GEN_NOTE[$size]="generated in ${wall}s ($(mbps "$(du -sb "$path" | cut -f1)" "$wall") MB/s, peak RSS $((rss / 1024)) MiB)"
        printf '%s\n%s\n' "$hash" "${GEN_NOTE[$size]}" >"$stamp"
    fi
    CORPUS_PATH=$path
}

# mbps BYTES SECONDS
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / s / 1e6; else print "inf" }'; }
