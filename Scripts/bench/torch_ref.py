#!/usr/bin/env python3
"""PyTorch CPU reference timings for a latent-diffusion training framework.

Self-contained: plain PyTorch modules written after CompVis/latent-diffusion
(ldm/modules/diffusionmodules/model.py, openaimodel.py, ldm/modules/attention.py,
ldm/models/diffusion/ddim.py).  No diffusers / ldm import.

swift-ldm's copy of ../shared/bench/torch_ref.py (BENCH.md's yardstick), with one addition:
--batch N and --image-size S run the same architectures at other sizes, as ldm-bench's options
of the same names (the latent cases work on the f = 4 latents of S×S images, the conv case on
S/2 × S/2 maps). Scripts/side-by-side.sh runs it beside ldm-bench.

Usage
  python torch_ref.py                      # full suite, each case in a fresh subprocess
  python torch_ref.py --case unet-step --threads 2 [--steps N --warmup N]
  python torch_ref.py --summarize run1.jsonl run2.jsonl run3.jsonl   # medians/spread table
  python torch_ref.py --list
  python torch_ref.py --flop-breakdown     # FLOPs per step split by aten op

Every case prints ONE JSON line: median/min/max seconds per step, samples/s,
peak RSS of the case's own process (resource.getrusage ru_maxrss, so the suite runs
each case in its own subprocess), parameter count and FLOPs per step counted with
torch.utils.flop_counter.FlopCounterMode (matmul/conv/bmm only; norms, activations,
softmax and optimizer arithmetic are not counted).
"""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IMPORT_RSS_MB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------------------
# Stage 1: AutoencoderKL (ldm/modules/diffusionmodules/model.py, ldm/models/autoencoder.py)
# --------------------------------------------------------------------------------------

def ae_norm(c):
    return nn.GroupNorm(num_groups=32, num_channels=c, eps=1e-6, affine=True)


class AEResnetBlock(nn.Module):
    """GN-SiLU-conv3x3, GN-SiLU-(dropout 0)-conv3x3, skip (1x1 nin_shortcut if cin != cout).
    temb_channels = 0 in the autoencoder, so there is no temb projection."""

    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = ae_norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2 = ae_norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1, 1, 0) if cin != cout else None

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        if self.nin_shortcut is not None:
            x = self.nin_shortcut(x)
        return x + h


class AEAttnBlock(nn.Module):
    """Single-head spatial self-attention with 1x1 conv q, k, v, proj_out."""

    def __init__(self, c):
        super().__init__()
        self.norm = ae_norm(c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        b, c, hh, ww = q.shape
        q = q.reshape(b, c, hh * ww).permute(0, 2, 1)  # b, hw, c
        k = k.reshape(b, c, hh * ww)  # b, c, hw
        w_ = torch.bmm(q, k) * (int(c) ** (-0.5))  # b, hw(i), hw(j)
        w_ = F.softmax(w_, dim=2)
        v = v.reshape(b, c, hh * ww)
        h = torch.bmm(v, w_.permute(0, 2, 1))  # b, c, hw(i)
        h = h.reshape(b, c, hh, ww)
        return x + self.proj_out(h)


class AEDownsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0.0))


class AEUpsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Encoder(nn.Module):
    def __init__(self, ch, ch_mult, num_res_blocks, attn_resolutions, in_channels, resolution,
                 z_channels, double_z=True):
        super().__init__()
        self.num_resolutions = len(ch_mult)
        self.num_res_blocks = num_res_blocks
        self.conv_in = nn.Conv2d(in_channels, ch, 3, 1, 1)
        curr_res = resolution
        in_ch_mult = (1,) + tuple(ch_mult)
        self.down = nn.ModuleList()
        block_in = ch
        for i_level in range(self.num_resolutions):
            block = nn.ModuleList()
            attn = nn.ModuleList()
            block_in = ch * in_ch_mult[i_level]
            block_out = ch * ch_mult[i_level]
            for _ in range(num_res_blocks):
                block.append(AEResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    attn.append(AEAttnBlock(block_in))
            down = nn.Module()
            down.block = block
            down.attn = attn
            if i_level != self.num_resolutions - 1:
                down.downsample = AEDownsample(block_in)
                curr_res //= 2
            self.down.append(down)
        self.mid_block_1 = AEResnetBlock(block_in, block_in)
        self.mid_attn_1 = AEAttnBlock(block_in)
        self.mid_block_2 = AEResnetBlock(block_in, block_in)
        self.norm_out = ae_norm(block_in)
        self.conv_out = nn.Conv2d(block_in, 2 * z_channels if double_z else z_channels, 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for i_level in range(self.num_resolutions):
            for i_block in range(self.num_res_blocks):
                h = self.down[i_level].block[i_block](h)
                if len(self.down[i_level].attn) > 0:
                    h = self.down[i_level].attn[i_block](h)
            if i_level != self.num_resolutions - 1:
                h = self.down[i_level].downsample(h)
        h = self.mid_block_2(self.mid_attn_1(self.mid_block_1(h)))
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, ch, out_ch, ch_mult, num_res_blocks, attn_resolutions, resolution, z_channels):
        super().__init__()
        self.num_resolutions = len(ch_mult)
        self.num_res_blocks = num_res_blocks
        block_in = ch * ch_mult[-1]
        curr_res = resolution // 2 ** (self.num_resolutions - 1)
        self.conv_in = nn.Conv2d(z_channels, block_in, 3, 1, 1)
        self.mid_block_1 = AEResnetBlock(block_in, block_in)
        self.mid_attn_1 = AEAttnBlock(block_in)
        self.mid_block_2 = AEResnetBlock(block_in, block_in)
        self.up = nn.ModuleList()
        for i_level in reversed(range(self.num_resolutions)):
            block = nn.ModuleList()
            attn = nn.ModuleList()
            block_out = ch * ch_mult[i_level]
            for _ in range(num_res_blocks + 1):
                block.append(AEResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    attn.append(AEAttnBlock(block_in))
            up = nn.Module()
            up.block = block
            up.attn = attn
            if i_level != 0:
                up.upsample = AEUpsample(block_in)
                curr_res *= 2
            self.up.insert(0, up)  # keep CompVis ordering
        self.norm_out = ae_norm(block_in)
        self.conv_out = nn.Conv2d(block_in, out_ch, 3, 1, 1)

    def forward(self, z):
        h = self.conv_in(z)
        h = self.mid_block_2(self.mid_attn_1(self.mid_block_1(h)))
        for i_level in reversed(range(self.num_resolutions)):
            for i_block in range(self.num_res_blocks + 1):
                h = self.up[i_level].block[i_block](h)
                if len(self.up[i_level].attn) > 0:
                    h = self.up[i_level].attn[i_block](h)
            if i_level != 0:
                h = self.up[i_level].upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class DiagonalGaussian:
    def __init__(self, parameters):
        self.mean, logvar = torch.chunk(parameters, 2, dim=1)
        self.logvar = torch.clamp(logvar, -30.0, 20.0)
        self.std = torch.exp(0.5 * self.logvar)
        self.var = torch.exp(self.logvar)

    def sample(self):
        return self.mean + self.std * torch.randn_like(self.mean)

    def mode(self):
        return self.mean

    def kl(self):
        return 0.5 * torch.sum(self.mean.pow(2) + self.var - 1.0 - self.logvar, dim=[1, 2, 3])


class AutoencoderKL(nn.Module):
    def __init__(self, ch=64, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=(),
                 in_channels=3, out_ch=3, resolution=64, z_channels=4, embed_dim=4):
        super().__init__()
        self.encoder = Encoder(ch, ch_mult, num_res_blocks, attn_resolutions, in_channels,
                               resolution, z_channels, double_z=True)
        self.decoder = Decoder(ch, out_ch, ch_mult, num_res_blocks, attn_resolutions, resolution,
                               z_channels)
        self.quant_conv = nn.Conv2d(2 * z_channels, 2 * embed_dim, 1)
        self.post_quant_conv = nn.Conv2d(embed_dim, z_channels, 1)

    def encode(self, x):
        return DiagonalGaussian(self.quant_conv(self.encoder(x)))

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))

    def forward(self, x, sample_posterior=True):
        post = self.encode(x)
        z = post.sample() if sample_posterior else post.mode()
        return self.decode(z), post


AE_CONFIG = dict(ch=64, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=(), in_channels=3,
                 out_ch=3, resolution=64, z_channels=4, embed_dim=4)


# --------------------------------------------------------------------------------------
# Stage 2: UNetModel + SpatialTransformer (openaimodel.py, attention.py)
# --------------------------------------------------------------------------------------

def zero_module(m):
    for p in m.parameters():
        p.detach().zero_()
    return m


def unet_norm(c):
    return nn.GroupNorm(32, c)  # GroupNorm32: eps 1e-5 (torch default)


def timestep_embedding(timesteps, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = timesteps[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)  # [cos, sin] order


class ResBlock(nn.Module):
    def __init__(self, channels, emb_channels, out_channels):
        super().__init__()
        self.in_layers = nn.Sequential(unet_norm(channels), nn.SiLU(),
                                       nn.Conv2d(channels, out_channels, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, out_channels))
        self.out_layers = nn.Sequential(unet_norm(out_channels), nn.SiLU(),
                                        zero_module(nn.Conv2d(out_channels, out_channels, 3, padding=1)))
        self.skip = nn.Identity() if out_channels == channels else nn.Conv2d(channels, out_channels, 1)

    def forward(self, x, emb):
        h = self.in_layers(x)
        h = h + self.emb_layers(emb)[:, :, None, None]
        h = self.out_layers(h)
        return self.skip(x) + h


class Downsample(nn.Module):  # UNet: symmetric padding 1, stride 2
    def __init__(self, c):
        super().__init__()
        self.op = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class CrossAttention(nn.Module):
    """Explicit einsum attention as in CompVis attention.py (no fused SDPA)."""

    def __init__(self, query_dim, context_dim=None, heads=8, dim_head=64):
        super().__init__()
        inner = dim_head * heads
        context_dim = query_dim if context_dim is None else context_dim
        self.scale = dim_head ** -0.5
        self.heads = heads
        self.to_q = nn.Linear(query_dim, inner, bias=False)
        self.to_k = nn.Linear(context_dim, inner, bias=False)
        self.to_v = nn.Linear(context_dim, inner, bias=False)
        self.to_out = nn.Linear(inner, query_dim)  # + Dropout(0)

    def forward(self, x, context=None):
        h = self.heads
        context = x if context is None else context
        q, k, v = self.to_q(x), self.to_k(context), self.to_v(context)
        b, n, _ = q.shape
        m = k.shape[1]
        q = q.reshape(b, n, h, -1).permute(0, 2, 1, 3).reshape(b * h, n, -1)
        k = k.reshape(b, m, h, -1).permute(0, 2, 1, 3).reshape(b * h, m, -1)
        v = v.reshape(b, m, h, -1).permute(0, 2, 1, 3).reshape(b * h, m, -1)
        sim = torch.einsum("bid,bjd->bij", q, k) * self.scale
        attn = sim.softmax(dim=-1)
        out = torch.einsum("bij,bjd->bid", attn, v)
        out = out.reshape(b, h, n, -1).permute(0, 2, 1, 3).reshape(b, n, -1)
        return self.to_out(out)


class GEGLU(nn.Module):
    def __init__(self, dim_in, dim_out):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out * 2)

    def forward(self, x):
        x, gate = self.proj(x).chunk(2, dim=-1)
        return x * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim, mult=4):
        super().__init__()
        inner = dim * mult
        self.net = nn.Sequential(GEGLU(dim, inner), nn.Linear(inner, dim))  # Dropout(0) omitted

    def forward(self, x):
        return self.net(x)


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim, n_heads, d_head, context_dim):
        super().__init__()
        self.attn1 = CrossAttention(dim, None, n_heads, d_head)  # self-attention
        self.ff = FeedForward(dim, mult=4)
        self.attn2 = CrossAttention(dim, context_dim, n_heads, d_head)  # cross-attention
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.norm3 = nn.LayerNorm(dim)

    def forward(self, x, context):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), context=context) + x
        x = self.ff(self.norm3(x)) + x
        return x


class SpatialTransformer(nn.Module):
    def __init__(self, in_channels, n_heads, d_head, depth, context_dim):
        super().__init__()
        inner = n_heads * d_head
        self.norm = nn.GroupNorm(32, in_channels, eps=1e-6)
        self.proj_in = nn.Conv2d(in_channels, inner, 1)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(inner, n_heads, d_head, context_dim) for _ in range(depth)])
        self.proj_out = zero_module(nn.Conv2d(inner, in_channels, 1))

    def forward(self, x, context):
        b, c, h, w = x.shape
        x_in = x
        x = self.proj_in(self.norm(x))
        x = x.permute(0, 2, 3, 1).reshape(b, h * w, -1)  # b c h w -> b (h w) c
        for blk in self.transformer_blocks:
            x = blk(x, context)
        x = x.reshape(b, h, w, -1).permute(0, 3, 1, 2)
        return self.proj_out(x) + x_in


class TimestepEmbedSequential(nn.Sequential):
    def forward(self, x, emb, context):
        for layer in self:
            if isinstance(layer, ResBlock):
                x = layer(x, emb)
            elif isinstance(layer, SpatialTransformer):
                x = layer(x, context)
            else:
                x = layer(x)
        return x


class UNetModel(nn.Module):
    def __init__(self, in_channels, out_channels, model_channels, num_res_blocks, attention_resolutions,
                 channel_mult, num_head_channels, transformer_depth, context_dim):
        super().__init__()
        mc = model_channels
        ted = mc * 4
        self.model_channels = mc
        self.time_embed = nn.Sequential(nn.Linear(mc, ted), nn.SiLU(), nn.Linear(ted, ted))

        def st(ch):
            heads = ch // num_head_channels
            return SpatialTransformer(ch, heads, num_head_channels, transformer_depth, context_dim)

        self.input_blocks = nn.ModuleList([TimestepEmbedSequential(nn.Conv2d(in_channels, mc, 3, padding=1))])
        chans = [mc]
        ch = mc
        ds = 1
        for level, mult in enumerate(channel_mult):
            for _ in range(num_res_blocks):
                layers = [ResBlock(ch, ted, mult * mc)]
                ch = mult * mc
                if ds in attention_resolutions:
                    layers.append(st(ch))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                chans.append(ch)
            if level != len(channel_mult) - 1:
                self.input_blocks.append(TimestepEmbedSequential(Downsample(ch)))
                chans.append(ch)
                ds *= 2
        self.middle_block = TimestepEmbedSequential(ResBlock(ch, ted, ch), st(ch), ResBlock(ch, ted, ch))
        self.output_blocks = nn.ModuleList([])
        for level, mult in list(enumerate(channel_mult))[::-1]:
            for i in range(num_res_blocks + 1):
                ich = chans.pop()
                layers = [ResBlock(ch + ich, ted, mc * mult)]
                ch = mc * mult
                if ds in attention_resolutions:
                    layers.append(st(ch))
                if level and i == num_res_blocks:
                    layers.append(Upsample(ch))
                    ds //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))
        self.out = nn.Sequential(unet_norm(ch), nn.SiLU(), zero_module(nn.Conv2d(mc, out_channels, 3, padding=1)))

    def forward(self, x, timesteps, context):
        emb = self.time_embed(timestep_embedding(timesteps, self.model_channels))
        hs = []
        h = x
        for m in self.input_blocks:
            h = m(h, emb, context)
            hs.append(h)
        h = self.middle_block(h, emb, context)
        for m in self.output_blocks:
            h = torch.cat([h, hs.pop()], dim=1)
            h = m(h, emb, context)
        return self.out(h)


class ClassContext(nn.Module):
    """Learned class embedding table -> cross-attention context of n_tokens x dim."""

    def __init__(self, n_classes=10, n_tokens=8, dim=128):
        super().__init__()
        self.n_tokens, self.dim = n_tokens, dim
        self.embedding = nn.Embedding(n_classes, n_tokens * dim)

    def forward(self, y):
        return self.embedding(y).reshape(y.shape[0], self.n_tokens, self.dim)


UNET_LATENT_CONFIG = dict(in_channels=4, out_channels=4, model_channels=64, num_res_blocks=2,
                          attention_resolutions=(2, 4), channel_mult=(1, 2, 2), num_head_channels=32,
                          transformer_depth=1, context_dim=128)
UNET_PIXEL_CONFIG = dict(in_channels=3, out_channels=3, model_channels=64, num_res_blocks=2,
                         attention_resolutions=(4, 8), channel_mult=(1, 2, 2, 2), num_head_channels=32,
                         transformer_depth=1, context_dim=128)


def make_schedule(T=1000, linear_start=0.0015, linear_end=0.0155):
    # CompVis make_beta_schedule("linear"): linspace in sqrt space, then squared.
    betas = torch.linspace(linear_start ** 0.5, linear_end ** 0.5, T, dtype=torch.float64) ** 2
    alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
    return betas, alphas_cumprod


# --------------------------------------------------------------------------------------
# Benchmark cases
# --------------------------------------------------------------------------------------

def nparams(*mods):
    return sum(p.numel() for m in mods for p in m.parameters())


def count_flops(fn):
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc:
        fn()
    return int(fc.get_total_flops())


def cpu_ticks():
    """Aggregate /proc/stat 'cpu' line: (total, idle+iowait, steal) jiffies, or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v[:8]), v[3] + v[4], v[7]
    except (OSError, ValueError, IndexError):
        return None


LAST_CPU = {}

# --batch and --image-size (None: each case's own batch; 64: BENCH.md's images).
SIZE = dict(batch=None, image=64)


def batch_or(default):
    return SIZE["batch"] or default


def image_side():
    return SIZE["image"]


def latent_side():
    return SIZE["image"] // 4


def flop_breakdown(name):
    """FLOPs of one step (and of the forward alone, where defined) split by aten op."""
    from torch.utils.flop_counter import FlopCounterMode
    torch.set_num_threads(2)
    spec = CASES[name](None)
    if name == "sgemm":
        return
    out = dict(case=name)
    for key in ("step", "fwd_only"):
        if key not in spec:
            continue
        with FlopCounterMode(display=False) as fc:
            spec[key]()
        counts = fc.get_flop_counts().get("Global", {})
        out[key] = {str(op).replace("aten.", ""): int(v) for op, v in counts.items()}
        out[key]["total"] = int(fc.get_total_flops())
    print(json.dumps(out), flush=True)


def time_steps(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    ts = []
    c0 = cpu_ticks()
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    c1 = cpu_ticks()
    if c0 and c1 and c1[0] > c0[0]:
        tot = c1[0] - c0[0]
        LAST_CPU.update(machine_idle_pct=100.0 * (c1[1] - c0[1]) / tot,
                        machine_steal_pct=100.0 * (c1[2] - c0[2]) / tot)
    return ts


def case_ae_kl_step(args):
    torch.manual_seed(0)
    model = AutoencoderKL(**dict(AE_CONFIG, resolution=image_side())).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    B = batch_or(4)
    x = torch.rand(B, 3, image_side(), image_side()) * 2 - 1

    def step():
        opt.zero_grad(set_to_none=True)
        rec, post = model(x, sample_posterior=True)
        rec_loss = torch.abs(x - rec).mean()
        kl = post.kl().sum() / B
        loss = rec_loss + 1e-6 * kl
        loss.backward()
        opt.step()

    def fwd_only():
        with torch.no_grad():
            model(x, sample_posterior=True)

    return dict(batch=B, params=nparams(model), step=step, fwd_only=fwd_only,
                extra=dict(params_encoder=nparams(model.encoder) + nparams(model.quant_conv),
                           params_decoder=nparams(model.decoder) + nparams(model.post_quant_conv)))


def case_ae_kl_encode(args):
    torch.manual_seed(0)
    model = AutoencoderKL(**dict(AE_CONFIG, resolution=image_side())).eval()
    B = batch_or(16)
    x = torch.rand(B, 3, image_side(), image_side()) * 2 - 1

    def step():
        with torch.no_grad():
            z = model.encode(x).mode()
        return z

    return dict(batch=B, params=nparams(model.encoder) + nparams(model.quant_conv), step=step)


def _unet_train_case(cfg, shape, B):
    torch.manual_seed(0)
    unet = UNetModel(**cfg).train()
    cond = ClassContext(10, 8, 128)
    opt = torch.optim.Adam(list(unet.parameters()) + list(cond.parameters()), lr=1e-4)
    _, ac = make_schedule()
    sqrt_ac = ac.sqrt().float()
    sqrt_1mac = (1.0 - ac).sqrt().float()
    x0 = torch.randn(B, *shape)
    y = torch.randint(0, 10, (B,))

    def step():
        opt.zero_grad(set_to_none=True)
        t = torch.randint(0, 1000, (B,))
        noise = torch.randn_like(x0)
        xt = sqrt_ac[t][:, None, None, None] * x0 + sqrt_1mac[t][:, None, None, None] * noise
        eps = unet(xt, t, cond(y))
        loss = F.mse_loss(eps, noise)
        loss.backward()
        opt.step()

    def fwd_only():
        with torch.no_grad():
            t = torch.randint(0, 1000, (B,))
            unet(x0, t, cond(y))

    return dict(batch=B, params=nparams(unet, cond), step=step, fwd_only=fwd_only,
                extra=dict(params_unet=nparams(unet), params_class_embedding=nparams(cond)))


def case_unet_step(args):
    return _unet_train_case(UNET_LATENT_CONFIG, (4, latent_side(), latent_side()), batch_or(8))


def case_unet_pixel_step(args):
    return _unet_train_case(UNET_PIXEL_CONFIG, (3, image_side(), image_side()), batch_or(8))


def case_ddim_sample(args):
    torch.manual_seed(0)
    unet = UNetModel(**UNET_LATENT_CONFIG).eval()
    cond = ClassContext(10, 8, 128).eval()
    # The zero-initialised output conv makes eps == 0; randomise it so the sampler does real work
    # (timing is unaffected either way).
    with torch.no_grad():
        for p in unet.parameters():
            if p.abs().sum() == 0:
                p.normal_(0, 0.02)
    _, ac = make_schedule()
    S, T, B, scale = 50, 1000, batch_or(8), 3.0
    ddim_ts = list(range(0, T, T // S))
    ddim_ts = [t + 1 for t in ddim_ts]  # CompVis make_ddim_timesteps(uniform) offset
    a = [float(ac[t]) for t in ddim_ts]
    a_prev = [float(ac[0])] + [float(ac[t]) for t in ddim_ts[:-1]]
    y = torch.randint(0, 10, (B,))

    def step():
        with torch.no_grad():
            c = cond(y)
            uc = torch.zeros_like(c)  # unconditional context
            c_in = torch.cat([uc, c])
            x = torch.randn(B, 4, latent_side(), latent_side())
            for i, ts in enumerate(reversed(ddim_ts)):
                idx = S - i - 1
                t_in = torch.full((2 * B,), ts, dtype=torch.long)
                e_uc, e_c = unet(torch.cat([x, x]), t_in, c_in).chunk(2)
                e_t = e_uc + scale * (e_c - e_uc)
                pred_x0 = (x - math.sqrt(1 - a[idx]) * e_t) / math.sqrt(a[idx])
                x = math.sqrt(a_prev[idx]) * pred_x0 + math.sqrt(1 - a_prev[idx]) * e_t  # eta 0
        return x

    return dict(batch=B, params=nparams(unet, cond), step=step,
                extra=dict(ddim_steps=S, cfg_scale=scale, unet_batch=2 * B))


def case_conv(args):
    torch.manual_seed(0)
    N, C, H, W = batch_or(8), 128, image_side() // 2, image_side() // 2
    conv = nn.Conv2d(C, C, 3, padding=1)
    x = torch.randn(N, C, H, W, requires_grad=True)
    g = torch.randn(N, C, H, W)
    fwd_flop = 2 * C * C * 9 * H * W * N

    def step():
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None
        y = conv(x)
        y.backward(g)

    def fwd():
        with torch.no_grad():
            return conv(x)

    return dict(batch=N, params=nparams(conv), step=step, analytic_flop=3 * fwd_flop,
                fwd=fwd, fwd_flop=fwd_flop)


def case_sgemm(args):
    out = []
    for n in (1024, 2048):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        c = torch.empty(n, n)

        def step(a=a, b=b, c=c):
            torch.mm(a, b, out=c)

        out.append((n, step, 2 * n ** 3))
    return out


CASES = {
    "ae-kl-step": case_ae_kl_step,
    "ae-kl-encode": case_ae_kl_encode,
    "unet-step": case_unet_step,
    "unet-pixel-step": case_unet_pixel_step,
    "ddim-sample": case_ddim_sample,
    "conv3x3-fwd-bwd": case_conv,
    "sgemm": case_sgemm,
}

# (case, threads, warmup, steps)
SUITE = [
    ("sgemm", 1, 3, 20), ("sgemm", 2, 3, 30),
    ("conv3x3-fwd-bwd", 1, 3, 15), ("conv3x3-fwd-bwd", 2, 3, 20),
    ("ae-kl-encode", 2, 3, 20),
    ("ae-kl-step", 2, 3, 12),
    ("unet-step", 2, 3, 15),
    ("ddim-sample", 2, 3, 10),
    ("unet-pixel-step", 2, 3, 10),
]


def summarize_times(ts):
    return dict(median_s=statistics.median(ts), min_s=min(ts), max_s=max(ts), n_timed=len(ts))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_case(name, threads, warmup, steps, do_flops=True):
    torch.set_num_threads(threads)
    base = dict(case=name, threads=threads, torch=torch.__version__, warmup=warmup, image_size=SIZE["image"],
                loadavg_1m_at_start=os.getloadavg()[0])
    spec = CASES[name](None)
    if name == "sgemm":
        for n, step, flop in spec:
            ts = time_steps(step, warmup, steps)
            r = dict(base, case=f"sgemm-{n}", n=n, **summarize_times(ts))
            r["gflops_median"] = flop / r["median_s"] * 1e-9
            r["gflops_best"] = flop / r["min_s"] * 1e-9
            r["flops_per_step"] = flop
            r.update(LAST_CPU)
            r["peak_rss_mb"] = rss_mb()
            r["import_rss_mb"] = IMPORT_RSS_MB
            r["params"] = 0
            print(json.dumps(r), flush=True)
        return
    ts = time_steps(spec["step"], warmup, steps)
    r = dict(base, batch=spec["batch"], **summarize_times(ts))
    r.update(LAST_CPU)
    r["samples_per_s"] = spec["batch"] / r["median_s"]
    r["params"] = spec["params"]
    r.update(spec.get("extra", {}))
    if "fwd" in spec:
        tf = time_steps(spec["fwd"], warmup, steps)
        r["fwd_median_s"] = statistics.median(tf)
        r["fwd_min_s"] = min(tf)
        r["fwd_gflops_median"] = spec["fwd_flop"] / r["fwd_median_s"] * 1e-9
        r["fwd_gflops_best"] = spec["fwd_flop"] / r["fwd_min_s"] * 1e-9
    r["peak_rss_mb"] = rss_mb()
    r["import_rss_mb"] = IMPORT_RSS_MB
    if "analytic_flop" in spec:
        flop = spec["analytic_flop"]
        r["flops_per_step"] = flop
        r["flops_source"] = "analytic 3 x 2*Cin*Cout*9*H*W*N"
        if do_flops:
            r["flops_counted"] = count_flops(spec["step"])
    elif do_flops:
        flop = count_flops(spec["step"])
        r["flops_per_step"] = flop
        r["flops_source"] = "FlopCounterMode (mm/bmm/conv only)"
        if "fwd_only" in spec:
            r["flops_forward_only"] = count_flops(spec["fwd_only"])
    else:
        flop = None
    if flop:
        r["gflops_median"] = flop / r["median_s"] * 1e-9
        r["gflops_best"] = flop / r["min_s"] * 1e-9
    print(json.dumps(r), flush=True)


def run_suite(args):
    env = dict(os.environ)
    for name, threads, warmup, steps in SUITE:
        if args.only and name not in args.only:
            continue
        if args.steps:
            steps = args.steps
        env["OMP_NUM_THREADS"] = str(threads)
        env["MKL_NUM_THREADS"] = str(threads)
        cmd = [sys.executable, os.path.abspath(__file__), "--case", name, "--threads", str(threads),
               "--warmup", str(warmup), "--steps", str(steps)]
        if args.no_flops:
            cmd.append("--no-flops")
        if args.batch:
            cmd += ["--batch", str(args.batch)]
        cmd += ["--image-size", str(args.image_size)]
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(p.stdout)
        sys.stdout.flush()
        if p.returncode != 0:
            print(json.dumps(dict(case=name, threads=threads, error=p.returncode)), flush=True)


def summarize_files(paths):
    """Median / min / spread across runs of each case's median step time."""
    runs = []
    for pth in paths:
        with open(pth) as f:
            runs.append([json.loads(l) for l in f if l.strip().startswith("{")])
    keys = []
    by = {}
    for rr in runs:
        for r in rr:
            k = (r["case"], r["threads"])
            if k not in by:
                keys.append(k)
                by[k] = []
            by[k].append(r)
    print("| case | thr | runs | median s/step (per run) | median of medians | best min | spread % | "
          "samples/s | GFLOP/s (median) | peak RSS MB | params |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in keys:
        rs = by[k]
        meds = [r["median_s"] for r in rs]
        mm = statistics.median(meds)
        spread = (max(meds) - min(meds)) / mm * 100
        sps = rs[0].get("batch", 0) / mm if rs[0].get("batch") else float("nan")
        flop = rs[0].get("flops_per_step")
        gf = flop / mm * 1e-9 if flop else float("nan")
        print(f"| {k[0]} | {k[1]} | {len(rs)} | {', '.join(f'{m:.4g}' for m in meds)} | {mm:.4g} | "
              f"{min(r['min_s'] for r in rs):.4g} | {spread:.1f} | {sps:.3g} | {gf:.1f} | "
              f"{statistics.median(r['peak_rss_mb'] for r in rs):.0f} | {rs[0].get('params', 0):,} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=sorted(CASES))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--no-flops", action="store_true")
    ap.add_argument("--only", nargs="*", help="suite: restrict to these case names")
    ap.add_argument("--summarize", nargs="+", metavar="JSONL")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--flop-breakdown", action="store_true", help="per-op FLOPs of every case")
    ap.add_argument("--batch", type=int, help="samples per step instead of each case's own")
    ap.add_argument("--image-size", type=int, default=64, help="image side in pixels (BENCH.md: 64)")
    args = ap.parse_args()
    SIZE.update(batch=args.batch, image=args.image_size)
    if args.list:
        for s in SUITE:
            print(*s)
        return
    if args.flop_breakdown:
        for name in CASES:
            flop_breakdown(name)
        return
    if args.summarize:
        summarize_files(args.summarize)
        return
    if args.case:
        run_case(args.case, args.threads, args.warmup, args.steps or 10, do_flops=not args.no_flops)
        return
    run_suite(args)


if __name__ == "__main__":
    main()
