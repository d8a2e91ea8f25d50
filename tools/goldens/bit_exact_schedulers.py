"""Bit-exact goldens: schedulers whose Java port does float32 arithmetic in torch's operation order.

diffusers_schedulers.py compares every scheduler within 1e-4 on inputs built with sin() (numpy's and Java's may
differ by an ulp, so trajectories cannot be compared bit for bit). Here the inputs are exact in float32 on both sides:
base latents and model-output offsets are small multiples of 1/16, and the fake model is
model_output = 0.25 * x_in + offset computed in float32 (one rounding, the same in torch and Java). Each step's
prev_sample is recorded as float32 bit patterns (at the probe positions, and at every position after the last step),
which BitExactSchedulerTest compares for equality.

Usage:  /usr/bin/python3 tools/goldens/bit_exact_schedulers.py [--diffusers /work/upstream/diffusers] [output]
"""

import argparse
import inspect
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffusers_schedulers as ds  # noqa: E402  (build, set_plan, SHAPE, PROBE: the same set-up as the 1e-4 goldens)
import scheduler_shims as diffusers_shims  # noqa: E402

SD1 = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "steps_offset": 1}
PNDM_CASES = [
    ("pndm", dict(SD1, skip_prk_steps=True, set_alpha_to_one=False), 20),
    ("pndm", dict(SD1, skip_prk_steps=True, prediction_type="v_prediction"), 20),
    ("pndm", dict(SD1, skip_prk_steps=True, set_alpha_to_one=True), 50),
    ("pndm", {"beta_schedule": "linear", "skip_prk_steps": False}, 20),
    ("pndm", {"beta_schedule": "linear", "skip_prk_steps": False, "prediction_type": "v_prediction"}, 8),
]
DDIM = dict(SD1, clip_sample=False, set_alpha_to_one=False)
EXTRA_CASES = {
    # not fixed_small_log: its float log and exp come from libm in torch
    "ddpm": [("ddpm", dict(SD1, clip_sample=False, variance_type="fixed_large"), 10),
             ("ddpm", {"beta_schedule": "linear", "clip_sample": True}, 20),
             ("ddpm", dict(SD1, clip_sample=False, rescale_betas_zero_snr=True, timestep_spacing="trailing",
                           prediction_type="v_prediction"), 10)],
    "tcd": [("tcd", dict(ds.SD, eta=0.0), 4), ("tcd", dict(ds.SD, eta=0.8, prediction_type="v_prediction"), 6),
            ("tcd", dict(ds.SD, eta=0.5, prediction_type="sample", timestep_spacing="trailing"), 4)],
    "lcm": [("lcm", dict(ds.SD, timestep_spacing="trailing", prediction_type="v_prediction"), 4),
            ("lcm", dict(ds.SD, clip_sample=True, clip_sample_range=0.8, prediction_type="sample"), 6),
            ("lcm", dict(ds.SD, set_alpha_to_one=False, timestep_scaling=5.0), 4)],
    "ddim": [("ddim", dict(DDIM, eta=0.5), 10), ("ddim", dict(DDIM, eta=1.0, timestep_spacing="trailing"), 10),
             ("ddim", dict(DDIM, rescale_betas_zero_snr=True, timestep_spacing="trailing",
                           prediction_type="v_prediction"), 10),
             ("ddim", {"beta_schedule": "linear", "clip_sample": True, "clip_sample_range": 1.5}, 20),
             ("ddim", dict(DDIM, timestep_spacing="linspace", prediction_type="sample"), 20)],
}
# The schedulers whose ports are bit-exact (BitExactSchedulerTest replays these); --survey runs every ported one.
EXACT = ["ddpm", "pndm", "ddim", "euler", "euler_a", "heun", "dpm2_a", "lcm", "tcd", "flow_match_euler",
         "flow_match_heun"]


def survey_cases(name):
    """Up to four 20-step configurations of the 1e-4 goldens (diffusers_schedulers.cases_for), no timestep plan."""
    out = []
    for config, steps, plan in ds.cases_for(name):
        if steps == 20 and not plan and len(out) < 4:
            out.append((name, config, steps))
    if not out:  # the few-step schedulers (LCM, TCD): their first four plain cases
        out = [(name, config, steps) for config, steps, plan in ds.cases_for(name) if not plan][:4]
    return out


def exact_latents():
    """Value i: ((37 i) mod 64 - 32) / 16, exact in float32 (BitExactSchedulerTest.latents)."""
    i = np.arange(ds.NUMEL)
    return torch.from_numpy((((37 * i) % 64 - 32) / 16.0).astype(np.float32)).reshape(ds.SHAPE)


def exact_model(x_in, step):
    """0.25 * x_in + ((7 i + step) mod 19 - 9) / 16 in float32 (BitExactSchedulerTest.model)."""
    i = np.arange(ds.NUMEL)
    offset = torch.from_numpy((((7 * i + step) % 19 - 9) / 16.0).astype(np.float32)).reshape(ds.SHAPE)
    return x_in.to(torch.float32) * 0.25 + offset


def bits(t):
    return [int(v) for v in t.reshape(-1).contiguous().view(torch.int32).tolist()]


def run(name, config, steps):
    s = ds.build(name, config)
    timesteps = ds.set_plan(s, steps, {})
    params = inspect.signature(s.step).parameters
    kwargs = {k: v for k, v in config.items() if k in ds.STEP_KEYS and k in params}  # DDIM's eta, as the 1e-4 goldens
    if "generator" in params:
        kwargs["generator"] = torch.Generator().manual_seed(ds.SEED)  # replayed in Java by TorchGenerator
    x = exact_latents()
    probes = []
    for k, t in enumerate(timesteps):
        x_in = s.scale_model_input(x, t) if hasattr(s, "scale_model_input") else x
        x = s.step(exact_model(x_in, k), t, x, **kwargs).prev_sample
        probes.append([bits(x)[p] for p in ds.PROBE])
    return {"scheduler": name, "config": config, "steps": steps, "seed": ds.SEED, "prev_bits": probes,
            "final_bits": bits(x)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--diffusers", default="/work/upstream/diffusers")
    parser.add_argument("--survey", action="store_true", help="every ported scheduler (to find which ports are exact)")
    parser.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                               "sdk", "src", "test", "resources", "schedulers",
                                                               "bit_exact.json"))
    args = parser.parse_args()
    diffusers_shims.install(os.path.join(args.diffusers, "src", "diffusers"))
    commit = subprocess.run(["git", "-C", args.diffusers, "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    source = {"diffusers_commit": commit, "torch": torch.__version__, "numpy": np.__version__}
    names = ds.PORTED if args.survey else EXACT
    plan = [c for name in names
            for c in (PNDM_CASES if name == "pndm" else survey_cases(name) + EXTRA_CASES.get(name, []))]
    cases = [run(name, config, steps) for name, config, steps in plan]
    with open(args.out, "w") as fh:
        json.dump({"source": source, "probe": ds.PROBE, "cases": cases}, fh, separators=(",", ":"))
    print(f"{len(cases)} cases, {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
