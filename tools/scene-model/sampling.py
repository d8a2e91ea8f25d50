"""SD 1.5 noise schedule and the two samplers compared (diffusers DDIMScheduler / EulerDiscreteScheduler semantics)."""
import numpy as np
import torch

NUM_TRAIN_TIMESTEPS = 1000
BETA_START, BETA_END = 0.00085, 0.012


def alphas_cumprod():
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, NUM_TRAIN_TIMESTEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).float()


def ddim_timesteps(n, steps_offset=1):
    """timestep_spacing 'leading' + steps_offset (SD 1.5 config)."""
    ratio = NUM_TRAIN_TIMESTEPS // n
    return (np.arange(n) * ratio).round()[::-1].astype(np.int64) + steps_offset


def euler_schedule(n):
    """timestep_spacing 'linspace' (EulerDiscreteScheduler default): float timesteps, interpolated sigmas + 0."""
    acp = alphas_cumprod().double().numpy()
    sig = ((1 - acp) / acp) ** 0.5
    ts = np.linspace(0, NUM_TRAIN_TIMESTEPS - 1, n, dtype=np.float64)[::-1].copy()
    s = np.interp(ts, np.arange(NUM_TRAIN_TIMESTEPS), sig)
    return ts.astype(np.float32), np.concatenate([s, [0.0]]).astype(np.float32)


@torch.no_grad()
def sample(unet_fn, cond, uncond, noise, scheduler="euler", steps=20, guidance=6.0):
    """unet_fn(x, t_scalar_tensor, ctx) -> eps. cond/uncond: [b, 77, d]; noise: [b, 4, 8, 8] standard normal."""
    ctx = torch.cat([uncond, cond])

    def eps_of(x_in, t):
        e = unet_fn(torch.cat([x_in, x_in]), torch.tensor(float(t)), ctx)
        eu, ec = e.chunk(2)
        return eu + guidance * (ec - eu)

    if scheduler == "ddim":
        acp = alphas_cumprod()
        ts = ddim_timesteps(steps)
        x = noise.clone()
        ratio = NUM_TRAIN_TIMESTEPS // steps
        for t in ts:
            e = eps_of(x, t)
            a = acp[t]
            prev = t - ratio
            ap = acp[prev] if prev >= 0 else acp[0]
            x0 = (x - (1 - a).sqrt() * e) / a.sqrt()
            x = ap.sqrt() * x0 + (1 - ap).sqrt() * e
        return x
    if scheduler == "euler":
        ts, sig = euler_schedule(steps)
        x = noise * float((sig[0] ** 2 + 1) ** 0.5)
        for i, t in enumerate(ts):
            s = float(sig[i])
            e = eps_of(x / (s * s + 1) ** 0.5, t)
            x = x + e * (float(sig[i + 1]) - s)
        return x
    raise ValueError(scheduler)
