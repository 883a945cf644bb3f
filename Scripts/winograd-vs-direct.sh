#!/usr/bin/env bash
# The Winograd kernel against the direct implicit-GEMM kernel on the 3×3 "same" layers of BENCH.md's
# models (Scripts/bench/winograd_vs_direct.c), one thread pinned to one core, alternating in one
# process. Speeds are in direct-equivalent GFLOP/s, so the ratio is the speed-up a layer gets.
#
#   Scripts/winograd-vs-direct.sh [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
include=-ISources/CConvolution/include
clang -O3 -march=native $include Scripts/bench/winograd_vs_direct.c Sources/CConvolution/implicit_gemm_convolution.c \
    Sources/CConvolution/winograd_convolution.c -o "$work/winograd_vs_direct" -lm
# N Cin H Cout: the first stage at 64² and 32², conv3x3-fwd-bwd, the latent UNet's three levels (a
# shard's batch in ddim-sample), a skip-concatenated input, a first layer (3 channels, left direct).
for layer in "4 64 64 64" "4 128 32 128" "8 128 32 128" "8 64 16 64" "8 128 8 128" "4 128 8 128" "8 128 4 128" \
             "4 128 4 128" "8 256 8 128" "4 3 64 64"; do
    taskset -c 1 "$work/winograd_vs_direct" $layer "${1:-21}"
done
