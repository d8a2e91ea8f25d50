"""Stage 1b: a sharper decoder (models.Decoder2) trained on the FROZEN stage-1 encoder's posterior samples, so the
latent space (and the UNet trained on it) is unchanged. Warm-starts the shared 8x8/16x16 layers from stage 1.
Writes work/decoder2.pt."""
import math
import os
import time
import torch
import torch.nn.functional as F
from common import setup, dataset, to_tensor, WORK
from models import Encoder, Decoder2, VAE

STEPS = int(os.environ.get("STEPS", "1500"))
BATCH = 64
LR = 1e-3

if __name__ == "__main__":
    setup(6)
    t0 = time.time()
    imgs, _ = dataset()
    v = torch.load(f"{WORK}/vae.pt")
    enc = Encoder(**VAE); enc.load_state_dict(v["encoder"]); enc.eval()
    dec = Decoder2(**VAE)
    missing = dec.load_state_dict({k: w for k, w in v["decoder"].items() if not k.startswith(("norm.", "out."))},
                                  strict=False)
    print("fresh layers:", sorted({k.split(".")[0] for k in missing.missing_keys}), flush=True)
    opt = torch.optim.AdamW(dec.parameters(), lr=LR, weight_decay=0.0)
    g = torch.Generator().manual_seed(7)
    t1 = time.time()
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for pg in opt.param_groups:
            pg["lr"] = lr
        idx = torch.randint(0, len(imgs), (BATCH,), generator=g).numpy()
        x = to_tensor(imgs[idx])
        with torch.no_grad():
            p = enc(x)
            z = p[:, :4] + torch.exp(0.5 * p[:, 4:].clamp(-30, 20)) * torch.randn(p[:, :4].shape, generator=g)
        rec = dec(z)
        mse = F.mse_loss(rec, x)
        l1 = (rec - x).abs().mean()
        loss = mse + 0.5 * l1
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            print(f"step {step} mse {mse.item():.5f} l1 {l1.item():.4f} {time.time() - t1:.0f}s", flush=True)
        if (step + 1) % 250 == 0 or step == STEPS - 1:
            torch.save({"decoder2": dec.state_dict(), "step": step + 1}, f"{WORK}/decoder2.pt.tmp")
            os.replace(f"{WORK}/decoder2.pt.tmp", f"{WORK}/decoder2.pt")
    print(f"decoder2 time {time.time() - t0:.0f}s", flush=True)
