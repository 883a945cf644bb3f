#!/usr/bin/env bash
# Installs the Debian packages swift-ldm builds against, and only those that are missing, so that it
# returns at once when everything is there. Runs as root (CI) or through sudo. Then fetches the
# pretrained weights (Scripts/fetch-weights.sh), also only when missing.
set -euo pipefail

packages=(libopenblas-dev libhdf5-dev libjpeg-dev libpng-dev zlib1g-dev pkg-config dataset-fashion-mnist opencv-doc fonts-noto-color-emoji unicode-data python3-pip)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query --show --showformat='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
    echo "setup: system packages present: ${packages[*]}"
    bash "$(dirname "$0")/fetch-weights.sh"
    exit 0
fi

if ((EUID == 0)); then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    echo "setup: missing ${missing[*]}; run this script as root or install sudo" >&2
    exit 1
fi

echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends "${missing[@]}"
echo "setup: installed ${missing[*]}"
bash "$(dirname "$0")/fetch-weights.sh"
