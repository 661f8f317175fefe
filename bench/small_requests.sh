#!/usr/bin/env bash
# Per-request latency on reused connections: an HLS stream of 1000 tiny segments (~0.1 s of AAC
# audio each, ~1.5 KB) from arina-testserver, no shaping, fetched 4 at a time by Arina (-N 4),
# aria2c (-j4, the segment list) and curl (--parallel-max 4, the segment list), first from a
# server that answers with TCP_NODELAY (the ideal), then with Nagle's algorithm on (--nagle: head
# and body in separate writes, as Python's http.server answers). Against the latter every request
# on a reused connection waits for the ACK of its head: a client in delayed-ACK mode pays ~40 ms.
# "ms/request" is wall time x 4 / segments: the time one of the 4 connections spends per request.
# Prints a markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$root/build/bench"
"$root/bench/setup" || echo "warning: bench/setup did not finish; building the two targets only" >&2
cmake -S "$root" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target arina arina-testserver >/dev/null
source "$root/bench/lib.sh"

ARINA="$BUILD/src/cli/arina"
SEGMENTS=${SEGMENTS:-1000}
work=$(mktemp -d /var/tmp/arina-requests-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/www/s" "$work/out"
ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -t "$((SEGMENTS / 10))" -c:a aac -b:a 48k -f hls -hls_time 0.1 -hls_playlist_type vod \
  -hls_segment_filename "$work/www/s/s%d.ts" "$work/www/s/index.m3u8"
count=$(ls "$work/www/s"/*.ts | wc -l)
payload=$(cat "$work/www/s"/*.ts | wc -c)

run_case() {
  local label=$1
  local url="http://127.0.0.1:$TS_PORT/s/index.m3u8" o="$work/out"
  rm -rf "${o:?}"/*
  grep -v '^#' "$work/www/s/index.m3u8" | sed "s|^|http://127.0.0.1:$TS_PORT/s/|" >"$work/list.txt"
  sed 's|.*|url = "&"|' "$work/list.txt" >"$work/curl.cfg"
  measure "arina-N4 $label" "$o/arina.mp4" "$ARINA" -q -N 4 -P "$o" -o arina.mp4 "$url"
  mkdir -p "$o/aria"
  measure "aria2c-j4 $label" "$o/aria/s0.ts" \
    aria2c -q -j4 -x1 --allow-overwrite=true -d "$o/aria" -i "$work/list.txt"
  mkdir -p "$o/curl"
  measure "curl-parallel4 $label" "$o/curl/s0.ts" curl -sS --parallel --parallel-max 4 --remote-name-all \
    --output-dir "$o/curl" -K "$work/curl.cfg"
  d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$o/arina.mp4" 2>/dev/null || echo 0)
  echo "arina-N4 $label duration ${d:-0}" >>"$RESULTS.durations"
}

RESULTS="$work/results.txt"
: >"$RESULTS"
: >"$RESULTS.durations"
start_testserver "$work/port" --root "$work/www"
run_case nodelay
stop_pid "$TS_PID"
start_testserver "$work/port" --root "$work/www" --nagle
run_case nagle
stop_pid "$TS_PID"

echo "### $count segments of ~$((payload / count)) bytes, 4 connections, loopback, no shaping"
echo
echo "| tool | server | wall s | ms/request | CPU s | peak RSS MiB |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
while read -r name label wall user sys rss _; do
  awk -v n="$name" -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v c="$count" \
    'BEGIN { printf "| %s | %s | %.2f | %.2f | %.2f | %.1f |\n", n, l, w, w * 4000 / c, u + s, r / 1024 }'
done <"$RESULTS"
echo
sed 's/^/Arina output: /' "$RESULTS.durations"
