"""Stage 3: fine-tune the encoder and Decoder2 jointly (warm start from stage 1 encoder + stage 1b decoder) with a
foreground-weighted loss, so small shapes keep their outline. Reads work/, writes $SCENE_WORK (default work2/):
vae.pt, decoder2.pt, latents.npz, tokenizer/ and data.npz (links)."""
import math
import os
import time
import numpy as np
import torch
import torch.nn.functional as F
import common
from common import setup, to_tensor
from models import Encoder, Decoder2, VAE

SRC = os.path.join(common.HERE, "work")
STEPS = int(os.environ.get("STEPS", "1000"))
BATCH = 64
LR = 5e-4
KL_WEIGHT = 1e-4
FG_WEIGHT = 4.0        # extra loss weight on pixels whose colour differs from the image's median colour
FG_THRESHOLD = 0.15    # max abs channel difference (in [-1, 1] units) that counts as "differs"

if __name__ == "__main__":
    out = common.WORK if os.environ.get("SCENE_WORK") else os.path.join(common.HERE, "work2")
    common.WORK = out
    setup(8)
    for f in ("data.npz", "tokenizer"):
        if not os.path.exists(os.path.join(out, f)):
            os.symlink(os.path.join(SRC, f), os.path.join(out, f))
    t0 = time.time()
    imgs = np.load(os.path.join(out, "data.npz"))["images"]
    v = torch.load(f"{SRC}/vae.pt")
    enc, dec = Encoder(**VAE), Decoder2(**VAE)
    enc.load_state_dict(v["encoder"])
    dec.load_state_dict(torch.load(f"{SRC}/decoder2.pt")["decoder2"])
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.0)
    g = torch.Generator().manual_seed(9)
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for pg in opt.param_groups:
            pg["lr"] = lr
        idx = torch.randint(0, len(imgs), (BATCH,), generator=g).numpy()
        x = to_tensor(imgs[idx])
        med = x.flatten(2).median(-1).values[:, :, None, None]
        w = 1.0 + FG_WEIGHT * ((x - med).abs().amax(1, keepdim=True) > FG_THRESHOLD).float()
        p = enc(x)
        mean, logvar = p[:, :4], p[:, 4:].clamp(-30, 20)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
        rec = dec(z)
        err = rec - x
        loss = (w * (err ** 2 + 0.5 * err.abs())).mean() / w.mean() \
            + KL_WEIGHT * 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            print(f"step {step} loss {loss.item():.5f} mse {(err ** 2).mean().item():.5f} "
                  f"sigma {torch.exp(0.5 * logvar).mean().item():.4f} {time.time() - t0:.0f}s", flush=True)
    enc.eval(); dec.eval()
    means, stds = [], []
    with torch.no_grad():
        for i in range(0, len(imgs), 500):
            p = enc(to_tensor(imgs[i:i + 500]))
            means.append(p[:, :4].numpy()); stds.append(torch.exp(0.5 * p[:, 4:].clamp(-30, 20)).numpy())
    means, stds = np.concatenate(means), np.concatenate(stds)
    rng = np.random.default_rng(3)
    std = float((means + stds * rng.standard_normal(means.shape).astype(np.float32)).std())
    print(f"latent std {std:.4f} -> scaling_factor {1 / std:.5f}; stage 3 time {time.time() - t0:.0f}s", flush=True)
    torch.save({"encoder": enc.state_dict(), "decoder": v["decoder"], "scaling_factor": 1 / std}, f"{out}/vae.pt")
    torch.save({"decoder2": dec.state_dict()}, f"{out}/decoder2.pt")
    np.savez(f"{out}/latents.npz", mean=means, std=stds, scaling_factor=1 / std)
