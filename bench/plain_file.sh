#!/usr/bin/env bash
# Plain-file benchmark: Arina against curl and aria2c on the same 256 MiB file.
#  (a) nginx on loopback (sendfile, no shaping): wall time, CPU s/GiB, peak RSS;
#  (b) arina-testserver with 20 ms latency per request and 4 MB/s per connection:
#      throughput against the ceiling N x 4 MB/s.
# Prints a markdown table; pass --write to also update docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$root/build/bench"
"$root/bench/setup"
source "$root/bench/lib.sh"

SIZE_MIB=${SIZE_MIB:-256}
REPS=${REPS:-3}
work=$(mktemp -d /var/tmp/arina-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/out" "$work/nginx"
chmod 755 "$work" "$work/www"  # nginx's workers drop root and must read the files
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$work/www/file.bin"
chmod 644 "$work/www/file.bin"
ARINA="$BUILD/src/cli/arina"

# ---- (a) nginx, unshaped
cat >"$work/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; keepalive_requests 10000;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:0; root $work/www; } }
CONF
# nginx cannot report an ephemeral port: pick a free one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/127.0.0.1:0/127.0.0.1:$port/" "$work/nginx/nginx.conf"
nginx -c "$work/nginx/nginx.conf" &
NGINX_PID=$!
sleep 0.5
url="http://127.0.0.1:$port/file.bin"
RESULTS="$work/a.txt"
: >"$RESULTS"
for rep in $(seq "$REPS"); do
  measure "arina-N4" "$work/out/a1" "$ARINA" -q -P "$work/out" -o a1 "$url"
  measure "arina-N16" "$work/out/a2" "$ARINA" -q -N 16 -P "$work/out" -o a2 "$url"
  measure "curl" "$work/out/c" curl -sS -o "$work/out/c" "$url"
  measure "aria2c-x16" "$work/out/r1" aria2c -q -x16 -s16 -k1M --allow-overwrite=true --auto-file-renaming=false -d "$work/out" -o r1 "$url"
  measure "aria2c-x4" "$work/out/r2" aria2c -q -x4 -s4 -k1M --allow-overwrite=true --auto-file-renaming=false -d "$work/out" -o r2 "$url"
  rm -f "$work/out"/*
done
stop_pid "$NGINX_PID"

# ---- (b) shaped test server
start_testserver "$work/port" --file "$work/www/file.bin" --latency-ms 20 --rate 4000000
url="http://127.0.0.1:$TS_PORT/file.bin"
RESULTS="$work/b.txt"
: >"$RESULTS"
measure "arina-N8" "$work/out/a" "$ARINA" -q -N 8 -P "$work/out" -o a "$url"
measure "aria2c-x8" "$work/out/r8" aria2c -q -x8 -s8 -k1M --allow-overwrite=true -d "$work/out" -o r8 "$url"
measure "aria2c-x16" "$work/out/r16" aria2c -q -x16 -s16 -k1M --allow-overwrite=true -d "$work/out" -o r16 "$url"
measure "arina-N16" "$work/out/a16" "$ARINA" -q -N 16 -P "$work/out" -o a16 "$url"
if [[ ${SKIP_SLOW_CURL:-0} != 1 ]]; then
  measure "curl" "$work/out/c" curl -sS -o "$work/out/c" "$url"
fi
stop_pid "$TS_PID"

python3 "$root/bench/report_plain.py" "$work/a.txt" "$work/b.txt" "$SIZE_MIB" ${1:+"$1"} "$root/docs/benchmarks.md"
