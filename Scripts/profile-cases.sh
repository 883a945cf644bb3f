#!/usr/bin/env bash
# A profile of every benchmark case (issue 6): `perf record` of `ldm-bench --case NAME` at BENCH.md's
# sizes, then the share of the GEMM kernels (OpenBLAS's or ours), of their packing, and of everything else, with
# the largest other symbols, as one Markdown table (docs/performance.md holds the last one).
#
#   Scripts/profile-cases.sh [OUT]   (default: runs/profiles; perf data and reports per case there)
#
# perf samples at 999 Hz on all threads; run it on a quiet machine.
set -euo pipefail
out=${1:-runs/profiles}
cd "$(dirname "$0")/.."
swift build -c release --product ldm-bench
mkdir -p "$out"
echo "| case | GEMM kernel | GEMM packing | everything else | largest other symbols |"
echo "|---|---|---|---|---|"
for name in $(.build/release/ldm-bench --list); do
    perf record --quiet -F 999 -o "$out/$name.data" .build/release/ldm-bench --case "$name" > "$out/$name.json" 2>/dev/null
    perf report --quiet --stdio --no-children --sort dso,symbol -i "$out/$name.data" > "$out/$name.txt" 2>/dev/null
    python3 Scripts/bench/profile_summary.py "$name" "$out/$name.txt"
done
