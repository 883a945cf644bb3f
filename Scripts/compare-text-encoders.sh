#!/usr/bin/env bash
# Text-to-image on the emoji with both text encoders: configs/ldm/emoji-text-trained.yaml (a transformer
# trained from scratch with the UNet, the paper's way) beside configs/ldm/emoji-text-minilm.yaml (the
# frozen pretrained all-MiniLM-L6-v2, the Stable Diffusion way), trained for the same number of steps,
# then both evaluated by `train-ldm evaluate`: the held-out diffusion loss, and one sample for each of the
# 366 held-out captions scored by the group judge (checkpoints/judge/emoji-groups.safetensors, trained
# on first use) beside chance and the judge's accuracy on the real held-out emoji; then the same samples
# scored by the subgroup judge (checkpoints/judge/emoji-subgroups.safetensors).
#
#   Scripts/compare-text-encoders.sh [STEPS] [OUT]   (defaults: 2000 steps, runs/text-encoders)
#
# The first stage is trained into checkpoints/emoji-kl-f4 first when it is missing (about 1 h on 2
# cores). The two diffusion runs train at the same time, each on one core (LDM_NUM_THREADS=1); a run
# folder that already holds a run is resumed. Reports and sample grids end up in
# OUT/{trained,minilm}/evaluation/ and OUT/{trained,minilm}/evaluation-subgroups/.
set -euo pipefail
steps=${1:-2000}
out=${2:-runs/text-encoders}
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product train-ae
swift build -c release --product train-ldm
if [ ! -f checkpoints/emoji-kl-f4/checkpoints/last.safetensors ]; then
    .build/release/train-ae --config configs/autoencoder/emoji-kl-f4.yaml --run-dir checkpoints/emoji-kl-f4
fi
mkdir -p "$out"
pids=()
for encoder in trained minilm; do
    run=(--config "configs/ldm/emoji-text-$encoder.yaml" --run-dir "$out/$encoder")
    [ -f "$out/$encoder/checkpoints/last.safetensors" ] && run=(--resume "$out/$encoder")
    LDM_NUM_THREADS=1 .build/release/train-ldm "${run[@]}" --set train.steps="$steps" > "$out/$encoder.train.log" 2>&1 &
    pids+=($!)
done
echo "compare-text-encoders: training both for $steps steps (logs: $out/trained.train.log, $out/minilm.train.log)"
for pid in "${pids[@]}"; do wait "$pid"; done
for encoder in trained minilm; do
    .build/release/train-ldm evaluate --checkpoint "$out/$encoder" --set judge.path=checkpoints/judge/emoji-groups.safetensors \
        > "$out/$encoder.evaluate.log" 2>&1
    .build/release/train-ldm evaluate --checkpoint "$out/$encoder" --out "$out/$encoder/evaluation-subgroups" \
        --set data.labels=subgroup --set judge.path=checkpoints/judge/emoji-subgroups.safetensors \
        > "$out/$encoder.evaluate-subgroups.log" 2>&1
    echo "== $encoder: $steps steps (run $out/$encoder), judged by group, then by subgroup"
    cat "$out/$encoder/evaluation/report.txt" "$out/$encoder/evaluation-subgroups/report.txt"
done
