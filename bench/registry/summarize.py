#!/usr/bin/env python3
"""Medians and Lamina/distribution ratios from run.sh's results.tsv and repush.tsv, as Markdown."""
import csv, statistics, sys
from collections import defaultdict


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    results, repush = rows(sys.argv[1]), rows(sys.argv[2])
    groups = defaultdict(list)
    for r in results:
        groups[(r["registry"], int(r["clients"]), r["direction"])].append(r)

    def stats(key):
        rs = groups.get(key, [])
        if not rs:
            return None
        mbps = statistics.median(int(r["bytes"]) / 1e6 / float(r["seconds"]) for r in rs)
        cpu = statistics.median(float(r["server_cpu_s"]) / (int(r["bytes"]) / 1e9) for r in rs)
        rss = max(int(r["peak_rss_kib"]) for r in rs) / 1024
        return mbps, cpu, rss, len(rs), int(rs[0]["bytes"])

    print("| clients | direction | MB moved | Lamina MB/s | distribution MB/s | ratio | Lamina CPU s/GB | distribution CPU s/GB | ratio | Lamina peak RSS MiB | distribution peak RSS MiB | reps |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for clients in sorted({k[1] for k in groups}):
        for direction in ("push", "pull"):
            l, d = stats(("lamina", clients, direction)), stats(("distribution", clients, direction))
            if not l or not d:
                continue
            print(f"| {clients} | {direction} | {l[4] / 1e6:.0f} | {l[0]:.0f} | {d[0]:.0f} | {l[0] / d[0]:.2f} | "
                  f"{l[1]:.2f} | {d[1]:.2f} | {l[1] / d[1]:.2f} | {l[2]:.0f} | {d[2]:.0f} | {min(l[3], d[3])} |")
    if any(k[0] == "baseline" for k in groups):
        print()
        print("This build against the baseline build (--baseline-bin), same run:")
        print()
        print("| clients | direction | Lamina CPU s/GB | baseline CPU s/GB | ratio | Lamina MB/s | baseline MB/s | reps |")
        print("|---|---|---|---|---|---|---|---|")
        for clients in sorted({k[1] for k in groups}):
            for direction in ("push", "pull"):
                l, b = stats(("lamina", clients, direction)), stats(("baseline", clients, direction))
                if l and b:
                    print(f"| {clients} | {direction} | {l[1]:.2f} | {b[1]:.2f} | {l[1] / b[1]:.2f} | {l[0]:.0f} | {b[0]:.0f} | {min(l[3], b[3])} |")
    print()
    print("Server CPU seconds per phase, per rep (min–max):")
    print()
    for key in sorted(groups):
        cpus = sorted(float(r["server_cpu_s"]) for r in groups[key])
        print(f"- {key[0]}, {key[1]} client(s), {key[2]}: {cpus[0]:.2f}–{cpus[-1]:.2f} ({', '.join(f'{c:.2f}' for c in cpus)})")
    loads = [float(r["load1"]) for r in results if r.get("load1")]
    if loads:
        print()
        print(f"Load average (1 min) after each phase: {min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}.")
    print()
    print("Re-push of an image sharing all base layers, into a new repository (median over reps):")
    print()
    print("| registry | new app layer bytes | blob bytes skopeo sent | data dir growth | blobs skipped (exist/mounted) | blobs uploaded |")
    print("|---|---|---|---|---|---|")
    for name in ("lamina", "distribution"):
        rs = [r for r in repush if r["registry"] == name]
        if not rs:
            continue
        med = lambda k: int(statistics.median(int(r[k]) for r in rs))
        print(f"| {name} | {med('new_layer_bytes')} | {med('client_sent_bytes')} | {med('store_growth_bytes')} | "
              f"{med('skipped_blobs')} | {med('uploaded_blobs')} |")


if __name__ == "__main__":
    main()
