#!/usr/bin/env bash
# The paper's Fig. 6 in small: the class-conditional latent model (configs/ldm/fashion-class-f4.yaml, on
# the first stage that `make demo` trains) and the same trainer in pixel space
# (configs/ldm/fashion-class-pixel.yaml), each trained for the same wall-clock time, then both evaluated
# by `train-ldm evaluate`: sampling samples/s, class accuracy of samples judged by the project's
# classifier, and the Fréchet distance to the held-out images beside its floor.
#
#   Scripts/compare-latent-pixel.sh [MINUTES] [OUT]     (defaults: 20 minutes each, runs/compare)
set -euo pipefail
minutes=${1:-20}
out=${2:-runs/compare}
cd "$(dirname "$0")/.."
swift build -c release --product train-ldm
for kind in latent pixel; do
    config=configs/ldm/fashion-class-f4.yaml
    [ "$kind" = pixel ] && config=configs/ldm/fashion-class-pixel.yaml
    .build/release/train-ldm --config "$config" --set train.max_minutes="$minutes" --set train.steps=1000000 \
        --run-dir "$out/$kind"
done
for kind in latent pixel; do
    .build/release/train-ldm evaluate --checkpoint "$out/$kind"
done
for kind in latent pixel; do
    echo "== $kind ($(grep -c . "$out/$kind/metrics.jsonl") metrics lines; run $out/$kind)"
    cat "$out/$kind/evaluation/report.txt"
done
