"""Stage 1: KL autoencoder 64x64x3 -> 8x8x4. Writes work/vae.pt and work/latents.npz (posterior mean/std)."""
import math
import time
import numpy as np
import torch
import torch.nn.functional as F
from common import setup, dataset, to_tensor, WORK
from models import Encoder, Decoder, VAE

STEPS = int(__import__("os").environ.get("STEPS", "700"))
BATCH = 64
LR = 2e-3
KL_WEIGHT = 1e-4

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
        lr = LR * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for pg in opt.param_groups:
            pg["lr"] = lr
        idx = torch.randint(0, len(imgs), (BATCH,), generator=g).numpy()
        x = to_tensor(imgs[idx])
        p = enc(x)
        mean, logvar = p[:, :4], p[:, 4:].clamp(-30, 20)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
        rec = dec(z)
        mse = F.mse_loss(rec, x)
        l1 = (rec - x).abs().mean()
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = mse + 0.5 * l1 + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            print(f"step {step} mse {mse.item():.5f} l1 {l1.item():.4f} kl {kl.item():.3f} "
                  f"std(mean) {mean.std().item():.3f} sigma {torch.exp(0.5 * logvar).mean().item():.4f} "
                  f"{time.time() - t1:.0f}s", flush=True)
    enc.eval(); dec.eval()
    means, stds = [], []
    with torch.no_grad():
        for i in range(0, len(imgs), 500):
            p = enc(to_tensor(imgs[i:i + 500]))
            means.append(p[:, :4].numpy()); stds.append(torch.exp(0.5 * p[:, 4:].clamp(-30, 20)).numpy())
    means, stds = np.concatenate(means), np.concatenate(stds)
    rng = np.random.default_rng(3)
    samples = means + stds * rng.standard_normal(means.shape).astype(np.float32)
    std = float(samples.std())
    scaling = 1.0 / std
    with torch.no_grad():
        x = to_tensor(imgs[:500])
        rec = dec(torch.from_numpy(means[:500]))
        print("final recon mse (mean latent) %.5f" % F.mse_loss(rec, x).item())
    print(f"latent std {std:.4f} mean {samples.mean():.4f} -> scaling_factor {scaling:.5f}; vae time {time.time() - t0:.0f}s")
    torch.save({"encoder": enc.state_dict(), "decoder": dec.state_dict(), "scaling_factor": scaling}, f"{WORK}/vae.pt")
    np.savez(f"{WORK}/latents.npz", mean=means, std=stds, scaling_factor=scaling)
