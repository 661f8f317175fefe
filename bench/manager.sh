#!/usr/bin/env bash
# Task-pool benchmark: 100 queued 8 MiB files from arina-testserver (20 ms latency per
# request, 4 MB/s per connection), Arina's manager against aria2c -j4 -x4 -i list.
# Reports total time against the ideal for the connection budget, peak RSS and the
# peak thread count. Pass --write to append the table to docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$root/build/bench"
"$root/bench/setup"
source "$root/bench/lib.sh"

FILES=${FILES:-100}
SIZE_MIB=${SIZE_MIB:-8}
RATE=4000000
work=$(mktemp -d /var/tmp/arina-bench-mgr.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/out"
for i in $(seq "$FILES"); do head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$work/www/f$i.bin"; done
start_testserver "$work/port" --root "$work/www" --latency-ms 20 --rate "$RATE"
for i in $(seq "$FILES"); do echo "http://127.0.0.1:$TS_PORT/f$i.bin"; done >"$work/list.txt"
ARINA="$BUILD/src/cli/arina"
RESULTS="$work/results.txt"
: >"$RESULTS"

# run NAME CONNECTIONS CMD... : wall, CPU, peak RSS (GNU time) and peak threads (sampled).
run() {
  local name=$1 conns=$2
  shift 2
  rm -rf "$work/out" && mkdir -p "$work/out"
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >/dev/null 2>&1 &
  local tpid=$! peak_threads=0 child=""
  while kill -0 "$tpid" 2>/dev/null; do
    [[ -z $child ]] && child=$(pgrep -P "$tpid" | head -1 || true)
    if [[ -n $child && -r /proc/$child/status ]]; then
      local n
      n=$(awk '/^Threads:/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
      ((n > peak_threads)) && peak_threads=$n
    fi
    sleep 0.2
  done
  wait "$tpid" || echo "warning: $name exited non-zero" >&2
  local bytes
  bytes=$(find "$work/out" -name 'f*.bin' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  echo "$name $conns $(cat "$t") $peak_threads $bytes" >>"$RESULTS"
  rm -f "$t"
}

run "arina-w4-N4-budget8" 8 "$ARINA" -q -a "$work/list.txt" -P "$work/out" --max-workers 4 -N 4
run "arina-w4-N4-budget16" 16 "$ARINA" -q -a "$work/list.txt" -P "$work/out" --max-workers 4 -N 4 --max-connections-per-host 16
run "aria2c-j4-x4" 16 aria2c -q -j4 -x4 -s4 -k1M --allow-overwrite=true -d "$work/out" -i "$work/list.txt"
stop_pid "$TS_PID"

python3 - "$RESULTS" "$FILES" "$SIZE_MIB" "$RATE" ${1:+"$1"} "$root/docs/benchmarks.md" <<'PY'
import sys
path, files, size_mib, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
write = len(sys.argv) > 6 and sys.argv[5] == "--write"
total = files * size_mib * 1024 * 1024
rows = [l.split() for l in open(path)]
aria = {int(r[1]): float(r[2]) for r in rows if r[0].startswith("aria2c")}
out = [f"### {files} queued {size_mib} MiB files: 20 ms latency per request, 4 MB/s per connection\n",
       "| tool | connections | wall s | ideal s | wall / ideal | vs aria2c (time) | CPU s | peak RSS MiB | peak threads | complete |",
       "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
for name, conns, wall, user, sys_, rss, threads, size in rows:
    conns, wall = int(conns), float(wall)
    ideal = total / (conns * rate)
    vs = f"{wall / aria[16]:.2f}" if 16 in aria else ""
    ok = "yes" if int(size) == total else f"NO ({size} bytes)"
    out.append(f"| {name} | {conns} | {wall:.1f} | {ideal:.1f} | {wall / ideal:.2f} | {vs} | {float(user) + float(sys_):.2f} | {int(rss) / 1024:.1f} | {threads} | {ok} |")
text = "\n".join(out) + "\n"
print(text)
if write:
    with open(sys.argv[6], "a") as f:
        f.write("\n## Task pool\n\n" + text)
PY
