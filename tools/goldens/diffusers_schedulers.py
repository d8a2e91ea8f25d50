#!/usr/bin/env python3
"""Golden trajectories for the Diffusion4j schedulers, computed by diffusers' OWN scheduler modules.

The diffusers checkout is run, never copied: this driver imports src/diffusers/schedulers/scheduling_*.py from a
checkout (default /work/upstream/diffusers) through the minimal stand-ins of scheduler_shims.py (see its docstring
for what is replaced and why it does not touch the numbers), drives each scheduler as diffusers' pipelines do, and
writes the JSON files sdk/src/test/resources/schedulers/*.json that SchedulerGoldenTest replays.

Recipe (the same for every scheduler): deterministic latents base * init_noise_sigma, a fake model
0.3 * input + 0.1 * sin(t / 100 + i) applied to the scaled input, step noise from torch.Generator().manual_seed(seed)
(replayed in Java by TorchGenerator), every spacing and prediction type at 1/4/20/50 steps plus config variants;
each step records scaled input, prev_sample and the predicted x0 at probe positions. Timestep plans follow the
pipelines: retrieve_timesteps (custom sigmas / timesteps, mu) and get_timesteps for img2img strength.

Usage:  /usr/bin/python3 tools/goldens/diffusers_schedulers.py [--diffusers /work/upstream/diffusers] [output_dir]
"""

import argparse
import importlib
import inspect
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scheduler_shims as diffusers_shims  # noqa: E402  (the schedulers-only stand-ins)

SHAPE = (2, 4, 4, 4)
NUMEL = 2 * 4 * 4 * 4
PROBE = list(range(0, NUMEL, 32)) + [NUMEL - 1]  # element-wise schedulers: five positions cover the value range
SEED = 1234

# Java registry name -> (diffusers module, class, config keys the registry name implies)
REGISTRY = {
    "ddim": ("scheduling_ddim", "DDIMScheduler", {}),
    "ddpm": ("scheduling_ddpm", "DDPMScheduler", {}),
    "pndm": ("scheduling_pndm", "PNDMScheduler", {}),
    "euler": ("scheduling_euler_discrete", "EulerDiscreteScheduler", {}),
    "euler_a": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler", {}),
    "lms": ("scheduling_lms_discrete", "LMSDiscreteScheduler", {}),
    "dpmpp_2m": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler", {}),
    "dpmpp_2m_sde": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler",
                     {"algorithm_type": "sde-dpmsolver++"}),
    "dpmpp_2s": ("scheduling_dpmsolver_singlestep", "DPMSolverSinglestepScheduler", {}),
    "deis": ("scheduling_deis_multistep", "DEISMultistepScheduler", {}),
    "unipc": ("scheduling_unipc_multistep", "UniPCMultistepScheduler", {}),
    "heun": ("scheduling_heun_discrete", "HeunDiscreteScheduler", {}),
    "dpm2": ("scheduling_k_dpm_2_discrete", "KDPM2DiscreteScheduler", {}),
    "dpm2_a": ("scheduling_k_dpm_2_ancestral_discrete", "KDPM2AncestralDiscreteScheduler", {}),
    "lcm": ("scheduling_lcm", "LCMScheduler", {}),
    "tcd": ("scheduling_tcd", "TCDScheduler", {}),
    "flow_match_euler": ("scheduling_flow_match_euler_discrete", "FlowMatchEulerDiscreteScheduler", {}),
    "flow_match_heun": ("scheduling_flow_match_heun_discrete", "FlowMatchHeunDiscreteScheduler", {}),
}
# The schedulers with a Java port: the files the default run writes.
PORTED = ["ddim", "ddpm", "pndm", "euler", "euler_a", "lms", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_2s", "unipc", "deis",
          "heun", "dpm2", "dpm2_a", "lcm", "tcd", "flow_match_euler", "flow_match_heun"]
# Keys our SchedulerConfig carries that diffusers passes to step() instead of the constructor.
STEP_KEYS = {"eta"}


def scheduler_class(name):
    module, cls, _ = REGISTRY[name]
    return getattr(importlib.import_module("diffusers.schedulers." + module), cls)


def base_latents():
    i = np.arange(NUMEL, dtype=np.float64)
    return torch.from_numpy((np.sin(0.37 * i + 0.1) * 1.3).astype(np.float32)).reshape(SHAPE)


def fake_model(x_in, t):
    i = np.arange(NUMEL, dtype=np.float64)
    out = 0.3 * x_in.reshape(-1).numpy().astype(np.float64) + 0.1 * np.sin(float(t) / 100.0 + i)
    return torch.from_numpy(out.astype(np.float32)).reshape(SHAPE)


def stream_noise():
    """The add_noise noise: value j is float32(sin(0.618 j + 0.5) * 1.1) (GoldenInputs.StreamNoise in Java)."""
    j = np.arange(NUMEL, dtype=np.float64)
    return torch.from_numpy((np.sin(0.618 * j + 0.5) * 1.1).astype(np.float32)).reshape(SHAPE)


def r8(v):
    return float(f"{float(v):.8g}")


def r7(v):
    """Probe values: 7 significant digits are ample for the 1e-4 bound and keep the files small."""
    return float(f"{float(v):.7g}")


def arr(t, rounding=r8):
    return [rounding(v) for v in np.asarray(torch.as_tensor(t).to(torch.float64)).reshape(-1)]


def probe(t):
    return arr(t.reshape(-1)[PROBE], r7)


def build(name, config):
    cls = scheduler_class(name)
    params = inspect.signature(cls.__init__).parameters
    kwargs = dict(REGISTRY[name][2])
    kwargs.update({k: v for k, v in config.items() if k in params})  # from_config ignores unknown keys too
    return cls(**kwargs)


def set_plan(s, steps, plan):
    """retrieve_timesteps, then get_timesteps for strength (pipeline_stable_diffusion_img2img.py)."""
    kw = {}
    if "sigmas" in plan:
        kw["sigmas"] = plan["sigmas"]
    if "timesteps" in plan:
        kw["timesteps"] = plan["timesteps"]
    if "mu" in plan:
        kw["mu"] = plan["mu"]
    if "sigmas" in plan or "timesteps" in plan:
        s.set_timesteps(**kw)
        steps = len(s.timesteps) if "timesteps" in plan else len(plan["sigmas"])
    else:
        s.set_timesteps(steps, **kw)
    timesteps = s.timesteps
    if "strength" in plan:
        init_timestep = min(int(steps * plan["strength"]), steps)
        t_start = max(steps - init_timestep, 0)
        timesteps = s.timesteps[t_start * s.order:]
        if hasattr(s, "set_begin_index"):
            s.set_begin_index(t_start * s.order)
    return timesteps


def begin(s):
    return getattr(s, "_begin_index", None) or 0


def run_case(name, config, steps, plan=None):
    plan = plan or {}
    try:
        s = build(name, config)
        timesteps = set_plan(s, steps, plan)
    except (ValueError, IndexError):
        return None  # diffusers refuses this combination; the Java tests check that we refuse it too
    if len(timesteps) == 0:
        return None
    step_params = inspect.signature(s.step).parameters
    step_kwargs = {k: v for k, v in config.items() if k in STEP_KEYS and k in step_params}
    generator = torch.Generator().manual_seed(SEED)
    if "generator" in step_params:
        step_kwargs["generator"] = generator
    init_sigma = float(getattr(s, "init_noise_sigma", 1.0))  # flow matching pipelines start from plain noise
    x = base_latents() * init_sigma
    diffusers_shims.DRAWS.clear()
    records = []
    for t in timesteps:
        x_in = s.scale_model_input(x, t) if hasattr(s, "scale_model_input") else x
        out = s.step(fake_model(x_in, t), t, x, **step_kwargs)
        prev = out.prev_sample
        if not torch.isfinite(prev).all():
            return None
        pred = getattr(out, "pred_original_sample", None)
        if pred is None:
            pred = getattr(out, "denoised", None)  # scheduling_lcm.py names x0 "denoised"
        records.append({"scaled": probe(x_in), "prev": probe(prev), "pred": None if pred is None else probe(pred)})
        x = prev
    sigmas = getattr(s, "sigmas", None)
    case = {
        "scheduler": name,
        "config": config,
        "steps": steps,
        "plan": plan,
        "seed": SEED,
        "timesteps": arr(timesteps),
        "init_noise_sigma": r8(init_sigma),
        "sigmas": None if sigmas is None else arr(torch.as_tensor(sigmas)[begin(s):]),
        "noise_draws": list(diffusers_shims.DRAWS),
        "records": records,
    }
    fresh = build(name, config)
    ts = set_plan(fresh, steps, plan)
    if hasattr(fresh, "scale_noise"):
        noisy = fresh.scale_noise(base_latents(), ts[0:1], stream_noise())
        case["scale_noise"] = probe(noisy)
    elif hasattr(fresh, "add_noise"):
        t0 = ts[0:1]
        noisy = fresh.add_noise(base_latents(), stream_noise(), t0)
        case["add_noise"] = probe(noisy)
    return case


SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
SPACINGS = ["leading", "trailing", "linspace"]
ALL_PREDICTIONS = ["epsilon", "v_prediction", "sample"]
ZERO_SNR = {"rescale_betas_zero_snr": True, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}
IMG2IMG = [({"strength": 0.6}, 20), ({"strength": 0.3}, 4), ({"strength": 1.0}, 4), ({"strength": 0.75}, 50)]


def grid(base, predictions, spacings=SPACINGS, step_list=(1, 4, 20, 50)):
    """Every spacing x prediction type; 50 steps only for epsilon or leading, to keep the files small."""
    out = []
    for sp in spacings:
        for p in predictions:
            for n in step_list:
                if n == 50 and not (p == "epsilon" or sp == "leading"):
                    continue
                out.append((dict(base, timestep_spacing=sp, prediction_type=p), n, None))
    return out


def extras(base, variants):
    out = []
    for extra, step_list in variants:
        for n in step_list:
            out.append((dict(base, **extra), n, None))
    return out


def img2img(base):
    return [(dict(base), n, dict(plan)) for plan, n in IMG2IMG]


def flux_mu(height, width):
    """pipeline_flux.py calculate_shift with the FLUX.1-dev scheduler config; seq len = (h/16) * (w/16)."""
    image_seq_len = (height // 16) * (width // 16)
    m = (1.15 - 0.5) / (4096 - 256)
    b = 0.5 - m * 256
    return image_seq_len * m + b


def flow_cases():
    flux_dev = {"shift": 3.0, "use_dynamic_shifting": True, "base_shift": 0.5, "max_shift": 1.15,
                "base_image_seq_len": 256, "max_image_seq_len": 4096, "time_shift_type": "exponential"}
    schnell = {"shift": 1.0, "use_dynamic_shifting": False, "base_shift": 0.5, "max_shift": 1.15,
               "base_image_seq_len": 256, "max_image_seq_len": 4096}
    out = []
    for n in (1, 4, 20, 50):
        out.append(({}, n, None))
        out.append(({"shift": 3.0}, n, None))  # SD3 scheduler_config.json
        flux_sigmas = [float(v) for v in np.linspace(1.0, 1 / n, n)]  # pipeline_flux.py
        for h, w in ((1024, 1024), (512, 768)):
            out.append((flux_dev, n, {"sigmas": flux_sigmas, "mu": flux_mu(h, w)}))
        out.append((schnell, n, {"sigmas": flux_sigmas}))
    for n in (4, 20):
        out.append((dict(flux_dev, time_shift_type="linear"), n, {"mu": flux_mu(1024, 1024)}))
        out.append(({"shift": 3.0, "shift_terminal": 0.1}, n, None))
        out.append(({"shift": 3.0, "invert_sigmas": True}, n, None))
        out.append(({"shift": 3.0}, n, {"sigmas": [float(v) for v in np.linspace(1.0, 0.1, n)]}))
        out.append(({"shift": 3.0, "use_karras_sigmas": True}, n, None))
        out.append(({"shift": 3.0, "use_exponential_sigmas": True}, n, None))
        out.append(({"shift": 3.0, "stochastic_sampling": True}, n, None))
    for plan, n in IMG2IMG:
        out.append(({"shift": 3.0}, n, dict(plan)))
    return out


def flow_heun_cases():
    out = [({}, n, None) for n in (1, 4, 20)] + [({"shift": 3.0}, n, None) for n in (1, 4, 20, 50)]
    return out + [({"shift": 3.0}, n, dict(plan)) for plan, n in IMG2IMG]


def cases_for(name):
    sd1 = dict(SD, steps_offset=1)
    if name == "ddim":
        base = dict(sd1, clip_sample=False, set_alpha_to_one=False)
        return (grid(base, ALL_PREDICTIONS) + extras(base, [
            ({"eta": 0.0}, [4, 20]), ({"clip_sample": True, "beta_schedule": "linear"}, [4, 20]),
            ({"set_alpha_to_one": True, "beta_schedule": "squaredcos_cap_v2", "clip_sample": True,
              "clip_sample_range": 1.5}, [4]),
            (ZERO_SNR, [4, 20]),
            ({"trained_betas": [float(b) for b in np.linspace(0.001, 0.03, 100)], "num_train_timesteps": 100},
             [4, 20]),
            ({"eta": 0.5}, [4, 10]), ({"eta": 1.0}, [4, 10])]) + img2img(base))
    if name == "ddpm":
        base = dict(sd1, clip_sample=False)
        return (grid(base, ALL_PREDICTIONS) + extras(base, [
            ({"variance_type": "fixed_small_log"}, [4]), ({"variance_type": "fixed_large"}, [4]),
            ({"beta_schedule": "sigmoid"}, [4]), ({"clip_sample": True, "beta_schedule": "linear"}, [20]),
            (ZERO_SNR, [4, 20])]) + img2img(base))
    if name == "pndm":
        base = dict(sd1, skip_prk_steps=True)
        return (grid(base, ["epsilon", "v_prediction"]) + grid(dict(SD, skip_prk_steps=False),
                                                              ["epsilon", "v_prediction"])
                + extras(base, [({"set_alpha_to_one": True}, [4, 20]),
                                ({"beta_schedule": "linear", "skip_prk_steps": False}, [20])]) + img2img(base))
    if name == "euler":
        return (grid(sd1, ALL_PREDICTIONS) + extras(sd1, [
            ({"use_karras_sigmas": True}, [4, 20, 50]),
            ({"use_karras_sigmas": True, "sigma_min": 0.1, "sigma_max": 10.0}, [20]),
            ({"interpolation_type": "log_linear"}, [4, 20]), ({"final_sigmas_type": "sigma_min"}, [4, 20]),
            ({"timestep_type": "continuous", "prediction_type": "v_prediction"}, [4, 20]),
            (ZERO_SNR, [4, 20]), ({"beta_schedule": "squaredcos_cap_v2"}, [20])]) + img2img(sd1)
            + img2img(dict(sd1, use_karras_sigmas=True)))
    if name == "euler_a":
        return (grid(sd1, ["epsilon", "v_prediction"]) + extras(sd1, [(ZERO_SNR, [4, 20]),
                                                                      ({"beta_schedule": "linear"}, [20])])
                + img2img(sd1))
    if name == "lms":
        return (grid(sd1, ALL_PREDICTIONS) + extras(sd1, [({"use_karras_sigmas": True}, [4, 20, 50]),
                                                          ({"beta_schedule": "squaredcos_cap_v2"}, [20])])
                + img2img(sd1))
    if name == "dpmpp_2m":
        return (grid(sd1, ALL_PREDICTIONS) + extras(sd1, [
            ({"use_karras_sigmas": True}, [4, 20, 50]), ({"solver_type": "heun"}, [4, 20]),
            ({"final_sigmas_type": "sigma_min"}, [4, 20]), ({"euler_at_final": True}, [20]),
            ({"lower_order_final": False}, [4, 20]), ({"solver_order": 3}, [4, 20]), ({"solver_order": 1}, [4]),
            ({"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"}, [4, 20]),
            ({"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}, [4, 20]),
            ({"use_karras_sigmas": True, "beta_schedule": "squaredcos_cap_v2"}, [20]),
            (ZERO_SNR, [4, 20])]) + img2img(sd1) + img2img(dict(sd1, use_karras_sigmas=True)))
    if name == "dpmpp_2m_sde":
        return (grid(sd1, ALL_PREDICTIONS, step_list=(1, 4, 20)) + extras(sd1, [
            ({"use_karras_sigmas": True}, [4, 20, 50]), ({"solver_type": "heun"}, [4, 20]),
            (ZERO_SNR, [4, 20])]) + img2img(dict(sd1, use_karras_sigmas=True)))
    if name in ("heun", "dpm2", "dpm2_a"):
        preds = ALL_PREDICTIONS if name == "heun" else ["epsilon", "v_prediction"]  # KDPM2: no "sample"
        return (grid(sd1, preds, step_list=(1, 4, 20)) + extras(sd1, [
            ({"use_karras_sigmas": True}, [4, 20]), ({"beta_schedule": "linear"}, [20])]) + img2img(sd1)
            + img2img(dict(sd1, use_karras_sigmas=True)))
    if name == "deis":
        return (grid(sd1, ALL_PREDICTIONS, step_list=(1, 4, 20)) + extras(sd1, [
            ({"solver_order": 3}, [4, 20]), ({"solver_order": 1}, [4]), ({"lower_order_final": False}, [4, 20]),
            ({"solver_order": 3, "use_karras_sigmas": True}, [20]), ({"use_exponential_sigmas": True}, [4, 20]),
            ({"use_karras_sigmas": True}, [4, 20])]) + img2img(sd1))
    if name == "dpmpp_2s":
        # DPMSolverSinglestepScheduler has no timestep_spacing (always linspace): one spacing is enough.
        return (grid(sd1, ALL_PREDICTIONS, spacings=["linspace"], step_list=(1, 2, 3, 4, 5, 20)) + extras(sd1, [
            ({"solver_order": 3}, [4, 20]), ({"solver_order": 1}, [4]), ({"solver_type": "heun"}, [4, 20]),
            ({"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"}, [4, 20]),
            ({"use_karras_sigmas": True}, [4, 20]),
            ({"lower_order_final": False}, [4, 20]), ({"final_sigmas_type": "sigma_min"}, [4, 20]),
            ({"final_sigmas_type": "sigma_min", "lower_order_final": False}, [4, 20]),
            ({"solver_order": 3, "final_sigmas_type": "sigma_min", "lower_order_final": False}, [6, 7]),
            ({"solver_order": 3, "solver_type": "heun"}, [5, 6]), ({"algorithm_type": "sde-dpmsolver++"}, [4, 7]),
            ({"algorithm_type": "sde-dpmsolver++", "solver_order": 3, "solver_type": "heun"}, [7]),
            ({"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min", "solver_order": 3}, [6, 8]),
            ({"lambda_min_clipped": -5.1, "beta_schedule": "squaredcos_cap_v2"}, [10])])
            + img2img(sd1))
    if name == "unipc":
        return (grid(sd1, ALL_PREDICTIONS, step_list=(1, 4, 20)) + extras(sd1, [
            ({"solver_type": "bh1"}, [4, 20]), ({"solver_order": 3}, [4, 20]), ({"solver_order": 1}, [4]),
            ({"predict_x0": False}, [4, 20]), ({"predict_x0": False, "solver_type": "bh1"}, [4, 20]),
            ({"lower_order_final": False}, [4, 20]), ({"use_karras_sigmas": True}, [4, 20]),
            ({"final_sigmas_type": "sigma_min"}, [4, 20]), ({"disable_corrector": [0]}, [4]),
            (ZERO_SNR, [4, 20])]) + img2img(sd1))
    if name == "lcm":
        base = dict(SD)
        return ([(dict(base, timestep_spacing=sp, prediction_type=p), n, None)
                 for sp in SPACINGS for p in ALL_PREDICTIONS for n in (1, 2, 4, 8)]
                + extras(base, [({"original_inference_steps": 100}, [4]), ({"timestep_scaling": 1.0}, [4]),
                                ({"clip_sample": True}, [4]), (ZERO_SNR, [4])])
                + [(dict(base), n, {"strength": s}) for s, n in ((0.6, 4), (0.5, 8), (1.0, 4))])
    if name == "tcd":
        base = dict(SD)
        return ([(dict(base, timestep_spacing=sp, prediction_type=p), n, None)
                 for sp in SPACINGS for p in ALL_PREDICTIONS for n in (1, 4, 8)]
                + extras(base, [({"eta": 0.0}, [4, 8]), ({"eta": 1.0}, [4]), ({"eta": 0.3}, [4, 8])])
                + [(dict(base), n, {"strength": s}) for s, n in ((0.6, 4), (0.5, 8))])
    if name == "flow_match_euler":
        return flow_cases()
    if name == "flow_match_heun":
        return flow_heun_cases()
    raise KeyError(name)


def fingerprints():
    """Every step count 1..1000 for every spacing: length, sum and index-weighted sum of the timesteps."""
    sd1 = dict(SD, steps_offset=1)
    out = {}
    for name, extra in (("ddim", {}), ("pndm", {}), ("pndm", {"skip_prk_steps": True}), ("euler", {}),
                        ("dpmpp_2m", {})):
        for sp in SPACINGS:
            cfg = dict(sd1, timestep_spacing=sp, **extra)
            rows = []
            for n in range(1, 1001):
                s = build(name, cfg)
                try:
                    s.set_timesteps(n)
                    ts = np.asarray(s.timesteps, dtype=np.float64)
                    if name in ("ddim", "pndm") and ts.max() >= 1000:
                        raise IndexError("diffusers indexes past alphas_cumprod with this schedule")
                except (ValueError, IndexError):
                    rows.append(None)
                    continue
                rows.append([len(ts), float(ts.sum()), float((ts * np.arange(1, len(ts) + 1)).sum())])
            out[name + ("_skip_prk" if extra else "") + ":" + sp] = {"config": cfg, "rows": rows}
    return out


def alphas_cases():
    out = []
    for schedule, extra in (("linear", {}), ("scaled_linear", {}), ("squaredcos_cap_v2", {}),
                            ("scaled_linear", {"beta_start": 0.00085, "beta_end": 0.012,
                                               "rescale_betas_zero_snr": True})):
        cfg = dict(extra, beta_schedule=schedule)
        s = build("ddim", cfg)
        out.append({"config": cfg, "alphas_cumprod": [float(v) for v in s.alphas_cumprod.numpy()]})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--diffusers", default="/work/upstream/diffusers")
    parser.add_argument("--only", nargs="*", help="registry names to write (default: every ported scheduler)")
    parser.add_argument("--tables", action="store_true", help="with --only: also the fingerprint/alphas tables")
    parser.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                               "..", "sdk", "src", "test", "resources",
                                                               "schedulers"))
    args = parser.parse_args()
    diffusers_shims.install(os.path.join(args.diffusers, "src", "diffusers"))
    commit = subprocess.run(["git", "-C", args.diffusers, "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    source = {"diffusers_commit": commit, "torch": torch.__version__, "numpy": np.__version__}
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for name in args.only or PORTED:
        cases = [c for c in (run_case(name, cfg, n, plan) for cfg, n, plan in cases_for(name)) if c is not None]
        path = os.path.join(args.out, f"{name}.json")
        with open(path, "w") as fh:
            json.dump({"source": source, "class": REGISTRY[name][1], "probe": PROBE, "numel": NUMEL,
                       "cases": cases}, fh, separators=(",", ":"))
        total += os.path.getsize(path)
        print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")
    if not args.only or args.tables:
        for file, data in (("timestep_fingerprints.json", dict(fingerprints(), source=source)),
                           ("alphas_cumprod.json", {"source": source, "cases": alphas_cases()})):
            path = os.path.join(args.out, file)
            with open(path, "w") as fh:
                json.dump(data, fh, separators=(",", ":"))
            total += os.path.getsize(path)
    print("total bytes", total)


if __name__ == "__main__":
    main()
