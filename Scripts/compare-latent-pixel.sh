#!/usr/bin/env bash
# The paper's Fig. 6 in small: the class-conditional latent model (configs/ldm/fashion-class-f4.yaml, on
# the first stage that `make demo` trains) and the same trainer in pixel space
# (configs/ldm/fashion-class-pixel.yaml), trained for the same wall-clock time, then both evaluated by
# `train-ldm evaluate`: sampling samples/s, class accuracy of samples judged by the project's
# classifier, and the Fréchet distance to the held-out images beside its floor.
#
#   Scripts/compare-latent-pixel.sh [MINUTES] [OUT] [SAMPLES_PER_CLASS]   (defaults: 15, runs/compare, 10)
#
# The pixel model samples at about 0.3 images/s on one core, so 10 per class (100 images) already
# takes 6 minutes to draw.
#
# The two runs train at the same time, each on one core (LDM_NUM_THREADS=1), so both get the same
# machine for the same minutes; then both are evaluated the same way, again side by side.
set -euo pipefail
minutes=${1:-15}
out=${2:-runs/compare}
per_class=${3:-10}
cd "$(dirname "$0")/.."
swift build -c release --product train-ldm
mkdir -p "$out"
pids=()
for kind in latent pixel; do
    config=configs/ldm/fashion-class-f4.yaml
    [ "$kind" = pixel ] && config=configs/ldm/fashion-class-pixel.yaml
    run=(--config "$config" --run-dir "$out/$kind")
    [ -f "$out/$kind/checkpoints/last.safetensors" ] && run=(--resume "$out/$kind")
    LDM_NUM_THREADS=1 .build/release/train-ldm "${run[@]}" --set train.max_minutes="$minutes" --set train.steps=1000000 \
        > "$out/$kind.train.log" 2>&1 &
    pids+=($!)
done
echo "compare-latent-pixel: training both for $minutes minutes (logs: $out/latent.train.log, $out/pixel.train.log)"
for pid in "${pids[@]}"; do wait "$pid"; done
pids=()
for kind in latent pixel; do
    LDM_NUM_THREADS=1 .build/release/train-ldm evaluate --checkpoint "$out/$kind" --samples-per-class "$per_class" \
        > "$out/$kind.evaluate.log" 2>&1 &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for kind in latent pixel; do
    steps=$(tail -n 1 "$out/$kind/metrics.jsonl" | sed 's/.*"step":\([0-9.]*\).*/\1/')
    echo "== $kind: $steps steps in $minutes minutes (run $out/$kind)"
    cat "$out/$kind/evaluation/report.txt"
done
