"""Upper bound: checker rates on VAE reconstructions of rendered panel scenes (192 images)."""
import sys
import numpy as np
import torch
from common import to_tensor, WORK
import os
from models import Encoder, Decoder, VAE
from checker import check, panel
from scenes import render, POSITIONS, SIZES, POSITION_JITTER

torch.set_num_threads(1)
v = torch.load(sys.argv[1] if len(sys.argv) > 1 else f"{WORK}/vae.pt")
enc, dec = Encoder(**VAE), Decoder(**VAE)
enc.load_state_dict(v["encoder"]); dec.load_state_dict(v["decoder"])
rng = np.random.default_rng(0)
items = panel() * 4
imgs = []
for spec in items:
    cx, cy = POSITIONS[spec["position"]]
    imgs.append(render(dict(background=spec["background"], shapes=[dict(
        shape=spec["shape"], colour=spec["colour"], side=rng.uniform(*SIZES[spec["size"]]),
        cx=cx + rng.uniform(-POSITION_JITTER, POSITION_JITTER),
        cy=cy + rng.uniform(-POSITION_JITTER, POSITION_JITTER))])))
with torch.no_grad():
    r = dec(enc(to_tensor(np.stack(imgs)))[:, :4])
r = ((r.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
res = [check(im, **{k: s[k] for k in ("colour", "shape", "position", "size", "background")}) for im, s in zip(r, items)]
print({k: sum(x[k] for x in res) / len(res) for k in ("colour_ok", "shape_position_ok", "size_ok")})
from collections import Counter
print(Counter((s["shape"], x["shape"]) for s, x in zip(items, res) if s["shape"] != x["shape"]).most_common(10))
for sz in ("small", "large"):
    sel = [(s, x) for s, x in zip(items, res) if s["size"] == sz]
    print(sz, "shape ok", sum(s["shape"] == x["shape"] for s, x in sel) / len(sel))
from PIL import Image
idx = [i for i, s in enumerate(items) if s["shape"] in ("star", "diamond", "cross")][:16]
g = np.concatenate([np.stack([imgs[i] for i in idx]), r[idx]]).reshape(4, 8, 64, 64, 3).transpose(0, 2, 1, 3, 4).reshape(256, 512, 3)
Image.fromarray(g).resize((1024, 512), Image.NEAREST).save("/tmp/vc.png")
