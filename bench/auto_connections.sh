#!/usr/bin/env bash
# -N auto benchmark: how close the automatic connection count comes to the best fixed count, and
# what it does where more connections do not help or are refused. arina-testserver, 20 ms latency
# per request, a fresh server per run (its summary gives the connections it saw):
#  (a) 4 MB/s per connection: -N auto with a budget of 16 against -N 16 (target: >= 95 % of -N 16's
#      speed);
#  (b) 100 Mbit/s shared by all connections (--total-rate): -N auto against -N 16 (target: auto
#      opens <= 4 connections and is within 3 % of -N 16's time);
#  (c) a cap of 6 open connections, 503 beyond, 4 MB/s each: -N auto (budget 16, --fragment-retries 0,
#      so one failed piece fails the run) against aria2c -x16.
# Prints a markdown table with the machine's load (the machine may be shared).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${BUILD:-$root/build/bench}  # BUILD=build/ci with SKIP_SETUP=1: the sanitizer build (say so)
[[ ${SKIP_SETUP:-0} == 1 ]] || "$root/bench/setup"

SIZE_A_MIB=${SIZE_A_MIB:-1024}
SIZE_B_MIB=${SIZE_B_MIB:-64}
SIZE_C_MIB=${SIZE_C_MIB:-256}
REPS=${REPS:-3}
work=$(mktemp -d /var/tmp/arina-bench.XXXXXX)
TS_PID=
trap 'if [[ -n $TS_PID ]]; then kill "$TS_PID" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/out"
for size in "$SIZE_A_MIB" "$SIZE_B_MIB" "$SIZE_C_MIB"; do
  [[ -f $work/www/f$size.bin ]] || head -c $((size * 1024 * 1024)) /dev/urandom >"$work/www/f$size.bin"
done
ARINA="$BUILD/src/cli/arina"
TESTSERVER="$BUILD/tests/server/arina-testserver"
RESULTS="$work/results.txt"
: >"$RESULTS"

# serve FILE ARGS... : a fresh arina-testserver for one run; sets TS_PID and URL.
serve() {
  local file=$1
  shift
  rm -f "$work/port"
  "$TESTSERVER" --file "$file" --port 0 --port-file "$work/port" --latency-ms 20 "$@" >"$work/ts.out" &
  TS_PID=$!
  for _ in $(seq 100); do [[ -s $work/port ]] && break; sleep 0.05; done
  URL="http://127.0.0.1:$(cat "$work/port")/$(basename "$file")"
}

# The server's summary after SIGTERM: "max_concurrent rejected".
unserve() {
  kill "$TS_PID" 2>/dev/null || true
  wait "$TS_PID" 2>/dev/null || true
  TS_PID=
  python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).read().splitlines()[-1]);
print(j["max_concurrent_connections"], j.get("rejected_connections", 0))' "$work/ts.out"
}

# run CASE NAME CMD... : wall time of CMD, its exit status and arina's own figures (finished event of
# --progress json: connections, reason, peak), then the server's; one line into $RESULTS.
run() {
  local case=$1 name=$2
  shift 2
  local start end status=0
  start=$(date +%s.%N)
  "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
  end=$(date +%s.%N)
  local arina_figures="- - -"
  if grep -q '"event":"finished"' "$work/stdout"; then
    arina_figures=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if l.startswith("{") and "\"finished\"" in l:
        j = json.loads(l); print(j["connections"], j["connections_reason"], j["peak_connections"])' "$work/stdout")
  fi
  echo "$case $name $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') $status $arina_figures $(unserve)" >>"$RESULTS"
  rm -f "$work/out"/*
}

arina_run() { "$ARINA" --progress json -P "$work/out" "$@"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$REPS"); do
  f="$work/www/f$SIZE_A_MIB.bin"
  serve "$f" --rate 4000000
  run a "arina -N 16" arina_run -N 16 "$URL"
  serve "$f" --rate 4000000
  run a "arina -N auto" arina_run -N auto --max-connections-per-host 16 "$URL"

  f="$work/www/f$SIZE_B_MIB.bin"
  serve "$f" --total-rate 12500000
  run b "arina -N 16" arina_run -N 16 "$URL"
  serve "$f" --total-rate 12500000
  run b "arina -N auto" arina_run -N auto --max-connections-per-host 16 "$URL"

  f="$work/www/f$SIZE_C_MIB.bin"
  serve "$f" --rate 4000000 --max-connections 6
  run c "arina -N auto" arina_run -N auto --max-connections-per-host 16 --fragment-retries 0 "$URL"
  serve "$f" --rate 4000000 --max-connections 6
  run c "aria2c -x16" aria2c -q -x16 -s16 -k1M --allow-overwrite=true --auto-file-renaming=false \
    -d "$work/out" -o c "$URL"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$RESULTS" "$SIZE_A_MIB" "$SIZE_B_MIB" "$SIZE_C_MIB" "$REPS" "$load_before" "$load_after" "$(nproc)" <<'PY'
import statistics, sys
path, size_a, size_b, size_c, reps, load_before, load_after, cpus = sys.argv[1:]
rows = {}
for line in open(path):
    f = line.split()
    case = f[0]; name = f"{f[1]} {f[2]} {f[3]}" if f[1] == "arina" else f[1] + " " + f[2]
    rest = f[4:] if f[1] == "arina" else f[3:]
    wall, status, conn, reason, peak, server_peak, rejected = rest
    rows.setdefault((case, name), []).append(
        (float(wall), int(status), conn, reason, peak, int(server_peak), int(rejected)))
titles = {
    "a": f"(a) {size_a} MiB, 4 MB/s per connection",
    "b": f"(b) {size_b} MiB, 100 Mbit/s shared by all connections",
    "c": f"(c) {size_c} MiB, 4 MB/s per connection, at most 6 open connections (503 beyond)",
}
sizes = {"a": int(size_a), "b": int(size_b), "c": int(size_c)}
print(f"{reps} runs each, medians; 20 ms latency per request; load average {load_before} before, "
      f"{load_after} after, on {cpus} CPUs shared with other work\n")
print("| case | downloader | time (s) | MB/s | vs -N 16 | exit | count (reason) | peak in flight | server: most open | server: 503 |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for case in "abc":
    base = rows.get((case, "arina -N 16"))
    base_t = statistics.median(r[0] for r in base) if base else None
    for (c, name), runs in rows.items():
        if c != case:
            continue
        t = statistics.median(r[0] for r in runs)
        exits = ",".join(sorted({str(r[1]) for r in runs}))
        counts = ",".join(sorted({f"{r[2]} ({r[3]})" for r in runs})) if runs[0][2] != "-" else "-"
        peaks = ",".join(sorted({r[4] for r in runs}))
        server_peak = max(r[5] for r in runs)
        rejected = ",".join(str(r[6]) for r in runs)
        rel = f"{100 * base_t / t:.0f} %" if base_t and name != "arina -N 16" else ""
        mbps = sizes[case] * 1048576 / t / 1e6
        print(f"| {titles[case] if name == list(n for (cc, n) in rows if cc == case)[0] else ''} | {name} | "
              f"{t:.2f} | {mbps:.1f} | {rel} | {exits} | {counts} | {peaks} | {server_peak} | {rejected} |")
PY
