#!/usr/bin/env python3
"""Turns the raw lines of bench/plain_file.sh into markdown tables with ratios."""
import statistics
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)
    for line in open(path):
        name, wall, user, sys_, rss, size = line.split()
        runs[name].append((float(wall), float(user) + float(sys_), int(rss) / 1024, int(size)))
    return runs


def median_run(samples):
    walls = [s[0] for s in samples]
    return samples[walls.index(statistics.median_low(walls))]


def main():
    a_path, b_path, size_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
    write = len(sys.argv) > 5 and sys.argv[4] == "--write"
    gib = size_mib / 1024
    out = []
    a = {k: median_run(v) for k, v in load(a_path).items()}
    out.append(f"### (a) {size_mib} MiB from nginx on loopback, no shaping (median of runs)\n")
    out.append("| tool | wall s | CPU s/GiB | peak RSS MiB | CPU vs aria2c -x16 | CPU vs curl | complete |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    ref_aria = a["aria2c-x16"][1] / gib
    ref_curl = a["curl"][1] / gib
    for name, (wall, cpu, rss, size) in a.items():
        per = cpu / gib
        ok = "yes" if size == size_mib * 1024 * 1024 else f"NO ({size} bytes)"
        out.append(f"| {name} | {wall:.2f} | {per:.3f} | {rss:.1f} | {per / ref_aria:.2f} | {per / ref_curl:.2f} | {ok} |")
    b = {k: v[0] for k, v in load(b_path).items()}
    out.append(f"\n### (b) {size_mib} MiB from arina-testserver: 20 ms latency per request, 4 MB/s per connection\n")
    out.append("| tool | connections | wall s | MB/s | % of N x 4 MB/s | vs aria2c, same N | CPU s | peak RSS MiB |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    conns = {"arina-N8": 8, "aria2c-x8": 8, "aria2c-x16": 16, "arina-N16": 16, "curl": 1}
    peers = {"arina-N8": "aria2c-x8", "arina-N16": "aria2c-x16"}
    for name, (wall, cpu, rss, size) in b.items():
        n = conns.get(name, 1)
        mbs = size / wall / 1e6
        vs = ""
        if name in peers and peers[name] in b:
            pw = b[peers[name]]
            vs = f"{mbs / (pw[3] / pw[0] / 1e6):.2f}"
        out.append(f"| {name} | {n} | {wall:.2f} | {mbs:.1f} | {100 * mbs / (4 * n):.1f} | {vs} | {cpu:.2f} | {rss:.1f} |")
    text = "\n".join(out) + "\n"
    print(text)
    if write:
        doc = sys.argv[5]
        with open(doc, "w") as f:
            f.write("# Benchmarks\n\nProduced by `bench/plain_file.sh --write` on the project's 2-core machine; "
                    "every tool downloads the same file from the same server in one run.\n\n## Plain file\n\n")
            f.write(text)


if __name__ == "__main__":
    main()
