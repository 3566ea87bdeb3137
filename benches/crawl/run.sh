#!/usr/bin/env bash
# Crawl benchmark (issue 3, "Speed"): crawl a synthetic N-post replay blog served on 127.0.0.1 with
# added latency per response, rate limit off; report pages/s and requests/s against the ideal
# (concurrency / latency), peak memory, a phase breakdown, and `wget --mirror` on the same server.
# See benches/crawl/README.md. Every request goes to 127.0.0.1 only.
#
# Settings (environment variables):
#   N=2000             posts in the generated blog
#   DELAY_MS=50        latency the replay server adds to every response
#   CONCURRENCY="8 4 1" crawler runs, in order (the first is the headline run)
#   WGET=1             also time `wget --mirror` (0 = skip)
#   COMMENTS=0         1 = one more run at the first concurrency with comments on (the default of
#                      `crawl`; the replay answers one empty comment page per post)
#   ARCHIVE_DIR=$WORK  where the crawl archives go; /dev/shm/... takes the disk's syncs out
#   WORK=/tmp/tistory-crawl-bench   where the blog, archives, logs and results go (replaced)
#   STEP_TIMEOUT=900   seconds allowed for each crawl / wget step
#   BUILD=1            build first (0 = use the binaries already in target/release)
#   TIMELINE=0         1 = log every request (fetch trace) and chart the requests in flight
#                      (timeline.awk); the logging itself costs the client some CPU
set -euo pipefail

N=${N:-2000}
DELAY_MS=${DELAY_MS:-50}
CONCURRENCY=${CONCURRENCY:-"8 4 1"}
WGET=${WGET:-1}
COMMENTS=${COMMENTS:-0}
WORK=${WORK:-/tmp/tistory-crawl-bench}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
BUILD=${BUILD:-1}
TIMELINE=${TIMELINE:-0}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export NO_COLOR=1 LC_ALL=C

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in /usr/bin/time timeout awk find; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
if [ "$WGET" = 1 ] && ! command -v wget >/dev/null; then
    log "wget not found: skipping the wget comparison"
    WGET=0
fi

case "$WORK" in
    /|"$ROOT"|"$ROOT"/src*|"$ROOT"/tests*|"$ROOT"/fixtures*) die "refusing WORK=$WORK" ;;
esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
# Only what this script made is removed: its own subdirectories and files.
rm -rf "$WORK/bin" "$WORK"/crawl[-_]c* "$WORK/wget" "$WORK/wget.log" "$WORK"/time-*.txt \
    "$WORK/results.txt" "$WORK/needed.txt" "$WORK/phases.txt" "$WORK/summary.txt" "$WORK/serve.out" "$WORK/serve.err"
mkdir -p "$WORK/bin"

# --- 1. build (waits on cargo's lock when others are building) -----------------------------
if [ "$BUILD" = 1 ]; then
    log "building release (tistory-migrate, example gen_blog)"
    (cd "$ROOT" && timeout 3600 cargo build --release --bin tistory-migrate --example gen_blog)
fi
# Private copies: a rebuild by someone else sharing target/ cannot swap the binary mid-run.
cp "$ROOT/target/release/tistory-migrate" "$WORK/bin/tistory-migrate"
cp "$ROOT/target/release/examples/gen_blog" "$WORK/bin/gen_blog"
BIN="$WORK/bin/tistory-migrate"
REV=$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)
BUILT=$(date -u -r "$BIN" +%Y-%m-%dT%H:%MZ)

# --- 2. the blog ---------------------------------------------------------------------------
log "generating $N posts into $WORK/blog"
timeout 600 "$WORK/bin/gen_blog" "$WORK/blog" "$N" >&2

# --- 3. the replay server ------------------------------------------------------------------
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the replay server (--delay-ms $DELAY_MS)"
"$BIN" serve "$WORK/blog" --port 0 --delay-ms "$DELAY_MS" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 600); do
    PORT=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$WORK/serve.out" 2>/dev/null | head -1 | sed 's|.*:\([0-9]*\)/|\1|' || true)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited: $(cat "$WORK/serve.err")"
    sleep 0.2
done
[ -n "$PORT" ] || die "the server did not start within 120 s"
BASE="http://127.0.0.1:$PORT/"
log "serving at $BASE $(grep -o '([0-9]* entries)' "$WORK/serve.out")"

# Seconds from "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34".
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
rss_mb() {
    awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}
# CPU seconds (user + system) of the timed command.
cpu_seconds() {
    awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1"
}
# CPU seconds (user + system) the replay server has used so far.
TICKS=$(getconf CLK_TCK 2>/dev/null || echo 100)
server_cpu() {
    awk -v hz="$TICKS" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0
}
# The number after a label in the crawl's summary ("  archived   2000").
field() {
    awk -v k="$2" '$1 == k { print $2; exit }' "$1"
}

RESULTS="$WORK/results.txt"
PHASES="$WORK/phases.txt"
NEEDED="$WORK/needed.txt"
printf '%-26s %8s %8s %7s %8s %8s %8s %8s %7s %8s\n' \
    run wall_s crawl_s pages requests pages/s req/s ideal %ideal rss_MB >"$RESULTS"
printf '%-26s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s\n' \
    run needed ideal_s x_ideal crawl_x apart req/post disc% cpu_s cpu/1k srv_cpu/1k >"$NEEDED"
: >"$PHASES"

# --- 4. crawler runs -----------------------------------------------------------------------
# Phase boundaries come from the archive's file times (no change to the crawler needed): listing
# pages are saved to raw/pages/ as they are read, entry pages to raw/<id>.html, assets to assets/,
# comments to comments/<id>.json; the state database is closed when the crawl ends; posts.jsonl is
# written last by the extract stage that `crawl` runs at its end.
mtimes() { # FIND_ARGS... -> the modification times (epoch seconds) of what `find` lists, sorted
    find "$@" -printf '%T@\n' 2>/dev/null | sort -n
}
phase_report() { # NAME DIR OUTFILE START WALL CONCURRENCY LOAD_BEFORE LOAD_AFTER
    local name=$1 dir=$2 outfile=$3 start=$4 wall=$5 c=$6 load_before=$7 load_after=$8
    local t_home t_list_end n_list t_first t_last t_c1 t_c2 n_comments t_db skipped requests archived assets
    t_home=$(mtimes "$dir/raw/pages" -name 'index.html' | head -1)
    t_list_end=$(mtimes "$dir/raw/pages" -type f | tail -1)
    n_list=$(find "$dir/raw/pages" -type f | wc -l)
    t_first=$(mtimes "$dir/raw" -maxdepth 1 -regex '.*/[0-9]+\.html' | head -1)
    t_last=$( (mtimes "$dir/raw" -maxdepth 1 -regex '.*/[0-9]+\.html'; mtimes "$dir/assets" -type f) | sort -n | tail -1)
    t_c1=$(mtimes "$dir/comments" -type f | head -1)
    t_c2=$(mtimes "$dir/comments" -type f | tail -1)
    n_comments=$(awk '$1 == "comments" { print $2 + $6; exit }' "$outfile")
    t_db=$(mtimes "$dir" -maxdepth 1 -name 'archive.db*' | tail -1)
    skipped=$(grep -c 'listing page skipped' "$outfile" || true)
    requests=$(field "$outfile" requests)
    archived=$(field "$outfile" archived)
    assets=$(awk '$1 == "assets" { print $2 + $4; exit }' "$outfile")
    awk -v name="$name" -v s="$start" -v h="$t_home" -v le="$t_list_end" -v nl="$n_list" \
        -v sk="$skipped" -v f="$t_first" -v l="$t_last" -v ne="$((archived + assets))" \
        -v c1="${t_c1:-0}" -v nc="${n_comments:-0}" -v db="$t_db" -v w="$wall" -v req="$requests" \
        -v c="$c" -v d="$DELAY_MS" -v lb="$load_before" -v la="$load_after" '
    function row(label, a, b, n) {
        dt = b - a
        rate = (dt > 0 && n > 0) ? sprintf("%.1f", n / dt) : "-"
        spread = (n > 0) ? sprintf("%.1f s", n * (d / 1000) / c) : "-"
        printf "  %-42s %7.2f s %6.1f%% %6s %8s %10s\n", label, dt, 100 * dt / w, (n > 0 ? n : "-"), rate, spread
    }
    BEGIN {
        # The id scan past the highest id: the default --scan-margin of 30 misses, probed in batches
        # of `c` ids (src/crawl/pages.rs, scan_past_highest), so ceil(30 / c) * c requests.
        scan = int((30 + c - 1) / c) * c
        # home page: 1 request; listing phase: robots.txt + every listing page but the home page,
        # saved (nl - 1) or answered with an error (sk); what is left before the first entry page
        # is the mobile list, sitemap.xml and /rss (and any extra robots.txt fetches).
        other = req - 1 - (nl + sk) - ne - scan - nc
        printf "%s (wall %.2f s, %d requests, %.0f ms per response; load average %s before, %s after):\n", name, w, req, d, lb, la
        printf "  %-42s %9s %7s %6s %8s %10s\n", "phase", "time", "share", "req", "req/s", "at c=" c
        row("start-up, home page", s, h, 1)
        row("robots.txt + listing pages", h, le, nl + sk)
        row("mobile list, sitemap, rss", le, f, other)
        row("entry pages + their assets", f, l, ne)
        if (c1 > 0) {
            row("id scan past the highest id", l, c1, scan)
            row("comments", c1, db, nc)
        } else {
            row("id scan past the highest id", l, db, scan)
        }
        row("extract stage + exit (no requests)", db, s + w, 0)
        printf "  (at c=%d: the time the phase would take with its requests spread over %d connections)\n", c, c
    }' | tee -a "$PHASES"
}

crawl_run() { # NAME CONCURRENCY [extra crawl flags]
    local name=$1 c=$2 tag
    shift 2
    tag=$(printf '%s' "$name" | tr -cs 'A-Za-z0-9' '_')
    local out="$ARCHIVES/$tag" ideal start rc wall rss crawl_s pages requests load_before load_after
    ideal=$(awk -v c="$c" -v d="$DELAY_MS" 'BEGIN { printf "%.1f", c / (d / 1000) }')
    log "$name (ideal $ideal req/s)"
    rm -rf "$out"
    # Other work on the machine skews the numbers: the 1-minute load average is reported.
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    local server_before server_after log_filter=
    server_before=$(server_cpu)
    [ "$TIMELINE" = 1 ] && log_filter="tistory_migrate=info,tistory_migrate::fetch=trace"
    start=$(date +%s.%N)
    set +e
    env ${log_filter:+RUST_LOG=$log_filter} /usr/bin/time -v -o "$WORK/time-$tag.txt" \
        timeout "$STEP_TIMEOUT" "$BIN" crawl "$BASE" --out "$out" --rate 0 --concurrency "$c" \
        --asset-proxy "$BASE" --no-progress -v "$@" \
        >"$WORK/$tag.out" 2>"$WORK/$tag.log"
    rc=$?
    set -e
    load_after=$(cut -d' ' -f1 /proc/loadavg)
    server_after=$(server_cpu)
    [ "$rc" = 124 ] && log "$name hit the $STEP_TIMEOUT s timeout"
    [ "$rc" != 0 ] && log "$name exited $rc (see $WORK/$tag.log)"
    wall=$(wall_seconds "$WORK/time-$tag.txt")
    rss=$(rss_mb "$WORK/time-$tag.txt")
    crawl_s=$(grep -o ') in [0-9.]* s' "$WORK/$tag.out" | grep -o '[0-9.]*' || echo 0)
    pages=$(field "$WORK/$tag.out" archived)
    requests=$(field "$WORK/$tag.out" requests)
    awk -v name="$name" -v w="$wall" -v cs="$crawl_s" -v p="${pages:-0}" -v r="${requests:-0}" \
        -v i="$ideal" -v m="$rss" 'BEGIN {
        printf "%-26s %8.2f %8.1f %7d %8d %8.1f %8.1f %8.1f %6.1f%% %8s\n",
            name, w, cs, p, r, p / w, r / w, i, 100 * (r / w) / i, m }' | tee -a "$RESULTS" >&2
    # Against the ideal for the requests the archive needs (issue 10): entry pages + assets + comment
    # requests, x latency / concurrency; crawl_x = the same for the crawl phases alone; apart = how
    # much longer the whole command took than the crawl alone (issue 8); CPU seconds per 1,000 pages
    # for the crawler and for the replay server.
    local cpu assets n_comments
    cpu=$(cpu_seconds "$WORK/time-$tag.txt")
    assets=$(awk '$1 == "assets" { print $2 + $4; exit }' "$WORK/$tag.out")
    # Comment lists fetched (a post the list counts no comments for is recorded without a request).
    # (`--no-comments` leaves no comments/ folder: count nothing rather than fail the pipeline.)
    n_comments=$({ find "$out/comments" -type f -name '*.json' 2>/dev/null || true; } | wc -l)
    awk -v name="$name" -v w="$wall" -v cs="$crawl_s" -v p="${pages:-0}" -v r="${requests:-0}" \
        -v a="${assets:-0}" -v nc="${n_comments:-0}" -v c="$c" -v d="$DELAY_MS" -v cpu="$cpu" \
        -v sb="$server_before" -v sa="$server_after" 'BEGIN {
        needed = p + a + nc
        ideal = needed * (d / 1000) / c
        printf "%-26s %8d %8.2f %7.3fx %7.3fx %7.1f%% %8.2f %7.1f%% %8.2f %8.2f %9.2f\n",
            name, needed, ideal, w / ideal, cs / ideal, 100 * (w - cs) / cs, r / p,
            100 * (r - needed) / r, cpu, 1000 * cpu / p, 1000 * (sa - sb) / p }' | tee -a "$NEEDED" >&2
    phase_report "$name" "$out" "$WORK/$tag.out" "$start" "$wall" "$c" "$load_before" "$load_after" >&2 ||
        log "phase breakdown failed for $name"
    if [ "$TIMELINE" = 1 ]; then
        LC_ALL=C sort -s -k1,1 "$WORK/$tag.log" | awk -v c="$c" -f "$ROOT/benches/crawl/timeline.awk" |
            tee -a "$PHASES" >&2
    fi
}

ARCHIVES=${ARCHIVE_DIR:-$WORK}
case "$ARCHIVES" in
    /|"$ROOT"|"$ROOT"/src*|"$ROOT"/tests*|"$ROOT"/fixtures*) die "refusing ARCHIVE_DIR=$ARCHIVES" ;;
esac
mkdir -p "$ARCHIVES"
FIRST=
for c in $CONCURRENCY; do
    crawl_run "crawl c=$c" "$c" --no-comments
    [ -z "$FIRST" ] && FIRST=$c
done
if [ "$COMMENTS" = 1 ] && [ -n "$FIRST" ]; then
    crawl_run "crawl c=$FIRST +comments" "$FIRST"
fi

# --- 5. wget --mirror on the same server ---------------------------------------------------
if [ "$WGET" = 1 ]; then
    log "wget --mirror (one connection; ideal $(awk -v d="$DELAY_MS" 'BEGIN { printf "%.1f", 1 / (d / 1000) }') req/s)"
    set +e
    /usr/bin/time -v -o "$WORK/time-wget.txt" \
        timeout "$STEP_TIMEOUT" wget --mirror --no-parent --no-verbose -P "$WORK/wget" "$BASE" \
        2>"$WORK/wget.log"
    rc=$?
    set -e
    # wget exits 8 when some response was an error status (the replay's 404s for /tag/... links).
    [ "$rc" = 124 ] && log "wget hit the $STEP_TIMEOUT s timeout"
    wall=$(wall_seconds "$WORK/time-wget.txt")
    rss=$(rss_mb "$WORK/time-wget.txt")
    ok=$(grep -c ' URL:' "$WORK/wget.log" || true)
    errors=$(grep -cE 'ERROR [0-9]{3}' "$WORK/wget.log" || true)
    pages=$(find "$WORK/wget" -type f -regex '.*/[0-9]+' | wc -l)
    awk -v w="$wall" -v p="$pages" -v r="$((ok + errors))" -v d="$DELAY_MS" -v m="$rss" 'BEGIN {
        i = 1 / (d / 1000)
        printf "%-26s %8.2f %8s %7d %8d %8.1f %8.1f %8.1f %6.1f%% %8s\n",
            "wget --mirror", w, "-", p, r, p / w, r / w, i, 100 * (r / w) / i, m }' | tee -a "$RESULTS" >&2
    log "wget: $ok responses saved, $errors error responses (404s), $pages entry pages"
fi

# --- 6. the table --------------------------------------------------------------------------
{
    echo
    echo "crawl benchmark: $N posts, $DELAY_MS ms per response, rate limit off, --no-comments (except +comments)"
    echo "tistory-migrate $REV (binary built $BUILT); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "pages = entry pages archived (wget: entry pages saved); req/s = all requests / wall time;"
    echo "ideal = concurrency / latency; wall includes the extract stage that crawl runs at its end."
    echo
    cat "$RESULTS"
    echo
    echo "needed = entry pages + assets + comment requests; ideal_s = needed x latency / concurrency;"
    echo "x_ideal = wall / ideal_s; crawl_x = crawl_s / ideal_s; apart = (wall - crawl_s) / crawl_s;"
    echo "disc% = requests beyond the needed ones (discovery and scan) / requests; cpu/1k = CPU seconds"
    echo "(user + system) per 1,000 entry pages, of the crawler and (srv_) of the replay server."
    echo
    cat "$NEEDED"
    echo
    cat "$PHASES"
    echo "logs, archives and timings: $WORK"
} | tee "$WORK/summary.txt"
