#!/usr/bin/env bash
# Cluster benchmark for the PostgreSQL task queue (docs/task-store.md).
#  1. Claims: 8 workers claiming no-op tasks from one local PostgreSQL with 10^3 .. 10^6
#     queued rows: claims per second and claim latency (arina-claim-bench), saturated
#     (each worker claims again at once) and paced at the target rate (CLAIM_RATE, 2000/s).
#  2. Split work: 100 x 8 MiB files from arina-testserver (20 ms latency, 4 MB/s per
#     connection), 3 workers x -N 4 on one PostgreSQL queue against one worker with
#     the same 12 connections; total wall time of each.
# The server is a throwaway one (initdb in a temporary directory, Unix socket only,
# fsync off; as `nobody` when run as root). Pass --write to append to docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${BUILD:-"$root/build/bench"}
if [[ ${BUILD} == "$root/build/bench" ]]; then
  "$root/bench/setup"
  cmake --build "$BUILD" -j"$(nproc)" --target arina-claim-bench >/dev/null
fi
source "$root/bench/lib.sh"
PGBIN=${ARINA_PG_BINDIR:-/usr/lib/postgresql/15/bin}
FILES=${FILES:-100}
SIZE_MIB=${SIZE_MIB:-8}
RATE=4000000

work=$(mktemp -d /var/tmp/arina-bench-cluster.XXXXXX)
chmod 755 "$work"
as_pg() { if [[ $(id -u) -eq 0 ]]; then su -s /bin/sh nobody -c "$*"; else sh -c "$*"; fi; }
cleanup() {
  as_pg "$PGBIN/pg_ctl -D $work/pg/data -m immediate stop" >/dev/null 2>&1 || true
  [[ -n ${TS_PID:-} ]] && stop_pid "$TS_PID"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== claims"
claims=$("$BUILD/tests/arina-claim-bench" --workers 8 --seconds "${SECONDS_PER_SIZE:-5}" \
  --queued 1000 --queued 10000 --queued 100000 --queued 1000000)
echo "$claims"
paced=$("$BUILD/tests/arina-claim-bench" --workers 8 --seconds "${SECONDS_PER_SIZE:-5}" --rate "${CLAIM_RATE:-2000}" \
  --queued 1000 --queued 10000 --queued 100000 --queued 1000000)
echo "$paced"

echo "== 3 workers x -N 4 against 1 worker x 12 connections"
mkdir -p "$work/pg" "$work/www" "$work/out"
[[ $(id -u) -eq 0 ]] && chown nobody "$work/pg"
as_pg "$PGBIN/initdb -D $work/pg/data -U arina --auth=trust -E UTF8 --locale=C --no-sync" >/dev/null
printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\nmax_connections = 100\n" \
  "$work/pg" >>"$work/pg/data/postgresql.conf"
as_pg "$PGBIN/pg_ctl -D $work/pg/data -l $work/pg/log -w start" >/dev/null
for i in $(seq "$FILES"); do head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$work/www/f$i.bin"; done
start_testserver "$work/port" --root "$work/www" --latency-ms 20 --rate "$RATE"
for i in $(seq "$FILES"); do echo "http://127.0.0.1:$TS_PORT/f$i.bin"; done >"$work/list.txt"
ARINA="$BUILD/src/cli/arina"
# queue N: a new database qN with every file queued; prints its connection string. The number
# comes from the caller: $(queue) runs in a subshell, where a counter would not advance.
queue() {
  local db=$1
  "$PGBIN/psql" -q -h "$work/pg" -U arina -d postgres -c "CREATE DATABASE q$db" >/dev/null
  local q="postgresql://arina@/q$db?host=$work/pg"
  "$ARINA" queue add -q --queue-db "$q" -P "$work/out" -a "$work/list.txt" >/dev/null
  echo "$q"
}
common=(-q --progress none --max-connections-per-host 12)

rm -rf "$work/out" && mkdir -p "$work/out"
q=$(queue 1)
start=$(date +%s.%N)
"$ARINA" run --queue-db "$q" --worker solo --max-workers 3 -N 4 "${common[@]}"
single=$(echo "$(date +%s.%N) - $start" | bc)

rm -rf "$work/out" && mkdir -p "$work/out"
q=$(queue 2)
start=$(date +%s.%N)
pids=()
for w in 1 2 3; do
  "$ARINA" run --queue-db "$q" --worker "w$w" --max-workers 1 -N 4 "${common[@]}" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
cluster=$(echo "$(date +%s.%N) - $start" | bc)
bytes=$(find "$work/out" -name 'f*.bin' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
ideal=$(echo "$FILES * $SIZE_MIB * 1048576 / (12 * $RATE)" | bc -l)
report=$(printf "| 1 worker, --max-workers 3 -N 4 | %.1f s |\n| 3 workers, --max-workers 1 -N 4 each | %.1f s |\n| ideal (12 x 4 MB/s) | %.1f s |\n" \
  "$single" "$cluster" "$ideal")
echo "$report"
echo "cluster / single: $(echo "$cluster / $single" | bc -l | cut -c1-5); bytes in the last run: $bytes"

if [[ ${1:-} == --write ]]; then
  {
    echo
    echo "### Cluster queue (PostgreSQL), $(date -u +%Y-%m-%d)"
    echo
    echo '```'
    echo "$claims"
    echo
    echo "$paced"
    echo '```'
    echo
    echo "| run ($FILES x $SIZE_MIB MiB, 20 ms latency, 4 MB/s per connection) | wall |"
    echo "| --- | --- |"
    echo "$report"
  } >>"$root/docs/benchmarks.md"
fi
