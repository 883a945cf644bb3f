#!/usr/bin/env bash
# The photo autoencoder (configs/autoencoder/photos-kl-f4.yaml) trained with L1 only beside the same
# autoencoder trained with the full first-stage loss (L1 + perceptual distance (EfficientNet-Lite0) +
# patch-GAN), for the same number of steps, then both evaluated by `train-ae evaluate` on the held-out
# photos: PSNR, SSIM, L1, MSE, perceptual distance, and a grid of reconstructions each.
#
#   Scripts/compare-photo-losses.sh [STEPS] [OUT]   (defaults: the config's 2000 steps, runs/photo-losses)
#
# The two runs train at the same time, each on one core (LDM_NUM_THREADS=1); a run folder that already
# holds a run is resumed. The reports end up in OUT/{l1,full}/evaluation/.
set -euo pipefail
steps=${1:-2000}
out=${2:-runs/photo-losses}
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product train-ae
mkdir -p "$out"
config=configs/autoencoder/photos-kl-f4.yaml
pids=()
for kind in l1 full; do
    losses=()
    [ "$kind" = l1 ] && losses=(--set loss.perceptual_weight=0 --set loss.disc_weight=0)
    run=(--config "$config" "${losses[@]}" --run-dir "$out/$kind")
    [ -f "$out/$kind/checkpoints/last.safetensors" ] && run=(--resume "$out/$kind")
    LDM_NUM_THREADS=1 .build/release/train-ae "${run[@]}" --set train.steps="$steps" > "$out/$kind.train.log" 2>&1 &
    pids+=($!)
done
echo "compare-photo-losses: training both for $steps steps (logs: $out/l1.train.log, $out/full.train.log)"
for pid in "${pids[@]}"; do wait "$pid"; done
for kind in l1 full; do
    .build/release/train-ae evaluate --checkpoint "$out/$kind" > "$out/$kind.evaluate.log" 2>&1
    echo "== $kind: $steps steps (run $out/$kind)"
    cat "$out/$kind/evaluation/report.txt"
done
