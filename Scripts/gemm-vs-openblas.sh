#!/usr/bin/env bash
# Our product kernel against OpenBLAS's sgemm on the latent UNet's products at 128² (unet-step, a
# shard's batch of 4: the feed-forward, projections and attention), and 1,024³ (Scripts/bench/
# gemm_vs_openblas.c), one thread pinned to one core, alternating in one process. OpenBLAS runs the
# kernel OPENBLAS_CORETYPE names: compare `OPENBLAS_CORETYPE=SkylakeX Scripts/gemm-vs-openblas.sh`.
#
#   Scripts/gemm-vs-openblas.sh [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clang -O3 -march=native -ISources/CConvolution/include -ISources/CConvolution -I/usr/include/x86_64-linux-gnu \
    Scripts/bench/gemm_vs_openblas.c Sources/CConvolution/packed_gemm.c -o "$work/gemm_vs_openblas" -lopenblas -lm
# M N K TRANSPOSE_A TRANSPOSE_B
for product in "1024 128 1024 1 0" "1024 128 1024 0 0" "1024 1024 128 0 1" "128 128 1024 1 0" "1024 128 128 0 1" \
               "256 256 32 0 1" "256 32 256 0 0" "256 32 256 1 0" "1024 1024 1024 0 0"; do
    OPENBLAS_NUM_THREADS=1 taskset -c 1 "$work/gemm_vs_openblas" $product "${1:-31}"
done
