#!/usr/bin/env bash
# ldm-bench beside PyTorch for CPU, case by case, alternating (A B, then B A) for several rounds, then a table
# of medians and ratios: samples/s (GFLOP/s for sgemm) and peak RSS. The machines are noisy, so only
# ratios measured in one session mean anything (BENCH.md).
#
#   Scripts/side-by-side.sh [--rounds N] [--batch N] [--image-size S] [--out DIR] [CASE ...]
#
# PyTorch comes from a virtual environment ($TORCH_VENV, default ~/.cache/swift-ldm/torch-venv), created
# with torch 2.13.0+cpu when it is missing. Results: DIR/swift.jsonl, DIR/torch.jsonl, DIR/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
size_args=()
out=runs/side-by-side
cases=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --batch) size_args+=(--batch "$2"); shift 2 ;;
        --image-size) size_args+=(--image-size "$2"); shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        -*) echo "side-by-side: unknown option $1" >&2; exit 2 ;;
        *) cases+=("$1"); shift ;;
    esac
done
# BENCH.md's suite: each case with its number of timed steps.
declare -A timed_steps=([sgemm]=30 [conv3x3-fwd-bwd]=20 [ae-kl-encode]=20 [ae-kl-step]=12
                        [unet-step]=15 [ddim-sample]=10 [unet-pixel-step]=10)
[ ${#cases[@]} -eq 0 ] && cases=(sgemm conv3x3-fwd-bwd ae-kl-encode ae-kl-step unet-step ddim-sample unet-pixel-step)
for name in "${cases[@]}"; do
    [ -n "${timed_steps[$name]:-}" ] || { echo "side-by-side: unknown case $name (known: ${!timed_steps[*]})" >&2; exit 2; }
done

venv=${TORCH_VENV:-$HOME/.cache/swift-ldm/torch-venv}
if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    echo "side-by-side: installing PyTorch for CPU into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch==2.13.0+cpu
fi
bash Scripts/setup.sh
swift build -c release --product ldm-bench

mkdir -p "$out"
: > "$out/swift.jsonl"
: > "$out/torch.jsonl"
run_swift() {
    .build/release/ldm-bench --case "$1" --threads 2 --steps "${timed_steps[$1]}" "${size_args[@]}" >> "$out/swift.jsonl"
}
run_torch() {
    OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 "$venv/bin/python" Scripts/bench/torch_ref.py --case "$1" --threads 2 \
        --steps "${timed_steps[$1]}" --no-flops "${size_args[@]}" >> "$out/torch.jsonl"
}
# Odd rounds run ldm-bench first, even rounds PyTorch, so neither side always runs right after the
# other's case (ldm-bench's unet-step at batch 16 timed 0.37–0.46 s right after PyTorch's previous
# case, 0.31 s after a pause).
for round in $(seq "$rounds"); do
    for name in "${cases[@]}"; do
        echo "side-by-side: round $round/$rounds, $name" >&2
        if [ $((round % 2)) -eq 1 ]; then run_swift "$name"; run_torch "$name"; else run_torch "$name"; run_swift "$name"; fi
    done
done
python3 Scripts/bench/side_by_side_table.py "$out/swift.jsonl" "$out/torch.jsonl" | tee "$out/table.md"
