#!/usr/bin/python3
"""Tiny random-weight fixtures for the model families beyond SD 1.x/2.x: SDXL (base, refiner, Turbo), LCM,
LCM-LoRA and the 9-channel SD 1.5 inpainting UNet, in the layout `optimum-cli export onnx` writes.

The torch modules below are both what is exported to ONNX and what tools/goldens/family_goldens.py hands to
diffusers' real pipelines, so the goldens are computed by the very graphs the SDK runs. Building a family is
deterministic (fixed seeds), so the golden script rebuilds identical weights by calling `build(name)`.

Which export contract is followed (optimum-onnx 1939f27, optimum 83c88b8):
  * optimum/exporters/onnx/model_configs.py: CLIPTextOnnxConfig (last_hidden_state, pooler_output),
    CLIPTextWithProjectionOnnxConfig (text_embeds, last_hidden_state), `hidden_states.0..N` when
    output_hidden_states is set, UNetOnnxConfig (sample, timestep, encoder_hidden_states, timestep_cond when
    time_cond_proj_dim is set, text_embeds + time_ids when addition_embed_type is "text_time"; out_sample),
    VaeEncoderOnnxConfig (sample -> latent_parameters), VaeDecoderOnnxConfig (latent_sample -> sample), with
    their dynamic axes names;
  * optimum/exporters/utils.py `_get_submodels_for_export_diffusion`: output_hidden_states only for SDXL and SD3
    text encoders; vae_encoder returns `latent_dist.parameters` (mean || logvar);
  * optimum/utils/input_generators.py DummyTimestepInputGenerator: float32 scalar timestep, time_ids of 5
    values with requires_aesthetics_score, else 6; int64 input_ids;
  * optimum/exporters/onnx/convert.py: per-component config.json, scheduler/, tokenizer*/, model_index.json.

Run:  /usr/bin/python3 tools/make_tiny_families.py [--out tools/models] [--only sdxl-base lcm ...]
"""
import argparse
import collections
import math
import os
import shutil
import sys
import types

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tiny_models as base  # noqa: E402  (tokenizer, VAE modules, export and JSON helpers)

MAX_LEN = base.MAX_LEN
DIFFUSERS_VERSION = "0.30.0"


# ----------------------------------------------------------------------------------------------
# Torch modules
# ----------------------------------------------------------------------------------------------

class ClipBlock(nn.Module):
    """One pre-LN causal self-attention block (single head), as a CLIP encoder layer."""

    def __init__(self, hidden):
        super().__init__()
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, 2 * hidden)
        self.fc2 = nn.Linear(2 * hidden, hidden)
        self.hidden = hidden

    def forward(self, x):
        seq = x.shape[1]
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        mask = torch.triu(torch.full((seq, seq), -1e4), diagonal=1)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.hidden) + mask, dim=-1)
        x = x + self.proj(att @ v)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TinyClipText(nn.Module):
    """CLIPTextModel / CLIPTextModelWithProjection stand-in with `layers` blocks.

    Outputs (the optimum export order): without projection (last_hidden_state, pooler_output, hidden_states...);
    with projection (text_embeds, last_hidden_state, hidden_states...). hidden_states.0 is the embedding output,
    hidden_states.i the output of block i, last_hidden_state = final LN of the last one (as in CLIP). The pooled
    vector is taken at argmax(input_ids): the first <|endoftext|>, the largest id, as CLIP does."""

    def __init__(self, vocab_size, hidden, layers, projection=None, hidden_states=True):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, hidden) * 0.02)
        self.blocks = nn.ModuleList([ClipBlock(hidden) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden)
        self.text_projection = nn.Linear(hidden, projection, bias=False) if projection else None
        self.hidden = hidden
        self.with_hidden_states = hidden_states

    def forward(self, input_ids):
        ids = input_ids.long()
        x = self.tok(ids) + self.pos[:ids.shape[1]].unsqueeze(0)
        states = [x]
        for block in self.blocks:
            x = block(x)
            states.append(x)
        last = self.ln_f(x)
        gidx = ids.argmax(dim=-1).reshape(-1, 1, 1).expand(-1, 1, self.hidden)
        pooled = torch.gather(last, 1, gidx).reshape(-1, self.hidden)
        extra = tuple(states) if self.with_hidden_states else ()
        if self.text_projection is not None:
            return (self.text_projection(pooled), last) + extra
        return (last, pooled) + extra


def sinusoid(values, dim):
    """diffusers get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0 (models/embeddings.py)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    e = values.float().reshape(-1, 1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(e), torch.sin(e)], dim=1)


class TinyCondUNet(nn.Module):
    """UNet2DConditionModel stand-in: conv_in -> + time embedding (+ SDXL added embedding, + LCM timestep_cond)
    -> cross-attention over encoder_hidden_states -> conv -> conv_out.

    `add_embedding.linear_1.in_features` exists as in diffusers (the SDXL pipeline checks it against
    addition_time_embed_dim * len(time_ids) + projection dim)."""

    def __init__(self, in_ch, out_ch, ctx_dim, ch=32, text_embeds_dim=None, n_time_ids=None, add_time_dim=None,
                 time_cond_dim=None):
        super().__init__()
        self.ch = ch
        self.out_ch = out_ch
        self.conv_in = nn.Conv2d(in_ch, ch, 3, padding=1)
        self.t1 = nn.Linear(ch, ch)
        self.t2 = nn.Linear(ch, ch)
        self.cond_proj = nn.Linear(time_cond_dim, ch, bias=False) if time_cond_dim else None
        self.add_time_dim = add_time_dim
        if text_embeds_dim:
            self.add_embedding = nn.Module()
            self.add_embedding.linear_1 = nn.Linear(text_embeds_dim + n_time_ids * add_time_dim, ch)
            self.add_embedding.linear_2 = nn.Linear(ch, ch)
        else:
            self.add_embedding = None
        self.q = nn.Linear(ch, ch)
        self.k = nn.Linear(ctx_dim, ch)
        self.v = nn.Linear(ctx_dim, ch)
        self.o = nn.Linear(ch, ch)
        self.mid = nn.Conv2d(ch, ch, 3, padding=1)
        self.conv_out = nn.Conv2d(ch, out_ch, 3, padding=1)
        with torch.no_grad():  # louder conditioning, so a mis-wired input moves the output well past 1e-3
            self.o.weight.mul_(4.0)
            if self.add_embedding is not None:
                self.add_embedding.linear_2.weight.mul_(3.0)
            if self.cond_proj is not None:
                self.cond_proj.weight.mul_(3.0)

    def forward(self, sample, timestep, encoder_hidden_states, timestep_cond=None, text_embeds=None,
                time_ids=None):
        t = sinusoid(timestep, self.ch)  # [] / [1] / [b] -> [n, ch]
        if self.cond_proj is not None:
            t = t + self.cond_proj(timestep_cond)  # diffusers TimestepEmbedding: sample + cond_proj(condition)
        temb = self.t2(F.silu(self.t1(t)))
        if self.add_embedding is not None:
            b = text_embeds.shape[0]
            time_embeds = sinusoid(time_ids.reshape(-1), self.add_time_dim).reshape(b, -1)
            add = torch.cat([text_embeds, time_embeds], dim=-1)
            temb = temb + self.add_embedding.linear_2(F.silu(self.add_embedding.linear_1(add)))
        h = self.conv_in(sample) + temb.unsqueeze(2).unsqueeze(3)
        hs = h.flatten(2).transpose(1, 2)
        ctx = encoder_hidden_states
        att = torch.softmax(self.q(hs) @ self.k(ctx).transpose(1, 2) / math.sqrt(self.ch), dim=-1)
        hs = hs + self.o(att @ self.v(ctx))
        h = hs.transpose(1, 2).reshape(h.shape)
        h = h + 0.5 * self.mid(F.silu(h))
        # identity skip on the latent channels: the prediction is close to the (scaled) noisy sample, as a
        # trained epsilon model's is at high noise, so denoised latents and images stay O(1) instead of growing
        # by 1/sqrt(alpha_cumprod) per step; the conditioned term still moves the result by O(0.1)
        return sample[:, :self.out_ch] + 0.5 * self.conv_out(F.silu(h))


class Positional(nn.Module):
    """Exports `inner` with exactly the named inputs, in the given order (keyword arguments of inner)."""

    def __init__(self, inner, names):
        super().__init__()
        self.inner = inner
        self.names = names

    def forward(self, *args):
        return self.inner(**dict(zip(self.names, args)))


# ----------------------------------------------------------------------------------------------
# Configs (diffusers / transformers config.json files)
# ----------------------------------------------------------------------------------------------

def euler_sdxl_config():  # stabilityai/stable-diffusion-xl-base-1.0 and -refiner-1.0 scheduler/scheduler_config.json
    return {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.19.0.dev0", "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
            "sample_max_value": 1.0, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
            "timestep_spacing": "leading", "trained_betas": None, "use_karras_sigmas": False}


def euler_a_turbo_config():  # stabilityai/sdxl-turbo scheduler/scheduler_config.json
    return {"_class_name": "EulerAncestralDiscreteScheduler", "_diffusers_version": "0.24.0.dev0",
            "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
            "sample_max_value": 1.0, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
            "timestep_spacing": "trailing", "trained_betas": None, "use_karras_sigmas": False}


def lcm_config():  # SimianLuo/LCM_Dreamshaper_v7 scheduler/scheduler_config.json
    return {"_class_name": "LCMScheduler", "_diffusers_version": "0.22.0.dev0", "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": 1000,
            "original_inference_steps": 50, "prediction_type": "epsilon", "rescale_betas_zero_snr": False,
            "sample_max_value": 1.0, "set_alpha_to_one": True, "steps_offset": 1, "thresholding": False,
            "timestep_scaling": 10.0, "timestep_spacing": "leading", "trained_betas": None}


def pndm_sd15_config():  # runwayml/stable-diffusion-inpainting (SD 1.5) scheduler/scheduler_config.json
    return base.pndm_config()


def clip_text_config(arch, hidden, layers, vocab_size, projection):
    return {"_name_or_path": "diffusion4j/tiny", "architectures": [arch], "attention_dropout": 0.0,
            "bos_token_id": vocab_size - 2, "dropout": 0.0, "eos_token_id": vocab_size - 1, "hidden_act": "gelu",
            "hidden_size": hidden, "initializer_factor": 1.0, "initializer_range": 0.02,
            "intermediate_size": 2 * hidden, "layer_norm_eps": 1e-05, "max_position_embeddings": MAX_LEN,
            "model_type": "clip_text_model", "num_attention_heads": 1, "num_hidden_layers": layers,
            "pad_token_id": 1, "projection_dim": projection, "torch_dtype": "float32",
            "transformers_version": base.TRANSFORMERS_VERSION, "vocab_size": vocab_size}


def unet_config(spec):
    ch = 32
    cfg = {"_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
           "addition_embed_type": None, "addition_embed_type_num_heads": 64, "addition_time_embed_dim": None,
           "attention_head_dim": 8, "block_out_channels": [ch, ch], "center_input_sample": False,
           "class_embed_type": None, "cross_attention_dim": spec["ctx_dim"],
           "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"], "downsample_padding": 1,
           "flip_sin_to_cos": True, "freq_shift": 0, "in_channels": spec.get("unet_in", 4),
           "layers_per_block": 1, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 8,
           "out_channels": 4, "projection_class_embeddings_input_dim": None, "sample_size": 8,
           "time_cond_proj_dim": spec.get("time_cond_dim"), "transformer_layers_per_block": 1,
           "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "use_linear_projection": False}
    if spec.get("sdxl"):
        cfg.update({"addition_embed_type": "text_time", "addition_time_embed_dim": spec["add_time_dim"],
                    "projection_class_embeddings_input_dim": spec["proj"] + spec["n_time_ids"] * spec["add_time_dim"],
                    "transformer_layers_per_block": [1, 2], "use_linear_projection": True})
    return cfg


def vae_config():
    return {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
            "block_out_channels": [16, 16, 16, 16], "down_block_types": ["DownEncoderBlock2D"] * 4,
            "force_upcast": True, "in_channels": 3, "latent_channels": 4, "layers_per_block": 1,
            "norm_num_groups": 8, "out_channels": 3, "sample_size": 64, "scaling_factor": base.SCALING_FACTOR,
            "up_block_types": ["UpDecoderBlock2D"] * 4}


# ----------------------------------------------------------------------------------------------
# Family specs
# ----------------------------------------------------------------------------------------------

TE1_HIDDEN, TE2_HIDDEN, TE2_PROJ, ADD_TIME_DIM, TIME_COND_DIM = 32, 48, 40, 8, 256

SDXL = dict(sdxl=True, pipeline="StableDiffusionXLPipeline", text_encoders=("text_encoder", "text_encoder_2"),
            ctx_dim=TE1_HIDDEN + TE2_HIDDEN, proj=TE2_PROJ, n_time_ids=6, add_time_dim=ADD_TIME_DIM,
            scheduler=euler_sdxl_config, force_zeros=True)
SD15 = dict(pipeline="StableDiffusionPipeline", text_encoders=("text_encoder",), ctx_dim=TE1_HIDDEN,
            scheduler=pndm_sd15_config)

FAMILIES = collections.OrderedDict([
    ("sdxl-base", dict(SDXL)),
    # refiner: only the OpenCLIP-G encoder, 5 time ids (aesthetic score), Img2Img pipeline class
    ("sdxl-refiner", dict(SDXL, pipeline="StableDiffusionXLImg2ImgPipeline", text_encoders=("text_encoder_2",),
                          ctx_dim=TE2_HIDDEN, n_time_ids=5, aesthetics=True, force_zeros=False)),
    ("sdxl-turbo", dict(SDXL, scheduler=euler_a_turbo_config, recommend=(1, 0.0))),  # sdxl-turbo card: 1 step, g 0
    ("lcm", dict(SD15, pipeline="LatentConsistencyModelPipeline", time_cond_dim=TIME_COND_DIM,
                 scheduler=lcm_config, recommend=(4, 8.0))),  # LCM_Dreamshaper_v7 card: 4 steps, guidance 8
    ("lcm-lora", dict(SD15, scheduler=lcm_config, recommend=(4, 1.5))),  # LCM-LoRA card: 4 steps, guidance 1-2
    ("sd-inpaint", dict(SD15, pipeline="StableDiffusionInpaintPipeline", unet_in=9)),
])


def build(name, vocab_size):
    """The torch modules of a family, with fixed seeds: {component: module} plus their config dicts."""
    spec = FAMILIES[name]
    modules, configs = {}, {}
    sdxl = spec.get("sdxl", False)
    if "text_encoder" in spec["text_encoders"]:
        modules["text_encoder"] = base.seeded(5100, lambda: TinyClipText(
            vocab_size, TE1_HIDDEN, 2, hidden_states=sdxl))
        configs["text_encoder"] = clip_text_config("CLIPTextModel", TE1_HIDDEN, 2, vocab_size, TE1_HIDDEN)
    if "text_encoder_2" in spec["text_encoders"]:
        modules["text_encoder_2"] = base.seeded(5200, lambda: TinyClipText(
            vocab_size, TE2_HIDDEN, 2, projection=TE2_PROJ, hidden_states=True))
        configs["text_encoder_2"] = clip_text_config("CLIPTextModelWithProjection", TE2_HIDDEN, 2, vocab_size,
                                                     TE2_PROJ)
    seed = {"sdxl-base": 5300, "sdxl-turbo": 5300, "sdxl-refiner": 5310, "lcm": 5320, "lcm-lora": 5330,
            "sd-inpaint": 5340}[name]
    modules["unet"] = base.seeded(seed, lambda: TinyCondUNet(
        spec.get("unet_in", 4), 4, spec["ctx_dim"], text_embeds_dim=spec.get("proj"),
        n_time_ids=spec.get("n_time_ids"), add_time_dim=spec.get("add_time_dim"),
        time_cond_dim=spec.get("time_cond_dim")))
    configs["unet"] = unet_config(spec)
    modules["vae_decoder"] = base.seeded(3000, lambda: base.TinyVaeDecoder())
    with torch.no_grad():  # tanh gain 12.5 instead of 25: images spread over [-1, 1] without saturating
        modules["vae_decoder"].conv_out.weight.mul_(0.5)
    modules["vae_encoder"] = base.seeded(4000, lambda: base.TinyVaeEncoder(mode="parameters"))
    configs["vae"] = vae_config()
    configs["scheduler"] = spec["scheduler"]()
    for m in modules.values():
        m.eval()
    return types.SimpleNamespace(spec=spec, modules=modules, configs=configs)


def unet_inputs(spec):
    names = ["sample", "timestep", "encoder_hidden_states"]
    if spec.get("time_cond_dim"):
        names.append("timestep_cond")
    if spec.get("sdxl"):
        names += ["text_embeds", "time_ids"]
    return names


# ----------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------

BN = "batch_size"


def export(module, args, path, input_names, output_names, dynamic_axes):
    """base.export, then the output dims that are not dynamic axes get their concrete sizes.

    torch 1.13's shape inference leaves names such as `Addlast_hidden_state_dim_2` on the hidden width of the
    text encoder outputs; a real export declares those dims static (768, 1280 ...), and so do these files."""
    base.export(module, args, path, input_names, output_names, dynamic_axes)
    with torch.no_grad():
        outs = module(*args)
    outs = outs if isinstance(outs, tuple) else (outs,)
    model = onnx.load(path)
    for out, value in zip(model.graph.output, outs):
        dynamic = dynamic_axes.get(out.name, {})
        for i, dim in enumerate(out.type.tensor_type.shape.dim):
            if i not in dynamic:
                dim.Clear()
                dim.dim_value = value.shape[i]
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def export_family(folder, name, vocab_size):
    fam = build(name, vocab_size)
    spec = fam.spec
    b = 2
    ids = torch.full((b, MAX_LEN), vocab_size - 1, dtype=torch.int64)
    ids[:, 0] = vocab_size - 2
    ids[:, 1:4] = torch.tensor([40, 41, 42])
    for te in spec["text_encoders"]:
        module = fam.modules[te]
        layers = len(module.blocks)
        outs = ["text_embeds", "last_hidden_state"] if module.text_projection is not None else [
            "last_hidden_state", "pooler_output"]
        axes = {"input_ids": {0: BN, 1: "sequence_length"}, "last_hidden_state": {0: BN, 1: "sequence_length"}}
        if module.text_projection is not None:
            # CLIPTextWithProjectionOnnxConfig declares text_embeds {0: batch_size, 1: sequence_length} (sic)
            axes["text_embeds"] = {0: BN, 1: "sequence_length"}
        else:
            axes["pooler_output"] = {0: BN}
        if module.with_hidden_states:
            for i in range(layers + 1):
                outs.append(f"hidden_states.{i}")
                axes[f"hidden_states.{i}"] = {0: BN, 1: "sequence_length"}
        export(module, [ids], os.path.join(folder, te, "model.onnx"), ["input_ids"], outs, axes)

    names = unet_inputs(spec)
    example = {"sample": torch.randn(b, spec.get("unet_in", 4), 8, 8), "timestep": torch.tensor(500.0),
               "encoder_hidden_states": torch.randn(b, MAX_LEN, spec["ctx_dim"]),
               "timestep_cond": torch.randn(b, TIME_COND_DIM),
               "text_embeds": torch.randn(b, spec.get("proj") or 1),
               "time_ids": torch.tensor([[64.0, 64.0, 0.0, 0.0, 64.0, 64.0][:spec.get("n_time_ids") or 1]] * b)}
    axes = {"sample": {0: BN, 2: "height", 3: "width"}, "encoder_hidden_states": {0: BN, 1: "sequence_length"},
            "timestep_cond": {0: BN}, "text_embeds": {0: BN}, "time_ids": {0: BN},
            "out_sample": {0: BN, 2: "height", 3: "width"}}
    export(Positional(fam.modules["unet"], names), [example[n] for n in names],
                os.path.join(folder, "unet", "model.onnx"), names, ["out_sample"],
                {k: v for k, v in axes.items() if k in names or k == "out_sample"})

    lat = torch.randn(b, 4, 8, 8)
    img = torch.rand(b, 3, 64, 64).mul(2).sub(1)
    export(fam.modules["vae_decoder"], [lat], os.path.join(folder, "vae_decoder", "model.onnx"),
                ["latent_sample"], ["sample"],
                {"latent_sample": {0: BN, 2: "latent_height", 3: "latent_width"},
                 "sample": {0: BN, 2: "latent_height * 8", 3: "latent_width * 8"}})
    export(fam.modules["vae_encoder"], [img], os.path.join(folder, "vae_encoder", "model.onnx"), ["sample"],
                ["latent_parameters"],
                {"sample": {0: BN, 2: "sample_height", 3: "sample_width"},
                 "latent_parameters": {0: BN, 2: "sample_height / 8", 3: "sample_width / 8"}})
    return fam


def write_tokenizers(folder, spec, vocab, merges_txt):
    """tokenizer/ pads with <|endoftext|> (CLIP-L); tokenizer_2/ pads with "!" (id 0) like SDXL's OpenCLIP-G."""
    wanted = {"text_encoder": ("tokenizer", "<|endoftext|>"), "text_encoder_2": ("tokenizer_2", "!")}
    for te in spec["text_encoders"]:
        sub, pad = wanted[te]
        tmp = os.path.join(folder, "_tok")
        base.write_tokenizer(tmp, vocab, merges_txt, pad)
        os.replace(os.path.join(tmp, "tokenizer"), os.path.join(folder, sub))
        os.rmdir(tmp)


def write_configs(folder, name, fam):
    spec = fam.spec
    for te in spec["text_encoders"]:
        base.write_json(os.path.join(folder, te, "config.json"), fam.configs[te])
    base.write_json(os.path.join(folder, "unet", "config.json"), fam.configs["unet"])
    for sub in ("vae_decoder", "vae_encoder"):
        base.write_json(os.path.join(folder, sub, "config.json"), fam.configs["vae"])
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    base.write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), fam.configs["scheduler"])
    base.write_json(os.path.join(folder, "model_index.json"), model_index(name, fam))


def model_index(name, fam):
    """model_index.json as the pipeline's save_config writes it (optimum convert.py `model.save_config`)."""
    spec = fam.spec
    sched = fam.configs["scheduler"]["_class_name"]
    index = {"_class_name": spec["pipeline"], "_diffusers_version": DIFFUSERS_VERSION,
             "scheduler": ["diffusers", sched], "unet": ["diffusers", "UNet2DConditionModel"],
             "vae": ["diffusers", "AutoencoderKL"]}
    if spec.get("sdxl"):
        has1 = "text_encoder" in spec["text_encoders"]
        index.update({
            "feature_extractor": [None, None], "image_encoder": [None, None],
            "force_zeros_for_empty_prompt": spec["force_zeros"],
            "text_encoder": ["transformers", "CLIPTextModel"] if has1 else [None, None],
            "tokenizer": ["transformers", "CLIPTokenizer"] if has1 else [None, None],
            "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
            "tokenizer_2": ["transformers", "CLIPTokenizer"]})
        if spec.get("aesthetics"):
            index["requires_aesthetics_score"] = True
    else:
        index.update({"feature_extractor": [None, None], "image_encoder": [None, None],
                      "requires_safety_checker": False, "safety_checker": [None, None],
                      "text_encoder": ["transformers", "CLIPTextModel"],
                      "tokenizer": ["transformers", "CLIPTokenizer"]})
    if "recommend" in spec:
        steps, guidance = spec["recommend"]
        index["_diffusion4j"] = {"recommended_steps": steps, "recommended_guidance_scale": guidance}
    return index


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "models"))
    ap.add_argument("--only", nargs="*", help="family folder names to (re)generate")
    args = ap.parse_args()
    vocab, merges_txt = base.build_tokenizer()
    total = 0
    for name in FAMILIES:
        if args.only and name not in args.only:
            continue
        folder = os.path.join(args.out, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        write_tokenizers(folder, FAMILIES[name], vocab, merges_txt)
        fam = export_family(folder, name, len(vocab))
        write_configs(folder, name, fam)
        size = base.folder_size(folder)
        total += size
        print(f"{name:24s} {size / 1024:8.1f} KiB")
    print(f"{'total':24s} {total / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
