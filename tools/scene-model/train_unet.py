"""Stage 2: text encoder + UNet trained jointly on cached VAE latents (eps prediction, SD 1.5 schedule).
Writes $SCENE_WORK/ldm.pt (raw + EMA weights). INIT=path/to/ldm.pt warm-starts from earlier EMA weights."""
import copy
import math
import os
import sys
import time
import numpy as np
import torch
import torch.nn.functional as F
from common import setup, dataset, WORK
from models import TextEncoder, UNet, TEXT, UNET, CONTEXT_TOKENS
from clip_tokenizer import CLIPTokenizer
from sampling import alphas_cumprod

STEPS = int(os.environ.get("STEPS", "3500"))
BATCH = int(os.environ.get("BATCH", "128"))
LR = float(os.environ.get("LR", "1e-3"))
WARMUP = int(os.environ.get("WARMUP", "100"))
WEIGHT_DECAY = 0.01
EMA_DECAY = 0.999
CAPTION_DROPOUT = 0.1
MIN_SNR_GAMMA = 5.0

if __name__ == "__main__":
    setup(4)
    t0 = time.time()
    _, caps = dataset()
    lat = np.load(f"{WORK}/latents.npz")
    means, stds, scaling = torch.from_numpy(lat["mean"]), torch.from_numpy(lat["std"]), float(lat["scaling_factor"])
    tok = CLIPTokenizer.load(f"{WORK}/tokenizer")
    ids = torch.tensor([tok.encode(c) for c in caps], dtype=torch.long)[:, :CONTEXT_TOKENS]
    empty = torch.tensor(tok.encode(""), dtype=torch.long)[:CONTEXT_TOKENS]
    acp = alphas_cumprod()
    te, unet = TextEncoder(**TEXT), UNet(**UNET)
    if os.environ.get("INIT"):          # optional warm start (fine-tuning) from a previous ldm.pt's EMA weights
        init = torch.load(os.environ["INIT"])
        te.load_state_dict(init["text_encoder"]); unet.load_state_dict(init["unet"])
        print("warm start from", os.environ["INIT"], "step", init["step"], flush=True)
    params = list(te.parameters()) + list(unet.parameters())
    ema = [p.detach().clone() for p in params]
    decay, no_decay = [p for p in params if p.dim() >= 2], [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR, betas=(0.9, 0.99))
    g = torch.Generator().manual_seed(5)
    assert all(len(tok.tokenize(c)) + 2 <= CONTEXT_TOKENS for c in caps[:5000])
    print(f"setup {time.time() - t0:.0f}s; steps {STEPS} batch {BATCH}", flush=True)
    t1 = time.time()
    avg = 0.0
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for pg in opt.param_groups:
            pg["lr"] = lr
        idx = torch.randint(0, len(caps), (BATCH,), generator=g)
        z = (means[idx] + stds[idx] * torch.randn(means[idx].shape, generator=g)) * scaling
        b_ids = ids[idx].clone()
        drop = torch.rand(BATCH, generator=g) < CAPTION_DROPOUT
        b_ids[drop] = empty
        t = torch.randint(0, 1000, (BATCH,), generator=g)
        a = acp[t].view(-1, 1, 1, 1)
        eps = torch.randn(z.shape, generator=g)
        xt = a.sqrt() * z + (1 - a).sqrt() * eps
        ctx, _ = te(b_ids)
        pred = unet(xt, t.float(), ctx)
        snr = acp[t] / (1 - acp[t])
        w = torch.clamp(snr, max=MIN_SNR_GAMMA) / snr
        loss = (w * ((pred - eps) ** 2).mean((1, 2, 3))).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        d = min(EMA_DECAY, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema, params):
                e.mul_(d).add_(p.detach(), alpha=1 - d)
        avg = 0.98 * avg + 0.02 * loss.item() if step else loss.item()
        if step % 25 == 0 or step == STEPS - 1:
            el = time.time() - t1
            print(f"step {step} loss {avg:.4f} lr {lr:.2e} {el:.0f}s ({el / (step + 1):.2f}s/step)", flush=True)
        if (step + 1) % 200 == 0 or step == STEPS - 1:
            te_e, un_e = copy.deepcopy(te), copy.deepcopy(unet)
            with torch.no_grad():
                for e, p in zip(ema, list(te_e.parameters()) + list(un_e.parameters())):
                    p.copy_(e)
            torch.save({"text_encoder": te_e.state_dict(), "unet": un_e.state_dict(), "step": step + 1,
                        "raw_text_encoder": te.state_dict(), "raw_unet": unet.state_dict()}, f"{WORK}/ldm.pt.tmp")
            os.replace(f"{WORK}/ldm.pt.tmp", f"{WORK}/ldm.pt")
    print(f"unet training time {time.time() - t1:.0f}s total {time.time() - t0:.0f}s", flush=True)
