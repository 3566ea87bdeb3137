#!/usr/bin/env bash
# Issue 8: what parsing each saved page once saves. One parse (migrate <folder>: the crawl takes
# the loader's extractions) against two (serve <folder> in its own process, then crawl + bundle +
# verify of its URL: the loader's parse and the crawl's), same binary, same generated blog,
# everything on 127.0.0.1. Prints wall time, CPU time (user + system) and peak memory of each.
#
#   cargo build --release --bin tistory-migrate --example gen_blog
#   N=2000 benches/replay/one_parse.sh      # WORK=/tmp/tistory-one-parse by default (replaced)
#
# Settings: N posts, BIN and GEN (the binaries; default target/release/...), WORK.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
W=${WORK:-/tmp/tistory-one-parse}
BIN=${BIN:-$ROOT/target/release/tistory-migrate}
GEN=${GEN:-$ROOT/target/release/examples/gen_blog}
N=${N:-2000}
case "$W" in
    /|"$ROOT"|"$ROOT"/*) echo "refusing WORK=$W" >&2; exit 1 ;;
esac
mkdir -p "$W"
cd "$W"
rm -rf blog A B serve.out serve.err time-*.txt A.out A.err B.out B.err
"$GEN" blog "$N" >/dev/null 2>&1
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss() { awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$1"; }
# A: one process, one parse per page.
/usr/bin/time -v -o time-A.txt "$BIN" migrate blog --out A --rate 0 --concurrency 8 --no-comments --no-progress >A.out 2>A.err || true
# B: the replay in its own process (it parses every page while loading), then the same stages.
start=$(date +%s.%N)
/usr/bin/time -v -o time-serve.txt "$BIN" serve blog --port 0 >serve.out 2>serve.err &
SP=$!
for _ in $(seq 1 600); do
  PORT=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' serve.out 2>/dev/null | head -1 | sed 's|.*:\([0-9]*\)/|\1|' || true)
  [ -n "$PORT" ] && break; sleep 0.1
done
BASE="http://127.0.0.1:$PORT/"
/usr/bin/time -v -o time-crawl.txt "$BIN" crawl "$BASE" --out B --rate 0 --concurrency 8 --no-comments --asset-proxy "$BASE" --no-progress >B.out 2>B.err || true
SERVER_CHILD=$(pgrep -P $SP || true)
[ -n "$SERVER_CHILD" ] && kill -INT $SERVER_CHILD || true
wait $SP || true
/usr/bin/time -v -o time-bundle.txt "$BIN" bundle B >/dev/null 2>&1 || true
/usr/bin/time -v -o time-verify.txt "$BIN" verify B >/dev/null 2>&1 || true
end=$(date +%s.%N)
echo "N=$N posts"
echo "A migrate <folder>: wall $(wall time-A.txt) s, cpu $(cpu time-A.txt) s, peak rss $(rss time-A.txt) MB"
bcpu=$(echo "$(cpu time-serve.txt) + $(cpu time-crawl.txt) + $(cpu time-bundle.txt) + $(cpu time-verify.txt)" | bc)
echo "B serve + crawl + bundle + verify: wall $(echo "$end - $start" | bc) s, cpu $bcpu s (serve $(cpu time-serve.txt), crawl $(cpu time-crawl.txt)), peak rss serve $(rss time-serve.txt) MB, crawl $(rss time-crawl.txt) MB"
grep -c . A/posts.jsonl B/posts.jsonl
