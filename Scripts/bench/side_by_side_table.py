#!/usr/bin/env python3
"""The table Scripts/side-by-side.sh prints: per case, the median over rounds of each side's median
step time, samples/s (GFLOP/s for sgemm) and peak RSS, and swift-ldm's ratio to PyTorch.

    side_by_side_table.py SWIFT.jsonl TORCH.jsonl
"""
import json
import statistics
import sys


def records(path):
    """Each case's JSON lines, keyed by (case, batch, image size), in first-seen order."""
    by_case = {}
    with open(path) as f:
        for line in f:
            if line.strip().startswith("{"):
                r = json.loads(line)
                by_case.setdefault((r["case"], r.get("batch"), r.get("image_size")), []).append(r)
    return by_case


def summary(runs):
    """Median seconds per step, throughput (samples/s, or GFLOP/s when there is no batch), peak RSS."""
    seconds = statistics.median(r["median_s"] for r in runs)
    batch = runs[0].get("batch")
    throughput = batch / seconds if batch else runs[0]["flops_per_step"] / seconds * 1e-9
    return seconds, throughput, statistics.median(r["peak_rss_mb"] for r in runs), len(runs)


def main(swift_path, torch_path):
    swift, torch = records(swift_path), records(torch_path)
    print("| case | batch | image | rounds | swift-ldm s/step | PyTorch s/step | swift-ldm /s | PyTorch /s | "
          "speed ratio | swift-ldm RSS MB | PyTorch RSS MB | RSS ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key, runs in swift.items():
        if key not in torch:
            print(f"| {key[0]} | {key[1]} | {key[2]} | – | PyTorch has no figure for this case |")
            continue
        s, t = summary(runs), summary(torch[key])
        unit = "samples" if key[1] else "GFLOP"
        print(f"| {key[0]} | {key[1] or '–'} | {key[2]} | {min(s[3], t[3])} | {s[0]:.4g} | {t[0]:.4g} | "
              f"{s[1]:.4g} {unit} | {t[1]:.4g} {unit} | **{s[1] / t[1]:.2f}×** | {s[2]:.0f} | {t[2]:.0f} | "
              f"{s[2] / t[2]:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
