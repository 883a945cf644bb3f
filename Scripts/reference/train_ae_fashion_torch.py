"""The default first stage's recipe trained in PyTorch for CPU, as a yardstick for `make demo`.

Trains the KL-f4 autoencoder of configs/autoencoder/fashion-kl-f4.yaml (ch 32, ch_mult [1, 2, 2], one
res block, z 4) on Fashion-MNIST padded to 32², with CompVis's loss (L1 summed over pixels and averaged
over the batch + 1e-6 KL), Adam betas 0.5/0.9, then measures the 10,000 t10k images on the original
28×28 area exactly as `train-ae evaluate` does (mean per-image PSNR on [0, 1]; SSIM with scikit-image's
Gaussian 11×11 window, σ 1.5). Prints seconds per step and the figures.

    python Scripts/reference/train_ae_fashion_torch.py [--steps 2000] [--batch 32] [--lr 1e-3] [--threads 2]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from skimage.metrics import structural_similarity

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "lib"))
from compvis_autoencoder import build  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def images(split):
    with gzip.open(f"{DATA}/{split}-images-idx3-ubyte.gz") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    padded = np.pad(raw, ((0, 0), (0, 0), (2, 2), (2, 2)))
    return torch.from_numpy(padded.astype(np.float32) / 127.5 - 1)


def encode_mode(model, x):
    mean, _ = torch.chunk(model.quant_conv(model.encoder(x)), 2, dim=1)
    return mean


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train, held_out = images("train"), images("t10k")
    model = build("kl", ch=32, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=(), in_channels=1,
                  resolution=32, z_channels=4, embed_dim=4)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.5, 0.9))
    order, cursor = torch.randperm(len(train)), 0
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        if cursor + args.batch > len(order):
            order, cursor = torch.randperm(len(train)), 0
        x = train[order[cursor:cursor + args.batch]]
        cursor += args.batch
        mean, logvar = torch.chunk(model.quant_conv(model.encoder(x)), 2, dim=1)
        logvar = torch.clamp(logvar, -30.0, 20.0)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = model.decoder(model.post_quant_conv(z))
        kl = 0.5 * torch.sum(mean.pow(2) + logvar.exp() - 1.0 - logvar) / args.batch
        loss = torch.abs(x - rec).sum() / args.batch + 1e-6 * kl
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            elapsed = time.perf_counter() - start
            print(f"step {step} rec {torch.abs(x - rec).mean().item():.4f} {elapsed / step:.3f} s/step", flush=True)
    train_seconds = time.perf_counter() - start

    psnrs, ssims = [], []
    with torch.no_grad():
        for i in range(0, len(held_out), 200):
            x = held_out[i:i + 200]
            rec = model.decoder(model.post_quant_conv(encode_mode(model, x))).clamp(-1, 1)
            a = ((x[:, 0, 2:30, 2:30] + 1) / 2).numpy().astype(np.float64)
            b = ((rec[:, 0, 2:30, 2:30] + 1) / 2).numpy().astype(np.float64)
            for u, v in zip(a, b):
                mse = np.mean((u - v) ** 2)
                psnrs.append(10 * np.log10(1 / max(mse, 1e-10)))
                ssims.append(structural_similarity(u, v, data_range=1.0, gaussian_weights=True, sigma=1.5,
                                                   use_sample_covariance=False))
    print(f"train {train_seconds:.0f} s ({train_seconds / args.steps:.3f} s/step), "
          f"PSNR {np.mean(psnrs):.2f} dB, SSIM {np.mean(ssims):.4f}")


if __name__ == "__main__":
    main()
