#!/usr/bin/env bash
# WARC benchmark (issue 12): what `--warc` costs and what rebuilding from a WARC costs, on a
# generated N-post blog replayed on 127.0.0.1 (no latency, rate limit off, comments off).
# Reports wall time and peak memory of: migrate without --warc, migrate with --warc, migrate from
# the WARC folder; the WARC's size against the archive's; and `warcio check` time when available.
# Every request goes to 127.0.0.1 only.
#
# Settings (environment variables):
#   N=500              posts in the generated blog
#   PROFILE=release    which build to use (debug = no build wait, slower numbers)
#   BUILD=1            build first (0 = use the binaries already in target/$PROFILE)
#   WORK=/tmp/tistory-warc-bench   where the blog, archives and results go (replaced)
#   WARCIO=warcio      the warcio command (skipped when absent)
set -euo pipefail

N=${N:-500}
PROFILE=${PROFILE:-release}
BUILD=${BUILD:-1}
WORK=${WORK:-/tmp/tistory-warc-bench}
WARCIO=${WARCIO:-warcio}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export NO_COLOR=1 LC_ALL=C

log() { printf '[warc-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
case "$WORK" in
    /|"$ROOT"|"$ROOT"/src*|"$ROOT"/tests*|"$ROOT"/fixtures*) log "refusing WORK=$WORK"; exit 1 ;;
esac
mkdir -p "$WORK"
rm -rf "$WORK/blog" "$WORK/plain" "$WORK/warc" "$WORK/rebuilt" "$WORK/bin" "$WORK"/time-*.txt "$WORK/results.txt"
mkdir -p "$WORK/bin"

flag=""; [ "$PROFILE" = release ] && flag="--release"
if [ "$BUILD" = 1 ]; then
    log "building $PROFILE (tistory-migrate, example gen_blog)"
    (cd "$ROOT" && cargo build $flag --bin tistory-migrate --example gen_blog)
fi
cp "$ROOT/target/$PROFILE/tistory-migrate" "$WORK/bin/"
cp "$ROOT/target/$PROFILE/examples/gen_blog" "$WORK/bin/"
BIN="$WORK/bin/tistory-migrate"

log "generating a $N-post blog"
"$WORK/bin/gen_blog" "$WORK/blog" "$N" >&2

run() { # name, args...
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time-$name.txt" "$BIN" --no-progress "$@" >/dev/null 2>&1 || true
    read -r secs kb < "$WORK/time-$name.txt"
    printf '%-22s %8.2f s %8d KB peak\n' "$name" "$secs" "$kb" | tee -a "$WORK/results.txt"
}

run "migrate" migrate "$WORK/blog" --no-comments --out "$WORK/plain"
run "migrate --warc" migrate "$WORK/blog" --no-comments --warc --out "$WORK/warc"
run "migrate <warc folder>" migrate "$WORK/warc/warc" --no-comments --out "$WORK/rebuilt"

size() { du -sk "$1" | cut -f1; }
archive_kb=$(( $(size "$WORK/warc") - $(size "$WORK/warc/warc") ))
printf 'archive %d KB (without warc/), warc/ %d KB, index %d lines\n' \
    "$archive_kb" "$(size "$WORK/warc/warc")" "$(wc -l < "$WORK/warc/warc/index.cdxj")" | tee -a "$WORK/results.txt"
if cmp -s "$WORK/plain/posts.jsonl" "$WORK/rebuilt/posts.jsonl"; then
    echo "posts.jsonl rebuilt from the WARC: identical" | tee -a "$WORK/results.txt"
else
    echo "posts.jsonl rebuilt from the WARC: DIFFERS" | tee -a "$WORK/results.txt"
fi
if command -v "$WARCIO" >/dev/null; then
    start=$(date +%s.%N)
    "$WARCIO" check "$WORK"/warc/warc/*.warc.gz && ok=pass || ok=FAIL
    printf 'warcio check %s in %.2f s\n' "$ok" "$(echo "$(date +%s.%N) - $start" | bc)" | tee -a "$WORK/results.txt"
fi
