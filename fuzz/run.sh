#!/usr/bin/env bash
# Builds the libFuzzer targets with the "fuzz" CMake preset and runs each for a bounded time.
#   fuzz/run.sh [seconds-per-target]     (default 20)
# Exits non-zero when a target crashes, leaks, hangs or runs out of memory; the reproducer is
# left in build/fuzz/fuzz-work/<target>/artifacts/ (replay: build/fuzz/fuzz/<target> <file>).
set -euo pipefail

seconds="${1:-20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/fuzz"
targets=(fuzz_hls fuzz_dash fuzz_sidx fuzz_http_head fuzz_resume_file fuzz_output_template fuzz_html_scanner fuzz_ytdlp_json)

cd "$root"
cmake --preset fuzz >/dev/null
# Only the fuzz targets: the rest of the tree is not needed and the machine is shared.
cmake --build --preset fuzz -j 2 --target "${targets[@]}"

status=0
for target in "${targets[@]}"; do
    work="$build/fuzz-work/$target"
    mkdir -p "$work/corpus" "$work/artifacts"
    dictionary=()
    case "$target" in
        fuzz_hls) dictionary=(-dict="$root/fuzz/hls.dict") ;;
        fuzz_dash) dictionary=(-dict="$root/fuzz/dash.dict") ;;
        fuzz_html_scanner) dictionary=(-dict="$root/fuzz/html.dict") ;;
        fuzz_ytdlp_json) dictionary=(-dict="$root/fuzz/ytdlp_json.dict") ;;
    esac
    echo "== $target for ${seconds}s"
    # New inputs go to the scratch corpus (first directory); the checked-in seeds are only read.
    # The timeout is generous because an input within the limits may expand to a million DASH
    # fragments, which takes a second in a release build and several under the sanitizers.
    if ! "$build/fuzz/$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 "${dictionary[@]}" -artifact_prefix="$work/artifacts/" \
        "$work/corpus" "$root/fuzz/corpus/$target"; then
        echo "!! $target failed; reproducer in $work/artifacts/" >&2
        status=1
    fi
done
exit "$status"
