#!/usr/bin/env bash
# Stream benchmark: the arina command (StreamDownload through the DownloadManager)
# against yt-dlp, ffmpeg and aria2c, all on the same HLS streams from
# arina-testserver with 40 ms latency per request:
#  (a) a 120 s 720p clip in 2 s segments, 4 MB/s per connection;
#  (b) 1000 tiny segments (~50 KB each), no rate limit: per-request overhead.
# Each tool gets 8 connections where it has the notion (-N 8, -j8). Arina and yt-dlp end with an
# MP4 (yt-dlp remuxes with ffmpeg), ffmpeg muxes MP4 itself, aria2c fetches the segment list and
# the segments are concatenated into one .ts. Prints a markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$root/build/bench"
"$root/bench/setup" || echo "warning: bench/setup did not finish; building the stream targets only" >&2
cmake -S "$root" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target arina arina-testserver >/dev/null
source "$root/bench/lib.sh"

ARINA="$BUILD/src/cli/arina"
work=$(mktemp -d /var/tmp/arina-stream-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/www/a" "$work/www/b" "$work/out"
FF=(ffmpeg -hide_banner -nostdin -v error -y)

# ---- fixtures
"${FF[@]}" -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 120 \
  -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 4M -maxrate 4M -bufsize 2M \
  -pix_fmt yuv420p -c:a aac -b:a 128k -f hls -hls_time 2 -hls_playlist_type vod \
  -hls_segment_filename "$work/www/a/seg%d.ts" "$work/www/a/index.m3u8"
"${FF[@]}" -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 200 \
  -c:v libx264 -preset ultrafast -g 5 -keyint_min 5 -sc_threshold 0 -b:v 1900k -maxrate 1900k -bufsize 400k \
  -pix_fmt yuv420p -c:a aac -b:a 64k -f hls -hls_time 0.2 -hls_playlist_type vod \
  -hls_segment_filename "$work/www/b/s%d.ts" "$work/www/b/index.m3u8"
payload() { cat "$1"/*.ts | wc -c; }
count() { ls "$1"/*.ts | wc -l; }

# run_case NAME DIR RESULTS: every tool once on http://127.0.0.1:$TS_PORT/NAME/index.m3u8
run_case() {
  local name=$1 dir=$2
  local url="http://127.0.0.1:$TS_PORT/$name/index.m3u8"
  local o="$work/out"
  rm -rf "${o:?}"/*
  measure "arina-N8" "$o/arina.mp4" "$ARINA" -q -N 8 -P "$o" -o arina.mp4 "$url"
  measure "yt-dlp-N8" "$o/ytdlp.mp4" yt-dlp -q --no-warnings -N 8 --hls-prefer-native --no-part \
    --no-cache-dir -o "$o/ytdlp.mp4" "$url"
  measure "ffmpeg" "$o/ffmpeg.mp4" "${FF[@]}" -i "$url" -c copy "$o/ffmpeg.mp4"
  # aria2c: the segment URLs of the playlist, 8 at a time, then one file.
  grep -v '^#' "$dir/index.m3u8" | sed "s|^|http://127.0.0.1:$TS_PORT/$name/|" >"$work/list.txt"
  mkdir -p "$o/aria"
  measure "aria2c-j8" "$o/aria2c.ts" bash -c "aria2c -q -j8 -x1 --allow-overwrite=true -d '$o/aria' -i '$work/list.txt' &&
    grep -v '^#' '$dir/index.m3u8' | sed 's|^|$o/aria/|' | xargs cat >'$o/aria2c.ts'"
  for f in arina.mp4 ytdlp.mp4 ffmpeg.mp4 aria2c.ts; do
    d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$o/$f" 2>/dev/null || echo 0)
    echo "$f ${d:-0}" >>"$RESULTS.durations"
  done
}

start_testserver "$work/port" --root "$work/www" --latency-ms 40 --rate 4000000
RESULTS="$work/a.txt"; : >"$RESULTS"; : >"$RESULTS.durations"
run_case a "$work/www/a"
stop_pid "$TS_PID"

start_testserver "$work/port" --root "$work/www" --latency-ms 40
RESULTS="$work/b.txt"; : >"$RESULTS"; : >"$RESULTS.durations"
run_case b "$work/www/b"
stop_pid "$TS_PID"

python3 "$root/bench/report_stream.py" \
  "$work/a.txt" "$(payload "$work/www/a")" "$(count "$work/www/a")" 120 \
  "$work/b.txt" "$(payload "$work/www/b")" "$(count "$work/www/b")" 200
