#!/usr/bin/env python3
"""Reference trajectories for the Diffusion4j schedulers (a transcription of diffusers' formulas).

SUPERSEDED for the golden tests: sdk/src/test/resources/schedulers/*.json now come from
tools/goldens/diffusers_schedulers.py, which runs diffusers' own scheduler modules (this transcription shared the
DDPM linspace misreading with the Java). It is kept only because tools/scene-model/scheduler_eval.py samples its
evaluation panel through these classes; do not use it for new reference data. Running main() would overwrite the
golden files with the old format, so write to another folder if you run it.

diffusers itself is not installable here, so this script re-states diffusers' scheduler formulas in torch/numpy with
the same dtypes and the same order of operations (float32 tensors where diffusers uses torch, float64 where it uses
numpy), and writes golden JSON files that the Java tests replay step by step.

Each scheduler below cites the diffusers source file it follows (huggingface/diffusers, src/diffusers/schedulers/).

Usage:  /usr/bin/python3 tools/goldens/scheduler_reference.py [output_dir]
"""

import json
import math
import os
import sys

import numpy as np
import torch

F32 = torch.float32
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "sdk", "src", "test", "resources", "schedulers")

NUMEL = 2 * 4 * 4 * 4
PROBE = list(range(0, NUMEL, 16)) + [NUMEL - 1]


# ---------------------------------------------------------------------------------------------------------------
# Deterministic inputs shared with the Java tests (GoldenCase.java computes the same values).

def base_latents():
    i = np.arange(NUMEL, dtype=np.float64)
    return torch.from_numpy((np.sin(0.37 * i + 0.1) * 1.3).astype(np.float32))


def fake_model(x_in, t):
    i = np.arange(NUMEL, dtype=np.float64)
    out = 0.3 * x_in.numpy().astype(np.float64) + 0.1 * np.sin(float(t) / 100.0 + i)
    return torch.from_numpy(out.astype(np.float32))


class StreamNoise:
    """Stand-in for torch.randn(generator=...): value j of the stream is float32(sin(0.618 j + 0.5) * 1.1)."""

    def __init__(self):
        self.pos = 0
        self.draws = []

    def randn(self, n):
        j = np.arange(self.pos, self.pos + n, dtype=np.float64)
        self.pos += n
        self.draws.append(n)
        return torch.from_numpy((np.sin(0.618 * j + 0.5) * 1.1).astype(np.float32))


class ExplicitNoise:
    """Draws from torch.randn with a seeded generator and remembers them, so the golden file can store them."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.draws = []
        self.values = []

    def randn(self, n):
        v = torch.randn(n, generator=self.g, dtype=F32)
        self.draws.append(n)
        self.values.append(v.clone())
        return v


# ---------------------------------------------------------------------------------------------------------------
# Shared schedule helpers (scheduling_ddpm.py / scheduling_ddim.py: betas_for_alpha_bar, rescale_zero_terminal_snr)

def betas_for_alpha_bar(n, max_beta=0.999):
    def alpha_bar(t):
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    out = []
    for i in range(n):
        out.append(min(1 - alpha_bar((i + 1) / n) / alpha_bar(i / n), max_beta))
    return torch.tensor(out, dtype=F32)


def rescale_zero_terminal_snr(betas):
    alphas = 1.0 - betas
    ac = torch.cumprod(alphas, dim=0)
    s = ac.sqrt()
    s0 = s[0].clone()
    sT = s[-1].clone()
    s -= sT
    s *= s0 / (s0 - sT)
    bar = s ** 2
    alphas = bar[1:] / bar[:-1]
    alphas = torch.cat([bar[0:1], alphas])
    return 1 - alphas


def make_betas(c, sigmoid_ok=False):
    n = c["num_train_timesteps"]
    if c.get("trained_betas") is not None:
        return torch.tensor(c["trained_betas"], dtype=F32)
    s = c["beta_schedule"]
    if s == "linear":
        return torch.linspace(c["beta_start"], c["beta_end"], n, dtype=F32)
    if s == "scaled_linear":
        return torch.linspace(c["beta_start"] ** 0.5, c["beta_end"] ** 0.5, n, dtype=F32) ** 2
    if s == "squaredcos_cap_v2":
        return betas_for_alpha_bar(n)
    if s == "sigmoid" and sigmoid_ok:
        b = torch.linspace(-6, 6, n)
        return torch.sigmoid(b) * (c["beta_end"] - c["beta_start"]) + c["beta_start"]
    raise ValueError(s)


def alphas_cumprod(c, sigmoid_ok=False, tiny_last=False):
    betas = make_betas(c, sigmoid_ok)
    if c.get("rescale_betas_zero_snr"):
        betas = rescale_zero_terminal_snr(betas)
    ac = torch.cumprod(1.0 - betas, dim=0)
    if c.get("rescale_betas_zero_snr") and tiny_last:
        ac[-1] = 2 ** -24
    return ac


def int_timesteps(c, n):
    """DDIM/DDPM spacing (scheduling_ddim.py set_timesteps)."""
    N = c["num_train_timesteps"]
    sp = c["timestep_spacing"]
    if sp == "linspace":
        return np.linspace(0, N - 1, n).round()[::-1].copy().astype(np.int64)
    if sp == "leading":
        r = N // n
        t = (np.arange(0, n) * r).round()[::-1].copy().astype(np.int64)
        return t + c["steps_offset"]
    r = N / n
    return np.round(np.arange(N, 0, -r)).astype(np.int64) - 1


def float_timesteps(c, n):
    """Euler / Euler ancestral / LMS spacing (scheduling_euler_discrete.py set_timesteps)."""
    N = c["num_train_timesteps"]
    sp = c["timestep_spacing"]
    if sp == "linspace":
        return np.linspace(0, N - 1, n, dtype=np.float32)[::-1].copy()
    if sp == "leading":
        r = N // n
        t = (np.arange(0, n) * r).round()[::-1].copy().astype(np.float32)
        return t + c["steps_offset"]
    r = N / n
    return (np.arange(N, 0, -r)).round().copy().astype(np.float32) - 1


def sigma_to_t(sigma, log_sigmas):
    log_sigma = np.log(np.maximum(sigma, 1e-10))
    dists = log_sigma - log_sigmas[:, np.newaxis]
    low_idx = np.cumsum((dists >= 0), axis=0).argmax(axis=0).clip(max=log_sigmas.shape[0] - 2)
    high_idx = low_idx + 1
    low = log_sigmas[low_idx]
    high = log_sigmas[high_idx]
    w = (low - log_sigma) / (low - high)
    w = np.clip(w, 0, 1)
    t = (1 - w) * low_idx + w * high_idx
    return t.reshape(sigma.shape)


def karras(sigma_min, sigma_max, n):
    rho = 7.0
    ramp = np.linspace(0, 1, n)
    min_inv = sigma_min ** (1 / rho)
    max_inv = sigma_max ** (1 / rho)
    return (max_inv + ramp * (min_inv - max_inv)) ** rho


# ---------------------------------------------------------------------------------------------------------------
# Schedulers

class DDIM:
    """scheduling_ddim.py (DDIMScheduler); eta read from config key 'eta' (Diffusion4j extension)."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    clip_sample=True, set_alpha_to_one=True, steps_offset=0, prediction_type="epsilon",
                    clip_sample_range=1.0, timestep_spacing="leading", rescale_betas_zero_snr=False, eta=0.0)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c)
        self.final = torch.tensor(1.0) if c["set_alpha_to_one"] else self.ac[0]
        self.init_noise_sigma = 1.0
        self.sigmas = None

    def set_timesteps(self, n):
        self.n = n
        self.timesteps = int_timesteps(self.c, n)

    def scale(self, x, t):
        return x

    def variance(self, t, prev):
        a = self.ac[t]
        ap = self.ac[prev] if prev >= 0 else self.final
        return ((1 - ap) / (1 - a)) * (1 - a / ap)

    def step(self, mo, t, x, gen):
        c = self.c
        prev = t - c["num_train_timesteps"] // self.n
        a = self.ac[t]
        ap = self.ac[prev] if prev >= 0 else self.final
        b = 1 - a
        p = c["prediction_type"]
        if p == "epsilon":
            x0 = (x - b ** 0.5 * mo) / a ** 0.5
            eps = mo
        elif p == "sample":
            x0 = mo
            eps = (x - a ** 0.5 * x0) / b ** 0.5
        else:
            x0 = (a ** 0.5) * x - (b ** 0.5) * mo
            eps = (a ** 0.5) * mo + (b ** 0.5) * x
        if c["clip_sample"]:
            x0 = x0.clamp(-c["clip_sample_range"], c["clip_sample_range"])
        eta = c["eta"]
        std = eta * self.variance(t, prev) ** 0.5
        direction = (1 - ap - std ** 2) ** 0.5 * eps
        prev_sample = ap ** 0.5 * x0 + direction
        if eta > 0:
            prev_sample = prev_sample + std * gen.randn(NUMEL)
        return prev_sample, x0

    def add_noise(self, x, noise, t):
        a = self.ac[t]
        return a ** 0.5 * x + (1 - a) ** 0.5 * noise


class DDPM:
    """scheduling_ddpm.py (DDPMScheduler), variance_type fixed_small / fixed_small_log / fixed_large."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    variance_type="fixed_small", clip_sample=True, prediction_type="epsilon",
                    clip_sample_range=1.0, timestep_spacing="leading", steps_offset=0, rescale_betas_zero_snr=False)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c, sigmoid_ok=True)
        self.one = torch.tensor(1.0)
        self.init_noise_sigma = 1.0
        self.sigmas = None

    def set_timesteps(self, n):
        self.n = n
        self.timesteps = int_timesteps(self.c, n)

    def scale(self, x, t):
        return x

    def prev_t(self, t):
        return t - self.c["num_train_timesteps"] // self.n

    def variance(self, t):
        pt = self.prev_t(t)
        a = self.ac[t]
        ap = self.ac[pt] if pt >= 0 else self.one
        beta = 1 - a / ap
        var = (1 - ap) / (1 - a) * beta
        var = torch.clamp(var, min=1e-20)
        vt = self.c["variance_type"]
        if vt == "fixed_small":
            return var
        if vt == "fixed_small_log":
            return torch.exp(0.5 * torch.log(var))
        return beta

    def step(self, mo, t, x, gen):
        c = self.c
        pt = self.prev_t(t)
        a = self.ac[t]
        ap = self.ac[pt] if pt >= 0 else self.one
        b = 1 - a
        bp = 1 - ap
        cur_a = a / ap
        cur_b = 1 - cur_a
        p = c["prediction_type"]
        if p == "epsilon":
            x0 = (x - b ** 0.5 * mo) / a ** 0.5
        elif p == "sample":
            x0 = mo
        else:
            x0 = (a ** 0.5) * x - (b ** 0.5) * mo
        if c["clip_sample"]:
            x0 = x0.clamp(-c["clip_sample_range"], c["clip_sample_range"])
        x0_coeff = (ap ** 0.5 * cur_b) / b
        cur_coeff = cur_a ** 0.5 * bp / b
        prev = x0_coeff * x0 + cur_coeff * x
        if t > 0:
            noise = gen.randn(NUMEL)
            if c["variance_type"] == "fixed_small_log":
                prev = prev + self.variance(t) * noise
            else:
                prev = prev + (self.variance(t) ** 0.5) * noise
        return prev, x0

    add_noise = DDIM.add_noise


class PNDM:
    """scheduling_pndm.py (PNDMScheduler): PRK warm-up or PLMS with the repeated timestep (skip_prk_steps)."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    skip_prk_steps=False, set_alpha_to_one=False, prediction_type="epsilon",
                    timestep_spacing="leading", steps_offset=0)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c)
        self.final = torch.tensor(1.0) if c["set_alpha_to_one"] else self.ac[0]
        self.init_noise_sigma = 1.0
        self.sigmas = None

    def set_timesteps(self, n):
        c = self.c
        N = c["num_train_timesteps"]
        self.n = n
        sp = c["timestep_spacing"]
        if sp == "linspace":
            ts = np.linspace(0, N - 1, n).round().astype(np.int64)
        elif sp == "leading":
            ts = (np.arange(0, n) * (N // n)).round()
            ts += c["steps_offset"]
        else:
            ts = np.round(np.arange(N, 0, -N / n))[::-1].astype(np.int64)
            ts -= 1
        if c["skip_prk_steps"]:
            self.prk = np.array([])
            self.plms = np.concatenate([ts[:-1], ts[-2:-1], ts[-1:]])[::-1].copy()
        else:
            prk = np.array(ts[-4:]).repeat(2) + np.tile(np.array([0, N // n // 2]), 4)
            self.prk = (prk[:-1].repeat(2)[1:-1])[::-1].copy()
            self.plms = ts[:-3][::-1].copy()
        self.timesteps = np.concatenate([self.prk, self.plms]).astype(np.int64)
        self.ets = []
        self.counter = 0
        self.cur_mo = 0
        self.cur_sample = None

    def scale(self, x, t):
        return x

    def step(self, mo, t, x, gen):
        t = int(t)
        if self.counter < len(self.prk) and not self.c["skip_prk_steps"]:
            return self.step_prk(mo, t, x), None
        return self.step_plms(mo, t, x), None

    def step_prk(self, mo, t, x):
        N = self.c["num_train_timesteps"]
        diff = 0 if self.counter % 2 else N // self.n // 2
        prev = t - diff
        t = int(self.prk[self.counter // 4 * 4])
        if self.counter % 4 == 0:
            self.cur_mo += 1 / 6 * mo
            self.ets.append(mo)
            self.cur_sample = x
        elif (self.counter - 1) % 4 == 0:
            self.cur_mo += 1 / 3 * mo
        elif (self.counter - 2) % 4 == 0:
            self.cur_mo += 1 / 3 * mo
        elif (self.counter - 3) % 4 == 0:
            mo = self.cur_mo + 1 / 6 * mo
            self.cur_mo = 0
        cur = self.cur_sample if self.cur_sample is not None else x
        out = self.prev_sample(cur, t, prev, mo)
        self.counter += 1
        return out

    def step_plms(self, mo, t, x):
        N = self.c["num_train_timesteps"]
        prev = t - N // self.n
        if self.counter != 1:
            self.ets = self.ets[-3:]
            self.ets.append(mo)
        else:
            prev = t
            t = t + N // self.n
        e = self.ets
        if len(e) == 1 and self.counter == 0:
            self.cur_sample = x
        elif len(e) == 1 and self.counter == 1:
            mo = (mo + e[-1]) / 2
            x = self.cur_sample
            self.cur_sample = None
        elif len(e) == 2:
            mo = (3 * e[-1] - e[-2]) / 2
        elif len(e) == 3:
            mo = (23 * e[-1] - 16 * e[-2] + 5 * e[-3]) / 12
        else:
            mo = (1 / 24) * (55 * e[-1] - 59 * e[-2] + 37 * e[-3] - 9 * e[-4])
        out = self.prev_sample(x, t, prev, mo)
        self.counter += 1
        return out

    def prev_sample(self, x, t, prev, mo):
        a = self.ac[t]
        ap = self.ac[prev] if prev >= 0 else self.final
        b = 1 - a
        bp = 1 - ap
        if self.c["prediction_type"] == "v_prediction":
            mo = (a ** 0.5) * mo + (b ** 0.5) * x
        sample_coeff = (ap / a) ** 0.5
        denom = a * bp ** 0.5 + (a * b * ap) ** 0.5
        return sample_coeff * x - (ap - a) * mo / denom

    add_noise = DDIM.add_noise


class SigmaBase:
    """Shared index bookkeeping of the k-diffusion style schedulers (index_for_timestep, _init_step_index)."""

    def index_for(self, t):
        idx = np.nonzero(np.asarray(self.timesteps, dtype=np.float64) == float(t))[0]
        return int(idx[1] if len(idx) > 1 else idx[0])

    def ensure_index(self, t):
        if self.step_index is None:
            self.step_index = self.index_for(t)

    def scale(self, x, t):
        self.ensure_index(t)
        sigma = self.sigmas[self.step_index]
        return x / ((sigma ** 2 + 1) ** 0.5)

    def add_noise(self, x, noise, t):
        sigma = self.sigmas[self.index_for(t)]
        return x + noise * sigma


class Euler(SigmaBase):
    """scheduling_euler_discrete.py (EulerDiscreteScheduler), s_churn = 0."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    prediction_type="epsilon", interpolation_type="linear", use_karras_sigmas=False,
                    sigma_min=None, sigma_max=None, timestep_spacing="linspace", timestep_type="discrete",
                    steps_offset=0, rescale_betas_zero_snr=False, final_sigmas_type="zero")

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c, tiny_last=True)

    def set_timesteps(self, n):
        c = self.c
        timesteps = float_timesteps(c, n)
        sigmas = np.array(((1 - self.ac) / self.ac) ** 0.5)
        log_sigmas = np.log(sigmas)
        if c["interpolation_type"] == "linear":
            sigmas = np.interp(timesteps, np.arange(0, len(sigmas)), sigmas)
        else:
            sigmas = torch.linspace(np.log(sigmas[-1]), np.log(sigmas[0]), n + 1).exp().numpy()
        if c["use_karras_sigmas"]:
            smin = c["sigma_min"] if c["sigma_min"] is not None else sigmas[-1].item()
            smax = c["sigma_max"] if c["sigma_max"] is not None else sigmas[0].item()
            sigmas = karras(smin, smax, n)
            timesteps = np.array([sigma_to_t(s, log_sigmas) for s in sigmas])
        if c["final_sigmas_type"] == "sigma_min":
            last = ((1 - self.ac[0]) / self.ac[0]) ** 0.5
        else:
            last = 0
        sigmas = np.concatenate([sigmas, [last]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas).to(F32)
        if c["timestep_type"] == "continuous" and c["prediction_type"] == "v_prediction":
            self.timesteps = torch.Tensor([0.25 * s.log() for s in self.sigmas[:-1]]).numpy()
        else:
            self.timesteps = timesteps.astype(np.float32)
        self.step_index = None
        mx = self.sigmas.max()
        self.init_noise_sigma = float(mx if c["timestep_spacing"] in ("linspace", "trailing") else (mx ** 2 + 1) ** 0.5)

    def step(self, mo, t, x, gen):
        self.ensure_index(t)
        sigma = self.sigmas[self.step_index]
        sigma_hat = sigma * (0.0 + 1)
        p = self.c["prediction_type"]
        if p == "sample":
            x0 = mo
        elif p == "epsilon":
            x0 = x - sigma_hat * mo
        else:
            x0 = mo * (-sigma / (sigma ** 2 + 1) ** 0.5) + (x / (sigma ** 2 + 1))
        d = (x - x0) / sigma_hat
        dt = self.sigmas[self.step_index + 1] - sigma_hat
        prev = x + d * dt
        self.step_index += 1
        return prev, x0


class EulerAncestral(SigmaBase):
    """scheduling_euler_ancestral_discrete.py (EulerAncestralDiscreteScheduler)."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    prediction_type="epsilon", timestep_spacing="linspace", steps_offset=0,
                    rescale_betas_zero_snr=False)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c, tiny_last=True)

    def set_timesteps(self, n):
        timesteps = float_timesteps(self.c, n)
        sigmas = np.array(((1 - self.ac) / self.ac) ** 0.5)
        sigmas = np.interp(timesteps, np.arange(0, len(sigmas)), sigmas)
        sigmas = np.concatenate([sigmas, [0.0]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = timesteps
        self.step_index = None
        mx = self.sigmas.max()
        sp = self.c["timestep_spacing"]
        self.init_noise_sigma = float(mx if sp in ("linspace", "trailing") else (mx ** 2 + 1) ** 0.5)

    def step(self, mo, t, x, gen):
        self.ensure_index(t)
        sigma = self.sigmas[self.step_index]
        if self.c["prediction_type"] == "epsilon":
            x0 = x - sigma * mo
        else:
            x0 = mo * (-sigma / (sigma ** 2 + 1) ** 0.5) + (x / (sigma ** 2 + 1))
        s_from = self.sigmas[self.step_index]
        s_to = self.sigmas[self.step_index + 1]
        s_up = (s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2) ** 0.5
        s_down = (s_to ** 2 - s_up ** 2) ** 0.5
        d = (x - x0) / sigma
        prev = x + d * (s_down - sigma)
        prev = prev + gen.randn(NUMEL) * s_up
        self.step_index += 1
        return prev, x0


class LMS(SigmaBase):
    """scheduling_lms_discrete.py (LMSDiscreteScheduler), order 4. scipy's quad is replaced by a 4-point
    Gauss-Legendre rule, exact for the cubic Lagrange integrand; the integrand is still evaluated on float32 sigmas."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    use_karras_sigmas=False, prediction_type="epsilon", timestep_spacing="linspace", steps_offset=0)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c)

    def set_timesteps(self, n):
        self.n = n
        timesteps = float_timesteps(self.c, n)
        sigmas = np.array(((1 - self.ac) / self.ac) ** 0.5)
        log_sigmas = np.log(sigmas)
        sigmas = np.interp(timesteps, np.arange(0, len(sigmas)), sigmas)
        if self.c["use_karras_sigmas"]:
            sigmas = karras(sigmas[-1].item(), sigmas[0].item(), n)
            timesteps = np.array([sigma_to_t(s, log_sigmas) for s in sigmas])
        sigmas = np.concatenate([sigmas, [0.0]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = timesteps.astype(np.float32)
        self.step_index = None
        self.derivatives = []
        mx = self.sigmas.max()
        sp = self.c["timestep_spacing"]
        self.init_noise_sigma = float(mx if sp in ("linspace", "trailing") else (mx ** 2 + 1) ** 0.5)

    def coeff(self, order, t, cur):
        def f(tau):
            prod = 1.0
            for k in range(order):
                if cur == k:
                    continue
                prod *= (tau - self.sigmas[t - k]) / (self.sigmas[t - cur] - self.sigmas[t - k])
            return float(prod)
        a = float(self.sigmas[t])
        b = float(self.sigmas[t + 1])
        nodes, weights = np.polynomial.legendre.leggauss(4)
        return sum(w * f(0.5 * (b - a) * x + 0.5 * (a + b)) for x, w in zip(nodes, weights)) * 0.5 * (b - a)

    def step(self, mo, t, x, gen, order=4):
        self.ensure_index(t)
        sigma = self.sigmas[self.step_index]
        p = self.c["prediction_type"]
        if p == "epsilon":
            x0 = x - sigma * mo
        elif p == "v_prediction":
            x0 = mo * (-sigma / (sigma ** 2 + 1) ** 0.5) + (x / (sigma ** 2 + 1))
        else:
            x0 = mo
        d = (x - x0) / sigma
        self.derivatives.append(d)
        if len(self.derivatives) > order:
            self.derivatives.pop(0)
        order = min(self.step_index + 1, order)
        coeffs = [self.coeff(order, self.step_index, k) for k in range(order)]
        prev = x + sum(cf * dd for cf, dd in zip(coeffs, reversed(self.derivatives)))
        self.step_index += 1
        return prev, x0


class DPMSolverMultistep(SigmaBase):
    """scheduling_dpmsolver_multistep.py (DPMSolverMultistepScheduler): dpmsolver++ / dpmsolver / sde-dpmsolver++,
    orders 1-3, midpoint / heun."""
    defaults = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                    solver_order=2, prediction_type="epsilon", algorithm_type="dpmsolver++", solver_type="midpoint",
                    lower_order_final=True, euler_at_final=False, use_karras_sigmas=False,
                    final_sigmas_type="zero", lambda_min_clipped=-float("inf"), timestep_spacing="linspace",
                    steps_offset=0, rescale_betas_zero_snr=False)

    def __init__(self, c):
        self.c = c
        self.ac = alphas_cumprod(c, tiny_last=True)
        self.alpha_t = torch.sqrt(self.ac)
        self.sigma_t = torch.sqrt(1 - self.ac)
        self.lambda_t = torch.log(self.alpha_t) - torch.log(self.sigma_t)
        self.init_noise_sigma = 1.0

    def set_timesteps(self, n):
        c = self.c
        N = c["num_train_timesteps"]
        clipped = torch.searchsorted(torch.flip(self.lambda_t, [0]), c["lambda_min_clipped"])
        last = int((N - clipped).numpy().item())
        sp = c["timestep_spacing"]
        if sp == "linspace":
            ts = np.linspace(0, last - 1, n + 1).round()[::-1][:-1].copy().astype(np.int64)
        elif sp == "leading":
            r = last // (n + 1)
            ts = (np.arange(0, n + 1) * r).round()[::-1][:-1].copy().astype(np.int64)
            ts += c["steps_offset"]
        else:
            r = N / n
            ts = np.arange(last, 0, -r).round().copy().astype(np.int64)
            ts -= 1
        sigmas = np.array(((1 - self.ac) / self.ac) ** 0.5)
        log_sigmas = np.log(sigmas)
        if c["use_karras_sigmas"]:
            sigmas = np.flip(sigmas).copy()
            sigmas = karras(sigmas[-1].item(), sigmas[0].item(), n)
            ts = np.array([sigma_to_t(s, log_sigmas) for s in sigmas])
            if c["beta_schedule"] != "squaredcos_cap_v2":
                ts = ts.round()
        else:
            sigmas = np.interp(ts, np.arange(0, len(sigmas)), sigmas)
        if c["final_sigmas_type"] == "sigma_min":
            last_sigma = ((1 - self.ac[0]) / self.ac[0]) ** 0.5
        else:
            last_sigma = 0
        sigmas = np.concatenate([sigmas, [last_sigma]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = ts.astype(np.int64)
        self.model_outputs = [None] * c["solver_order"]
        self.lower_order_nums = 0
        self.step_index = None

    def scale(self, x, t):
        return x

    @staticmethod
    def alpha_sigma(sigma):
        a = 1 / ((sigma ** 2 + 1) ** 0.5)
        return a, sigma * a

    def convert(self, mo, x):
        c = self.c
        sigma = self.sigmas[self.step_index]
        a, s = self.alpha_sigma(sigma)
        p = c["prediction_type"]
        if c["algorithm_type"] in ("dpmsolver++", "sde-dpmsolver++"):
            if p == "epsilon":
                x0 = (x - s * mo) / a
            elif p == "sample":
                x0 = mo
            else:
                x0 = a * x - s * mo
            return x0, x0
        if p == "epsilon":
            eps = mo
        elif p == "sample":
            eps = (x - a * mo) / s
        else:
            eps = a * mo + s * x
        return eps, (x - s * eps) / a

    def lambdas(self, *idx):
        out = []
        for i in idx:
            a, s = self.alpha_sigma(self.sigmas[i])
            out.append((a, s, torch.log(a) - torch.log(s)))
        return out

    def first(self, mo, x, noise):
        i = self.step_index
        (a_t, s_t, l_t), (a_s, s_s, l_s) = self.lambdas(i + 1, i)
        h = l_t - l_s
        alg = self.c["algorithm_type"]
        if alg == "dpmsolver++":
            return (s_t / s_s) * x - (a_t * (torch.exp(-h) - 1.0)) * mo
        if alg == "dpmsolver":
            return (a_t / a_s) * x - (s_t * (torch.exp(h) - 1.0)) * mo
        return ((s_t / s_s * torch.exp(-h)) * x + (a_t * (1 - torch.exp(-2.0 * h))) * mo
                + s_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise)

    def second(self, mos, x, noise):
        i = self.step_index
        (a_t, s_t, l_t), (a_s0, s_s0, l_s0), (_, _, l_s1) = self.lambdas(i + 1, i, i - 1)
        m0, m1 = mos[-1], mos[-2]
        h, h0 = l_t - l_s0, l_s0 - l_s1
        r0 = h0 / h
        D0, D1 = m0, (1.0 / r0) * (m0 - m1)
        alg = self.c["algorithm_type"]
        mid = self.c["solver_type"] == "midpoint"
        if alg == "dpmsolver++":
            if mid:
                return ((s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * D0
                        - 0.5 * (a_t * (torch.exp(-h) - 1.0)) * D1)
            return ((s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * D0
                    + (a_t * ((torch.exp(-h) - 1.0) / h + 1.0)) * D1)
        if alg == "dpmsolver":
            if mid:
                return ((a_t / a_s0) * x - (s_t * (torch.exp(h) - 1.0)) * D0
                        - 0.5 * (s_t * (torch.exp(h) - 1.0)) * D1)
            return ((a_t / a_s0) * x - (s_t * (torch.exp(h) - 1.0)) * D0
                    - (s_t * ((torch.exp(h) - 1.0) / h - 1.0)) * D1)
        if mid:
            return ((s_t / s_s0 * torch.exp(-h)) * x + (a_t * (1 - torch.exp(-2.0 * h))) * D0
                    + 0.5 * (a_t * (1 - torch.exp(-2.0 * h))) * D1
                    + s_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise)
        return ((s_t / s_s0 * torch.exp(-h)) * x + (a_t * (1 - torch.exp(-2.0 * h))) * D0
                + (a_t * ((1.0 - torch.exp(-2.0 * h)) / (-2.0 * h) + 1.0)) * D1
                + s_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise)

    def third(self, mos, x, noise):
        i = self.step_index
        (a_t, s_t, l_t), (a_s0, s_s0, l_s0), (_, _, l_s1), (_, _, l_s2) = self.lambdas(i + 1, i, i - 1, i - 2)
        m0, m1, m2 = mos[-1], mos[-2], mos[-3]
        h, h0, h1 = l_t - l_s0, l_s0 - l_s1, l_s1 - l_s2
        r0, r1 = h0 / h, h1 / h
        D0 = m0
        D1_0, D1_1 = (1.0 / r0) * (m0 - m1), (1.0 / r1) * (m1 - m2)
        D1 = D1_0 + (r0 / (r0 + r1)) * (D1_0 - D1_1)
        D2 = (1.0 / (r0 + r1)) * (D1_0 - D1_1)
        alg = self.c["algorithm_type"]
        if alg == "dpmsolver++":
            return ((s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * D0
                    + (a_t * ((torch.exp(-h) - 1.0) / h + 1.0)) * D1
                    - (a_t * ((torch.exp(-h) - 1.0 + h) / h ** 2 - 0.5)) * D2)
        if alg == "dpmsolver":
            return ((a_t / a_s0) * x - (s_t * (torch.exp(h) - 1.0)) * D0
                    - (s_t * ((torch.exp(h) - 1.0) / h - 1.0)) * D1
                    - (s_t * ((torch.exp(h) - 1.0 - h) / h ** 2 - 0.5)) * D2)
        return ((s_t / s_s0 * torch.exp(-h)) * x + (a_t * (1.0 - torch.exp(-2.0 * h))) * D0
                + (a_t * ((1.0 - torch.exp(-2.0 * h)) / (-2.0 * h) + 1.0)) * D1
                + (a_t * ((1.0 - torch.exp(-2.0 * h) - 2.0 * h) / (2.0 * h) ** 2 - 0.5)) * D2
                + s_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise)

    def step(self, mo, t, x, gen):
        c = self.c
        self.ensure_index(t)
        n = len(self.timesteps)
        lof = (self.step_index == n - 1) and (
            c["euler_at_final"] or (c["lower_order_final"] and n < 15) or c["final_sigmas_type"] == "zero")
        los = (self.step_index == n - 2) and c["lower_order_final"] and n < 15
        mo, x0 = self.convert(mo, x)
        for i in range(c["solver_order"] - 1):
            self.model_outputs[i] = self.model_outputs[i + 1]
        self.model_outputs[-1] = mo
        noise = gen.randn(NUMEL) if c["algorithm_type"] == "sde-dpmsolver++" else None
        if c["solver_order"] == 1 or self.lower_order_nums < 1 or lof:
            prev = self.first(mo, x, noise)
        elif c["solver_order"] == 2 or self.lower_order_nums < 2 or los:
            prev = self.second(self.model_outputs, x, noise)
        else:
            prev = self.third(self.model_outputs, x, noise)
        if self.lower_order_nums < c["solver_order"]:
            self.lower_order_nums += 1
        self.step_index += 1
        return prev, x0

    def add_noise(self, x, noise, t):
        a, s = self.alpha_sigma(self.sigmas[self.index_for(t)])
        return a * x + s * noise


SCHEDULERS = {
    "ddim": DDIM, "ddpm": DDPM, "pndm": PNDM, "euler": Euler, "euler_a": EulerAncestral, "lms": LMS,
    "dpmpp_2m": DPMSolverMultistep,
}


# ---------------------------------------------------------------------------------------------------------------
# Trajectories

def r8(v):
    return float(f"{float(v):.8g}")


def arr(t):
    return [r8(v) for v in np.asarray(t, dtype=np.float64).reshape(-1)]


def run_case(name, overrides, steps, explicit_noise_seed=None):
    cls = SCHEDULERS[name]
    c = dict(cls.defaults)
    c.update(overrides)
    s = cls(c)
    try:
        s.set_timesteps(steps)
    except ValueError:
        return None  # diffusers rejects this combination too (PNDM's PRK warm-up needs at least 4 steps)
    gen = ExplicitNoise(explicit_noise_seed) if explicit_noise_seed is not None else StreamNoise()
    x = base_latents() * s.init_noise_sigma
    records = []
    timesteps = list(np.asarray(s.timesteps, dtype=np.float64))
    integral = np.issubdtype(np.asarray(s.timesteps).dtype, np.integer)
    for t in timesteps:
        t_arg = int(t) if integral else t
        x_in = s.scale(x, t_arg)
        mo = fake_model(x_in, t)
        prev, x0 = s.step(mo, t_arg, x, gen)
        if not torch.isfinite(prev).all():
            return None
        records.append({
            "scaled": arr(x_in[PROBE]),
            "prev": arr(prev[PROBE]),
            "pred": None if x0 is None else arr(x0[PROBE]),
        })
        x = prev.to(F32)
    case = {
        "scheduler": name,
        "config": {k: v for k, v in overrides.items()},
        "steps": steps,
        "timesteps": [r8(t) for t in timesteps],
        "init_noise_sigma": r8(s.init_noise_sigma),
        "sigmas": None if getattr(s, "sigmas", None) is None else arr(s.sigmas),
        "noise_draws": gen.draws,
        "records": records,
        "final": arr(x) if timesteps else None,
    }
    if explicit_noise_seed is not None:
        case["noise"] = [arr(v) for v in gen.values]
    if timesteps:
        # Forward diffusion at the first timestep, on a fresh scheduler (add_noise must not depend on the loop).
        fresh = cls(c)
        fresh.set_timesteps(steps)
        noise = StreamNoise().randn(NUMEL)
        case["add_noise"] = {"timestep": r8(timesteps[0]), "result": arr(fresh.add_noise(base_latents(), noise,
                                                                                         int(timesteps[0]) if integral else timesteps[0]))}
    return case


def alphas_case(schedule, extra):
    c = dict(DDIM.defaults)
    c.update(extra)
    c["beta_schedule"] = schedule
    ac = alphas_cumprod(c)
    return {"config": extra | {"beta_schedule": schedule}, "alphas_cumprod": [float(v) for v in ac.numpy()]}


def main():
    os.makedirs(OUT, exist_ok=True)
    spacings = ["leading", "trailing", "linspace"]
    preds = {"ddim": ["epsilon", "v_prediction", "sample"], "ddpm": ["epsilon", "v_prediction", "sample"],
             "pndm": ["epsilon", "v_prediction"], "euler": ["epsilon", "v_prediction", "sample"],
             "euler_a": ["epsilon", "v_prediction"], "lms": ["epsilon", "v_prediction", "sample"],
             "dpmpp_2m": ["epsilon", "v_prediction", "sample"]}
    sd = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
    variants = {
        "ddim": [dict(sd, clip_sample=False, set_alpha_to_one=False, steps_offset=1)],
        "ddpm": [dict(sd, clip_sample=False, steps_offset=1)],
        "pndm": [dict(sd, skip_prk_steps=True, steps_offset=1), dict(sd, skip_prk_steps=False)],
        "euler": [dict(sd, steps_offset=1)],
        "euler_a": [dict(sd, steps_offset=1)],
        "lms": [dict(sd, steps_offset=1)],
        "dpmpp_2m": [dict(sd, steps_offset=1)],
    }
    extras = {
        "ddim": [({"eta": 0.0}, [4, 20]), ({"clip_sample": True, "beta_schedule": "linear"}, [4, 20]),
                 ({"set_alpha_to_one": True, "beta_schedule": "squaredcos_cap_v2", "clip_sample": True,
                   "clip_sample_range": 1.5}, [4]),
                 ({"rescale_betas_zero_snr": True, "timestep_spacing": "trailing",
                   "prediction_type": "v_prediction"}, [4, 20]),
                 ({"trained_betas": [float(b) for b in np.linspace(0.001, 0.03, 100)],
                   "num_train_timesteps": 100}, [4, 20])],
        "ddpm": [({"variance_type": "fixed_small_log"}, [4]), ({"variance_type": "fixed_large"}, [4]),
                 ({"beta_schedule": "sigmoid"}, [4]), ({"clip_sample": True, "beta_schedule": "linear"}, [20]),
                 ({"rescale_betas_zero_snr": True, "timestep_spacing": "trailing",
                   "prediction_type": "v_prediction"}, [4, 20])],
        "pndm": [({"set_alpha_to_one": True, "skip_prk_steps": True}, [4, 20]),
                 ({"beta_schedule": "linear", "skip_prk_steps": False, "steps_offset": 1}, [20])],
        "euler": [({"use_karras_sigmas": True}, [4, 20, 50]),
                  ({"use_karras_sigmas": True, "sigma_min": 0.1, "sigma_max": 10.0}, [20]),
                  ({"interpolation_type": "log_linear"}, [4, 20]),
                  ({"final_sigmas_type": "sigma_min"}, [4, 20]),
                  ({"timestep_type": "continuous", "prediction_type": "v_prediction"}, [4, 20]),
                  ({"rescale_betas_zero_snr": True, "timestep_spacing": "trailing",
                    "prediction_type": "v_prediction"}, [4, 20]),
                  ({"beta_schedule": "squaredcos_cap_v2"}, [20])],
        "euler_a": [({"rescale_betas_zero_snr": True, "timestep_spacing": "trailing",
                      "prediction_type": "v_prediction"}, [4, 20]), ({"beta_schedule": "linear"}, [20])],
        "lms": [({"use_karras_sigmas": True}, [4, 20, 50]), ({"beta_schedule": "squaredcos_cap_v2"}, [20])],
        "dpmpp_2m": [({"use_karras_sigmas": True}, [4, 20, 50]), ({"solver_type": "heun"}, [4, 20]),
                     ({"final_sigmas_type": "sigma_min"}, [4, 20]), ({"euler_at_final": True}, [20]),
                     ({"lower_order_final": False}, [4, 20]), ({"solver_order": 3}, [4, 20]),
                     ({"solver_order": 1}, [4]), ({"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"},
                                                  [4, 20]),
                     ({"algorithm_type": "sde-dpmsolver++"}, [4, 20]),
                     ({"use_karras_sigmas": True, "algorithm_type": "sde-dpmsolver++"}, [20]),
                     ({"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}, [4, 20]),
                     ({"use_karras_sigmas": True, "beta_schedule": "squaredcos_cap_v2"}, [20]),
                     ({"rescale_betas_zero_snr": True, "timestep_spacing": "trailing",
                       "prediction_type": "v_prediction"}, [4, 20])],
    }
    total = 0
    for name in SCHEDULERS:
        cases = []
        for base in variants[name]:
            for sp in spacings:
                for p in preds[name]:
                    step_list = [1, 4, 20] + ([50] if p == "epsilon" or sp == "leading" else [])
                    for n in step_list:
                        cfg = dict(base, timestep_spacing=sp, prediction_type=p)
                        case = run_case(name, cfg, n)
                        if case is not None:
                            cases.append(case)
        for extra, step_list in extras[name]:
            for n in step_list:
                cfg = dict(variants[name][0])
                cfg.update(extra)
                case = run_case(name, cfg, n)
                if case is not None:
                    cases.append(case)
        if name == "ddim":
            for eta in (0.5, 1.0):
                for n in (4, 10):
                    cases.append(run_case(name, dict(variants[name][0], eta=eta), n, explicit_noise_seed=1234 + n))
        path = os.path.join(OUT, f"{name}.json")
        with open(path, "w") as fh:
            json.dump({"probe": PROBE, "numel": NUMEL, "cases": cases}, fh, separators=(",", ":"))
        total += os.path.getsize(path)
        print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")
    # Every step count 1..1000 for every spacing: length, sum and index-weighted sum of the timesteps, a compact
    # fingerprint that pins the numpy linspace/arange/round details for all step counts.
    fingerprints = {}
    for name in ("ddim", "pndm", "euler", "dpmpp_2m"):
        for sp in spacings:
            for extra in ([{}, {"skip_prk_steps": True}] if name == "pndm" else [{}]):
                cfg = dict(SCHEDULERS[name].defaults)
                cfg.update(variants[name][0])
                cfg.update(extra)
                cfg["timestep_spacing"] = sp
                rows = []
                for n in range(1, 1001):
                    s = SCHEDULERS[name](cfg)
                    try:
                        s.set_timesteps(n)
                    except ValueError:
                        rows.append(None)
                        continue
                    ts = np.asarray(s.timesteps, dtype=np.float64)
                    rows.append([len(ts), float(ts.sum()), float((ts * np.arange(1, len(ts) + 1)).sum())])
                key = name + ("_skip_prk" if extra else "") + ":" + sp
                fingerprints[key] = {"config": {k: v for k, v in cfg.items() if k in variants[name][0] or k in extra
                                                or k == "timestep_spacing"}, "rows": rows}
    path = os.path.join(OUT, "timestep_fingerprints.json")
    with open(path, "w") as fh:
        json.dump(fingerprints, fh, separators=(",", ":"))
    total += os.path.getsize(path)

    schedules = [alphas_case(s, {}) for s in ("linear", "scaled_linear", "squaredcos_cap_v2")]
    schedules.append(alphas_case("scaled_linear", {"beta_start": 0.00085, "beta_end": 0.012,
                                                   "rescale_betas_zero_snr": True}))
    path = os.path.join(OUT, "alphas_cumprod.json")
    with open(path, "w") as fh:
        json.dump(schedules, fh, separators=(",", ":"))
    total += os.path.getsize(path)
    print("total bytes", total)


if __name__ == "__main__":
    main()
