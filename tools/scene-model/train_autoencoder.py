"""Stage 1: KL autoencoder 64x64x3 -> 8x8x4 (models.Encoder + models.Decoder), trained from scratch with a
foreground-weighted reconstruction loss so that small shapes keep their outline.
Writes $SCENE_WORK/vae.pt (encoder, decoder, scaling_factor) and latents.npz (posterior mean/std of every scene)."""
import math
import os
import time
import numpy as np
import torch
from common import setup, dataset, to_tensor, WORK
from models import Encoder, Decoder, VAE

STEPS = int(os.environ.get("STEPS", "3000"))
BATCH = int(os.environ.get("BATCH", "64"))
LR = float(os.environ.get("LR", "2e-3"))
WARMUP = 50
KL_WEIGHT = 1e-4       # on the per-element KL: keeps the latent scale in check without blurring (sigma ends ~0.02)
FG_WEIGHT = 4.0        # extra loss weight on pixels whose colour differs from the image's median (= background) colour
FG_THRESHOLD = 0.15    # max abs channel difference (in [-1, 1] units) that counts as "differs"


def encode_all(enc, imgs):
    means, stds = [], []
    with torch.no_grad():
        for i in range(0, len(imgs), 500):
            p = enc(to_tensor(imgs[i:i + 500]))
            means.append(p[:, :4].numpy())
            stds.append(torch.exp(0.5 * p[:, 4:].clamp(-30, 20)).numpy())
    return np.concatenate(means), np.concatenate(stds)


if __name__ == "__main__":
    setup(1)
    t0 = time.time()
    imgs, _ = dataset()
    print(f"data {len(imgs)} in {time.time() - t0:.1f}s", flush=True)
    enc, dec = Encoder(**VAE), Decoder(**VAE)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.0)
    g = torch.Generator().manual_seed(2)
    t1 = time.time()
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for pg in opt.param_groups:
            pg["lr"] = lr
        idx = torch.randint(0, len(imgs), (BATCH,), generator=g).numpy()
        x = to_tensor(imgs[idx])
        # the median colour of a scene is its background: the shape pixels (a few % of the image) get 5x the weight
        med = x.flatten(2).median(-1).values[:, :, None, None]
        w = 1.0 + FG_WEIGHT * ((x - med).abs().amax(1, keepdim=True) > FG_THRESHOLD).float()
        p = enc(x)
        mean, logvar = p[:, :4], p[:, 4:].clamp(-30, 20)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
        err = dec(z) - x
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = (w * (err ** 2 + 0.5 * err.abs())).mean() / w.mean() + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            el = time.time() - t1
            print(f"step {step} loss {loss.item():.5f} mse {(err ** 2).mean().item():.5f} kl {kl.item():.3f} "
                  f"sigma {torch.exp(0.5 * logvar).mean().item():.4f} {el:.0f}s ({el / (step + 1):.2f}s/step)",
                  flush=True)
    enc.eval(); dec.eval()
    means, stds = encode_all(enc, imgs)
    # scaling_factor = 1 / std of posterior samples, as Stable Diffusion's VAE config does (0.18215 there)
    rng = np.random.default_rng(3)
    std = float((means + stds * rng.standard_normal(means.shape).astype(np.float32)).std())
    print(f"latent std {std:.4f} -> scaling_factor {1 / std:.5f}; autoencoder time {time.time() - t0:.0f}s",
          flush=True)
    torch.save({"encoder": enc.state_dict(), "decoder": dec.state_dict(), "scaling_factor": 1 / std},
               f"{WORK}/vae.pt")
    np.savez(f"{WORK}/latents.npz", mean=means, std=stds, scaling_factor=1 / std)
