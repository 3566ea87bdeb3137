# Requests in flight over a crawl, from its trace log (`RUST_LOG=...,tistory_migrate::fetch=trace`):
# every attempt logs `request sent url=...` when it takes a request slot and `request done url=...`
# when its answer is in (src/fetch/mod.rs). Reads the log sorted by time; prints how long the crawl
# had 0, 1, ... c requests in flight, the slot time left idle, and the longest stretches with fewer
# than c in flight (the critical path: what the crawl waited on).
#
#   sort -k1,1 crawl.log | awk -v c=8 -f timeline.awk
#
# c = the concurrency; gap_ms = the shortest stretch listed (default 40 ms).

function seconds(stamp,    hms, n, p) { # 2026-12-01T11:26:44.678226Z -> seconds since midnight
    hms = substr(stamp, 12, 15)
    n = split(hms, p, ":")
    return p[1] * 3600 + p[2] * 60 + p[3]
}
function kind(url) {
    if (url ~ /_replay\/asset/) return "asset"
    if (url ~ /\/m\/api\/[0-9]+\/comment/) return "comments"
    if (url ~ /\/m\/api\//) return "mobile list"
    if (url ~ /:[0-9]+\/[0-9]+$/ || url ~ /\.com\/[0-9]+$/) return "entry page"
    if (url ~ /robots\.txt/) return "robots.txt"
    if (url ~ /sitemap/) return "sitemap"
    if (url ~ /\/rss/) return "rss"
    return "other"
}
function close_window(t,    len) {
    len = t - w_start
    if (len * 1000 >= gap_ms) {
        nw++
        w_len[nw] = len
        w_at[nw] = w_start - first
        w_mean[nw] = w_sum / len
        w_kinds[nw] = w_started
    }
    in_window = 0
}
BEGIN { if (gap_ms == "") gap_ms = 40; n = 0; first = -1; nw = 0; in_window = 0 }
/ TRACE request (sent|done) / {
    t = seconds($1)
    url = $0; sub(/.* url=/, "", url); sub(/ .*/, "", url)
    if (first < 0) { first = t; prev = t }
    dt = t - prev
    if (dt > 0) {
        at[n] += dt
        if (n < c) idle += (c - n) * dt
        if (in_window) w_sum += n * dt
    }
    prev = t
    if ($0 ~ / request sent /) {
        n++
        started[kind(url)]++
        if (in_window) { k = kind(url); if (index(w_started, k) == 0) w_started = w_started (w_started == "" ? "" : ", ") k }
    } else if (n > 0) {
        n--
    }
    if (n < c && !in_window) { in_window = 1; w_start = t; w_sum = 0; w_started = "" }
    else if (n >= c && in_window) close_window(t)
    last = t
}
END {
    if (first < 0) { print "  (no request events in the log: was it run with the fetch trace on?)"; exit }
    span = last - first
    printf "  requests in flight, first request to last answer (%.2f s):\n", span
    for (i = 0; i <= c; i++) {
        if (at[i] > 0) printf "    %2d in flight %8.2f s %6.1f%%\n", i, at[i], 100 * at[i] / span
    }
    printf "    idle request slots: %.2f slot-seconds = %.2f s of the %d-wide pipe (%.1f%% of the span)\n", idle, idle / c, c, 100 * idle / c / span
    printf "  requests sent by kind:"
    for (k in started) printf " %s %d;", k, started[k]
    printf "\n"
    if (in_window) close_window(last)
    # the longest stretches with fewer than c in flight
    printf "  longest stretches with fewer than %d in flight (at = seconds after the first request):\n", c
    for (shown = 0; shown < 8; shown++) {
        best = 0
        for (i = 1; i <= nw; i++) if (!used[i] && (best == 0 || w_len[i] > w_len[best])) best = i
        if (best == 0) break
        used[best] = 1
        printf "    at %7.2f s: %6.0f ms, %.1f in flight on average; sent meanwhile: %s\n", w_at[best], w_len[best] * 1000, w_mean[best], (w_kinds[best] == "" ? "nothing" : w_kinds[best])
    }
}
