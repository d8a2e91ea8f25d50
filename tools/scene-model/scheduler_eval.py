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
import scheduler_reference as R  # noqa: E402
from clip_tokenizer import CLIPTokenizer  # noqa: E402
from evaluate import run  # noqa: E402
from export import load  # noqa: E402


def reference_sampler(un, cls, config, steps, guidance):
    """sampler for evaluate.run: diffusers' loop (init_noise_sigma, scale_model_input, step) with CFG."""
    def sample(noise, cond, uncond):
        s = cls(config)
        s.set_timesteps(steps)
        ctx = torch.cat([uncond, cond])
        x = noise * float(s.init_noise_sigma)
        integral = np.issubdtype(np.asarray(s.timesteps).dtype, np.integer)
        for t in np.asarray(s.timesteps):
            ta = int(t) if integral else t
            xi = s.scale(x, ta)
            with torch.no_grad():
                e = un(torch.cat([xi, xi]).float(), torch.tensor(float(t)), ctx)
            eu, ec = e.chunk(2)
            x = s.step(eu + guidance * (ec - eu), ta, x, None)[0].float()
        return x
    return sample


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    te, enc, dec, un, scaling = load()
    tok = CLIPTokenizer.load(os.environ["SCENE_WORK"] + "/tokenizer")
    with open(os.environ["SCENE_WORK"] + "/export/scheduler/scheduler_config.json") as f:
        model_config = json.load(f)
    guidance = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    steps = int(os.environ.get("STEPS", "20"))
    for name in sys.argv[1].split(","):
        if name in ("euler_a", "ddpm"):
            # the reference draws their step noise from the golden tests' fixed-size stream, not a batch generator
            sys.exit(f"{name} adds noise at each step; only deterministic schedulers (euler, ddim, dpmpp_2m, lms, pndm)")
        cls = R.SCHEDULERS[name]
        config = dict(cls.defaults)
        config.update({k: v for k, v in model_config.items() if k in cls.defaults})
        rates, _ = run(te, dec, un, scaling, tok, name, guidance,
                       sampler=reference_sampler(un, cls, config, steps, guidance))
        print(name, {k: round(rates[k], 3) for k in ("colour_ok", "shape_position_ok", "size_ok")}, flush=True)
