#!/usr/bin/env python3
"""Turns the raw lines of bench/stream.sh into markdown tables with ratios against Arina.

Arguments: for each case, RESULTS PAYLOAD_BYTES SEGMENTS SECONDS. RESULTS holds lines
"name wall user sys maxrss_kib output_bytes" (bench/lib.sh) and RESULTS.durations the
"file seconds" of each output as ffprobe reads it.
"""
import sys

TITLES = {
    0: "(a) 120 s 720p HLS, {segments} segments of ~2 s ({mb:.1f} MB): 40 ms latency, 4 MB/s per connection",
    1: "(b) {segments} tiny segments of ~{kb:.0f} KB ({mb:.1f} MB): 40 ms latency, no rate limit",
}
OUTPUTS = {"arina-N8": "arina.mp4", "yt-dlp-N8": "ytdlp.mp4", "ffmpeg": "ffmpeg.mp4", "aria2c-j8": "aria2c.ts"}


def load(path):
    rows = {}
    for line in open(path):
        name, wall, user, sys_, rss, size = line.split()
        rows[name] = (float(wall), float(user) + float(sys_), int(rss) / 1024, int(size))
    durations = {}
    for line in open(path + ".durations"):
        f, d = line.split()
        try:
            durations[f] = float(d)
        except ValueError:
            durations[f] = 0.0
    return rows, durations


def table(index, path, payload, segments, seconds):
    rows, durations = load(path)
    mb = payload / 1e6
    out = ["### " + TITLES[index].format(segments=segments, mb=mb, kb=payload / segments / 1e3), ""]
    out.append("| tool | wall s | MB/s | CPU s | peak RSS MiB | wall vs arina | CPU vs arina | output | duration s |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    ref = rows.get("arina-N8")
    for name, (wall, cpu, rss, size) in rows.items():
        d = durations.get(OUTPUTS.get(name, ""), 0.0)
        ok = abs(d - seconds) < 1.0
        wall_ratio = f"{wall / ref[0]:.2f}" if ref and ref[0] > 0 else "-"
        cpu_ratio = f"{cpu / ref[1]:.2f}" if ref and ref[1] > 0 else "-"
        output = f"{size / 1e6:.1f} MB" + ("" if ok else " (INCOMPLETE)")
        out.append(f"| {name} | {wall:.2f} | {mb / wall:.1f} | {cpu:.2f} | {rss:.1f} | {wall_ratio} | "
                   f"{cpu_ratio} | {output} | {d:.1f} |")
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    parts = []
    for i in range(0, len(args), 4):
        path, payload, segments, seconds = args[i], int(args[i + 1]), int(args[i + 2]), float(args[i + 3])
        parts.append(table(i // 4, path, payload, segments, seconds))
    print("\n".join(parts))
    print("MB/s is the segments' payload over wall time (the same bytes for every tool). Peak RSS is the largest "
          "single process (yt-dlp's ffmpeg remux child counts separately).")


if __name__ == "__main__":
    main()
