#!/usr/bin/env bash
# Stragglers benchmark (issue 12): 64 MiB from arina-testserver with 40 ms latency per request and
# 4 MB/s per connection, but every 4th connection (in accept order) at a tenth of that; 16
# connections. Arina (which splits the tail and hedges what a slow connection holds back) against
# aria2c -x16 -s16 in the same run; REPS runs each, medians. Arina's JSON progress gives the bytes it
# received twice (hedged requests). Prints a markdown table, and the machine's load average
# before and after (the machine is shared: figures drift with it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${BUILD:-$root/build/bench}  # an optimised build (bench/setup); another one: say so
[[ ${SKIP_SETUP:-0} == 1 ]] || "$root/bench/setup"
source "$root/bench/lib.sh"

SIZE_MIB=${SIZE_MIB:-64}
REPS=${REPS:-3}
RATE=4000000
SLOW_RATE=400000
work=$(mktemp -d /var/tmp/arina-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/out"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$work/www/file.bin"
ARINA="$BUILD/src/cli/arina"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

start_testserver "$work/port" --file "$work/www/file.bin" --latency-ms 40 --rate "$RATE" \
  --slow-every 4 --slow-rate "$SLOW_RATE"
url="http://127.0.0.1:$TS_PORT/file.bin"
RESULTS="$work/runs.txt"
: >"$RESULTS"
: >"$work/duplicated.txt"
for rep in $(seq "$REPS"); do
  # A fresh server connection count for each tool would change which connections are slow: the
  # server counts connections over its whole life, so each run meets every 4th of its own anyway.
  measure "arina-N16" "$work/out/a" "$ARINA" -q -N 16 -P "$work/out" -o a "$url"
  # The same run once more with its JSON kept, for the duplicated bytes (not timed).
  "$ARINA" -N 16 --progress json -P "$work/out" -o j "$url" \
    | grep '"event":"finished"' | sed 's/.*"duplicated_bytes":\([0-9]*\).*/\1/' >>"$work/duplicated.txt"
  measure "aria2c-x16" "$work/out/r" aria2c -q -x16 -s16 -k1M --allow-overwrite=true \
    --auto-file-renaming=false -d "$work/out" -o r "$url"
  rm -f "$work/out"/*
done
stop_pid "$TS_PID"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$RESULTS" "$work/duplicated.txt" "$SIZE_MIB" "$load_before" "$load_after" <<'PY'
import statistics, sys
runs, dup_path, size_mib, before, after = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
walls, cpu, rss, ok = {}, {}, {}, {}
for line in open(runs):
    name, wall, user, sys_, kib, size = line.split()
    walls.setdefault(name, []).append(float(wall))
    cpu.setdefault(name, []).append(float(user) + float(sys_))
    rss.setdefault(name, []).append(int(kib) / 1024)
    ok[name] = ok.get(name, True) and int(size) == size_mib * 1024 * 1024
dups = [int(x) for x in open(dup_path).read().split() if x]
ref = statistics.median(walls["aria2c-x16"])
print(f"| tool | wall s (median of {len(walls['arina-N16'])}) | min | max | vs aria2c -x16 | CPU s | peak RSS MiB | complete |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for name in ("arina-N16", "aria2c-x16"):
    w = walls[name]
    m = statistics.median(w)
    print(f"| {name} | {m:.2f} | {min(w):.2f} | {max(w):.2f} | {m / ref:.2f} | {statistics.median(cpu[name]):.2f} "
          f"| {statistics.median(rss[name]):.1f} | {'yes' if ok[name] else 'NO'} |")
if dups:
    share = [100 * d / (size_mib * 1024 * 1024) for d in dups]
    print(f"\narina received twice (hedged requests): median {statistics.median(share):.2f} % of the file, "
          f"max {max(share):.2f} % ({len(dups)} runs)")
print(f"\nload average before: {before}; after: {after}")
PY
