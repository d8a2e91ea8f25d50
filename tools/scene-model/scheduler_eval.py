"""The evaluation panel sampled through tools/goldens/scheduler_reference.py (the transcription of diffusers'
schedulers that the Java golden tests compare against) with the torch weights, so a scheduler's quality on this model
can be told apart from a bug in its Java port. Usage: [STEPS=20] scheduler_eval.py euler,ddim,dpmpp_2m,lms,pndm [guidance]
(reads $SCENE_WORK, default work/, including work/export/scheduler/scheduler_config.json)."""
import json
import os
import sys
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "goldens"))
os.environ.setdefault("SCENE_WORK", os.path.join(HERE, "work"))
from export import load
from checker import check, panel
from clip_tokenizer import CLIPTokenizer
import scheduler_reference as R
torch.set_num_threads(2)
te, enc, dec, un, scaling = load()
tok = CLIPTokenizer.load(os.environ["SCENE_WORK"] + "/tokenizer")
cfgfile = json.load(open(os.environ["SCENE_WORK"] + "/export/scheduler/scheduler_config.json"))
items = panel()
with torch.no_grad():
    cond, _ = te(torch.tensor([tok.encode(it["prompt"]) for it in items]))
    unc, _ = te(torch.tensor([tok.encode("")]))
ctx = torch.cat([unc.expand_as(cond), cond])
G = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
for name in sys.argv[1].split(","):
    if name in ("euler_a", "ddpm"):
        # the reference draws their step noise from the golden tests' fixed-size stream, not a batch generator
        sys.exit(f"{name} adds noise at each step; only deterministic schedulers (euler, ddim, dpmpp_2m, lms, pndm)")
    cls = R.SCHEDULERS[name]
    c = dict(cls.defaults); c.update({k: v for k, v in cfgfile.items() if k in cls.defaults})
    res = []
    for seed in range(4):
        s = cls(c); s.set_timesteps(int(os.environ.get("STEPS", "20")))
        g = torch.Generator().manual_seed(1000 + seed)
        x = torch.randn(len(items), 4, 8, 8, generator=g) * float(s.init_noise_sigma)
        ts = list(np.asarray(s.timesteps))
        integral = np.issubdtype(np.asarray(s.timesteps).dtype, np.integer)
        for t in ts:
            ta = int(t) if integral else t
            xi = s.scale(x, ta)
            with torch.no_grad():
                e = un(torch.cat([xi, xi]).float(), torch.tensor(float(t)), ctx)
            eu, ec = e.chunk(2)
            x = s.step(eu + G * (ec - eu), ta, x, None)[0].float()
        with torch.no_grad():
            im = dec(x / scaling)
        im = ((im.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
        for it, m in zip(items, im):
            res.append(check(m, **{k: it[k] for k in ("colour", "shape", "position", "size", "background")}))
    n = len(res)
    print(name, {k: round(sum(r[k] for r in res) / n, 3) for k in ("colour_ok", "shape_position_ok", "size_ok")}, flush=True)
