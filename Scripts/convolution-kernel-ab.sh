#!/usr/bin/env bash
# Two builds of the convolution kernel side by side in one process, on the layer shapes of BENCH.md's
# models, one thread pinned to one core (Scripts/bench/convolution_kernel_ab.c).
#
#   Scripts/convolution-kernel-ab.sh [A.c [B.c]]
#
# A defaults to the committed kernel (git HEAD), B to the working tree's: the before and after of
# an edit. Extra compiler flags for B can come in $B_FLAGS (e.g. B_FLAGS=-DSOME_SWITCH).
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=Sources/CConvolution/implicit_gemm_convolution.c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
a=${1:-}
b=${2:-$kernel}
# HEAD's kernel beside HEAD's shared header (a quoted include looks beside the file first); other
# files fall back to the working tree's header.
if [ -z "$a" ]; then
    a=$work/head.c
    git show "HEAD:$kernel" > "$a"
    git show "HEAD:Sources/CConvolution/gemm_block.h" > "$work/gemm_block.h"
fi
include="-ISources/CConvolution/include -ISources/CConvolution"
renamed() {
    echo "-Dldm_convolution_packed_weight_count=$1_count -Dldm_convolution_pack_weight=$1_pack" \
         "-Dldm_convolution_forward=$1_forward -Dldm_convolution_pack_turned_weight=$1_turned" \
         "-Dldm_convolution_kernels_available=$1_available -Dldm_convolution_weight_gradient=$1_weight_gradient" \
         "-Dldm_convolution_weight_gradient_scratch_count=$1_weight_gradient_scratch_count"
}
clang -O3 -march=native $include $(renamed A) -c "$a" -o "$work/a.o"
clang -O3 -march=native $include $(renamed B) ${B_FLAGS:-} -c "$b" -o "$work/b.o"
clang -O3 -march=native $include Scripts/bench/convolution_kernel_ab.c "$work/a.o" "$work/b.o" -o "$work/ab" -lm
# N Cin H Cout K stride: the first stage at 64² (and its downsampling), conv3x3-fwd-bwd, the latent
# UNet's three levels, a 1×1 projection, a first layer.
for layer in "4 64 64 64 3 1" "4 64 64 64 3 2" "8 128 32 128 3 1" "8 64 16 64 3 1" "8 128 8 128 3 1" \
             "16 128 4 128 3 1" "16 64 16 64 1 1" "4 3 64 64 3 1"; do
    taskset -c 1 "$work/ab" $layer 21
done
