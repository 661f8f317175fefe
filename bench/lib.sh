# Shared helpers for the benchmark scripts (sourced).
# measure NAME OUTFILE CMD... : runs CMD under GNU time, appends "NAME wall user sys maxrss_kib bytes" to $RESULTS.
measure() {
  local name=$1 out=$2
  shift 2
  rm -f "$out"
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >/dev/null 2>&1 || echo "warning: $name exited non-zero" >&2
  local bytes=0
  [[ -f $out ]] && bytes=$(stat -c %s "$out")
  # GNU time puts "Command exited with non-zero status N" before the figures.
  echo "$name $(tail -n 1 "$t") $bytes" >>"$RESULTS"
  rm -f "$t"
}

# start_testserver PORTFILE ARGS... : starts arina-testserver in the background; sets TS_PID and TS_PORT.
start_testserver() {
  local portfile=$1
  shift
  rm -f "$portfile"
  "$BUILD/tests/server/arina-testserver" --port 0 --port-file "$portfile" "$@" >/dev/null &
  TS_PID=$!
  for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.05; done
  TS_PORT=$(cat "$portfile")
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
