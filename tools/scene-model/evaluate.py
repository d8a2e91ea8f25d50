"""Quality check: panel of 48 single-shape prompts x 4 seeds, 20 steps, CFG, checker.py rules.
Usage: evaluate.py [scheduler=euler|ddim|both] [guidance...]. Uses the torch EMA weights in work/."""
import os
import sys
import time
import numpy as np
import torch
from common import setup, WORK
from checker import check, panel
from clip_tokenizer import CLIPTokenizer
from sampling import sample
from export import load

SEEDS = 4
STEPS = 20


def run(te, dec, un, scaling, tok, sched, guidance, save=None, sampler=None, steps=STEPS):
    """sampler(noise, cond, uncond) -> latents replaces sampling.sample (scheduler_eval.py passes diffusers' ones)."""
    items = panel()
    prompts = [it["prompt"] for it in items]
    with torch.no_grad():
        cond, _ = te(torch.tensor([tok.encode(p) for p in prompts]))
        unc, _ = te(torch.tensor([tok.encode("")]))
    res, imgs = [], []
    for seed in range(SEEDS):
        g = torch.Generator().manual_seed(1000 + seed)
        noise = torch.randn(len(items), 4, 8, 8, generator=g)
        if sampler is not None:
            lat = sampler(noise, cond, unc.expand_as(cond))
        else:
            lat = sample(un, cond, unc.expand_as(cond), noise, sched, steps, guidance)
        with torch.no_grad():
            x = dec(lat / scaling)
        x = ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
        imgs.append(x)
        for it, im in zip(items, x):
            res.append(check(im, **{k: it[k] for k in ("colour", "shape", "position", "size", "background")}))
    n = len(res)
    rates = {k: sum(r[k] for r in res) / n for k in ("colour_ok", "shape_position_ok", "size_ok")}
    rates["shape_ok"] = sum(r["shape"] == it["shape"] for r, it in zip(res, items * SEEDS)) / n
    rates["position_ok"] = sum(r["position"] == it["position"] for r, it in zip(res, items * SEEDS)) / n
    if save:
        from PIL import Image
        grid = np.concatenate(imgs, 0)[: 4 * 48].reshape(8, 24, 64, 64, 3).transpose(0, 2, 1, 3, 4).reshape(512, 1536, 3)
        Image.fromarray(grid).save(save)
    return rates, res


if __name__ == "__main__":
    setup(0)
    te, enc, dec, un, scaling = load()
    tok = CLIPTokenizer.load(f"{WORK}/tokenizer")
    scheds = ["euler", "ddim"] if len(sys.argv) < 2 or sys.argv[1] == "both" else [sys.argv[1]]
    gs = [float(x) for x in sys.argv[2:]] or [5.0, 7.0]
    for s in scheds:
        for gsc in gs:
            t = time.time()
            rates, _ = run(te, dec, un, scaling, tok, s, gsc, save=f"{WORK}/grid_{s}_{gsc}.png")
            print(s, gsc, {k: round(v, 3) for k, v in rates.items()}, f"{time.time() - t:.0f}s", flush=True)
