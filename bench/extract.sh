#!/usr/bin/env bash
# From a page URL to the media, on loopback: what finding the video on a web page costs.
#  - native: `arina PAGE` (a <video> page, and an og:video page naming an HLS playlist) against
#    `arina MEDIA` (the same media URL given directly); the difference of the medians is the
#    extraction's cost (target: at most 50 ms);
#  - yt-dlp: `yt-dlp --dump-single-json PAGE` (extraction only) and `yt-dlp PAGE` (yt-dlp's own
#    extraction and download of the same page), for scale;
#  - a 50-entry playlist page end to end: `arina PAGE` against `yt-dlp -N 4 PAGE` (below).
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

# median NAME CMD... : RUNS runs of CMD (output dir emptied before each), prints the median wall
# seconds. With EXPECT_FILES=N set, warns when a run left other than N .mp4 files.
median() {
  local name=$1 runs=${MEDIAN_RUNS:-$RUNS}
  shift
  local times=()
  for _ in $(seq "$runs"); do
    rm -rf "${work:?}/out" && mkdir -p "$work/out"
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || echo "warning: $name exited non-zero" >&2
    e=$(date +%s.%N)
    if [[ -n ${EXPECT_FILES:-} ]]; then
      local n
      n=$(find "$work/out" -name '*.mp4' -type f | wc -l)
      [[ $n -eq $EXPECT_FILES ]] || echo "warning: $name left $n of $EXPECT_FILES files" >&2
    fi
    times+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.3f\n", $1 }'
}

direct=$(median direct "$ARINA" -q -P "$work/out" "$base/media/clip.mp4")
page=$(median page "$ARINA" -q -P "$work/out" "$base/news.html")
manifest=$(median manifest "$ARINA" -q -P "$work/out" "$base/hls/index.m3u8")
ogpage=$(median ogpage "$ARINA" -q -P "$work/out" "$base/show.html")
ytdlp_json=$(median ytdlp-json yt-dlp --ignore-config --no-warnings --dump-single-json "$base/news.html")
ytdlp_dl=$(median ytdlp-download yt-dlp --ignore-config --no-warnings -q -P "$work/out" "$base/news.html")

# A 50-entry playlist end to end: a page with 50 <video> elements (each its own 2-second clip),
# from a second server with 20 ms latency per request and 4 MB/s per connection (a CDN-like
# origin): `arina PAGE` (one task per entry, 4 at once) against `yt-dlp -N 4 PAGE`. PL_RUNS runs
# each (default 3); every run must leave all 50 files.
PL_RUNS=${PL_RUNS:-3}
mkdir -p "$work/pl/media"
for i in $(seq 50); do cp "$work/www/media/clip.mp4" "$work/pl/media/ep$i.mp4"; done
{
  echo '<!doctype html><html><head><title>Loopback Show</title></head><body>'
  for i in $(seq 50); do echo "<h2>Episode $i</h2><video controls><source src=\"/media/ep$i.mp4\" type=\"video/mp4\"></video>"; done
  echo '</body></html>'
} >"$work/pl/show.html"
main_pid=$TS_PID
start_testserver "$work/pl-port" --root "$work/pl" --latency-ms 20 --rate 4000000
pl_pid=$TS_PID
TS_PID=$main_pid
trap 'stop_pid "${TS_PID:-}"; stop_pid "$pl_pid"; rm -rf "$work"' EXIT
show="http://127.0.0.1:$(cat "$work/pl-port")/show.html"
pl_arina=$(MEDIAN_RUNS=$PL_RUNS EXPECT_FILES=50 median arina-playlist "$ARINA" -q -P "$work/out" "$show")
pl_ytdlp=$(MEDIAN_RUNS=$PL_RUNS EXPECT_FILES=50 median ytdlp-playlist yt-dlp --ignore-config --no-warnings -q -N 4 -P "$work/out" "$show")

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
echo
echo "### A 50-entry playlist page (50 <video> clips of 190 KiB), 20 ms latency and 4 MB/s per connection, $PL_RUNS runs each (medians)"
echo
echo "| command | wall s | vs yt-dlp |"
echo "| --- | ---: | ---: |"
echo "| \`arina PAGE\` (4 tasks at once) | $(printf '%.2f' "$pl_arina") | $(echo "$pl_arina / $pl_ytdlp" | bc -l | xargs printf '%.2fx') |"
echo "| \`yt-dlp -N 4 PAGE\` | $(printf '%.2f' "$pl_ytdlp") | 1.00x |"
