#!/usr/bin/env bash
# From a page URL to the media, on loopback: what finding the video on a web page costs.
#  - native: `arina PAGE` (a <video> page, and an og:video page naming an HLS playlist) against
#    `arina MEDIA` (the same media URL given directly); the difference of the medians is the
#    extraction's cost (target: at most 50 ms);
#  - yt-dlp: `yt-dlp --dump-single-json PAGE` (extraction only) and `yt-dlp PAGE` (yt-dlp's own
#    extraction and download of the same page), for scale.
# RUNS runs each (default 11), medians of wall time. Prints a markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$root/build/bench}"
if [[ ! -x $BUILD/src/cli/arina ]]; then
  "$root/bench/setup" || echo "warning: bench/setup did not finish; building the two targets only" >&2
  cmake -S "$root" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target arina arina-testserver >/dev/null
fi
source "$root/bench/lib.sh"
ARINA="$BUILD/src/cli/arina"
RUNS=${RUNS:-11}
work=$(mktemp -d /var/tmp/arina-extract-bench.XXXXXX)
trap 'stop_pid "${TS_PID:-}"; rm -rf "$work"' EXIT
mkdir -p "$work/www/media" "$work/www/hls" "$work/out"
ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi \
  -i sine=frequency=440 -t 2 -c:v libx264 -preset ultrafast -c:a aac -movflags +faststart "$work/www/media/clip.mp4"
ffmpeg -hide_banner -nostdin -v error -y -i "$work/www/media/clip.mp4" -c copy -f hls -hls_time 1 \
  -hls_playlist_type vod "$work/www/hls/index.m3u8"
cat >"$work/www/news.html" <<'HTML'
<!doctype html><html><head><title>Evening News</title><meta property="og:title" content="Evening News"></head>
<body><article><h1>Evening News</h1><video controls><source src="/media/clip.mp4" type="video/mp4"></video></article></body></html>
HTML
cat >"$work/www/show.html" <<'HTML'
<!doctype html><html><head><title>Episode 7</title><meta property="og:video" content="/hls/index.m3u8"></head><body></body></html>
HTML
start_testserver "$work/port" --root "$work/www"
base="http://127.0.0.1:$TS_PORT"

# median NAME CMD... : RUNS runs of CMD (output dir emptied before each), prints the median wall seconds.
median() {
  local name=$1
  shift
  local times=()
  for _ in $(seq "$RUNS"); do
    rm -rf "${work:?}/out" && mkdir -p "$work/out"
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || echo "warning: $name exited non-zero" >&2
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { printf "%.3f\n", $1 }'
}

direct=$(median direct "$ARINA" -q -P "$work/out" "$base/media/clip.mp4")
page=$(median page "$ARINA" -q -P "$work/out" "$base/news.html")
manifest=$(median manifest "$ARINA" -q -P "$work/out" "$base/hls/index.m3u8")
ogpage=$(median ogpage "$ARINA" -q -P "$work/out" "$base/show.html")
ytdlp_json=$(median ytdlp-json yt-dlp --ignore-config --no-warnings --dump-single-json "$base/news.html")
ytdlp_dl=$(median ytdlp-download yt-dlp --ignore-config --no-warnings -q -P "$work/out" "$base/news.html")

ms() { echo "($1) * 1000" | bc -l | xargs printf '%.0f'; }
echo "### From page to media, loopback, $RUNS runs each (medians)"
echo
echo "| what | command | wall ms | extraction cost ms |"
echo "| --- | --- | ---: | ---: |"
echo "| media URL | \`arina MEDIA\` | $(ms "$direct") | - |"
echo "| <video> page | \`arina PAGE\` | $(ms "$page") | $(ms "$page - $direct") |"
echo "| HLS playlist URL | \`arina M3U8\` | $(ms "$manifest") | - |"
echo "| og:video page naming the playlist | \`arina PAGE\` | $(ms "$ogpage") | $(ms "$ogpage - $manifest") |"
echo "| <video> page | \`yt-dlp --dump-single-json PAGE\` (extraction only) | $(ms "$ytdlp_json") | $(ms "$ytdlp_json") |"
echo "| <video> page | \`yt-dlp PAGE\` (its own extraction and download) | $(ms "$ytdlp_dl") | - |"
