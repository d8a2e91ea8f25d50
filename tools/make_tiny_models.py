#!/usr/bin/python3
"""Generate tiny random-weight Stable-Diffusion-shaped ONNX pipelines for Diffusion4j tests.

Every folder under --out (default tools/models) imitates one real export layout (diffusers legacy ONNX,
optimum old/new, fp16, external data, SD 2.x v-prediction, SD-Turbo, ...). The weights are random but
seeded, and re-running the script produces byte-identical files.

Run with the system interpreter that has torch 1.13 + onnx 1.12:

    /usr/bin/python3 tools/make_tiny_models.py [--out tools/models]
"""
import argparse
import collections
import json
import math
import os
import re
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 14
MAX_LEN = 77
LATENT_CHANNELS = 4
SCALING_FACTOR = 0.13025  # deliberately != 0.18215 so tests can tell config.json is read
DIFFUSERS_VERSION = "0.30.0"
TRANSFORMERS_VERSION = "4.44.0"

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


# ----------------------------------------------------------------------------------------------
# Tokenizer: a small CLIP-format byte-level BPE learned from a fixed caption corpus
# ----------------------------------------------------------------------------------------------

CAPTIONS = """
a photograph of an astronaut riding a horse on the moon
a painting of a fox sitting in a field at sunrise, oil on canvas
a cute cat wearing a tiny hat, digital art, highly detailed
a castle on a hill under a starry night sky, fantasy landscape
portrait of an old man with a beard, studio lighting, 85mm photo
a red sports car driving through the mountains at sunset
a bowl of fruit on a wooden table, still life painting
a futuristic city with flying cars and neon lights, cyberpunk
a dog playing in the snow, photograph, sharp focus
an oil painting of a sailing ship in a stormy sea
a watercolor painting of flowers in a vase
a lighthouse on a rocky coast, dramatic clouds, high quality
a small house in the forest, cozy, warm light, illustration
a close up photo of a hummingbird drinking from a flower
the eiffel tower at night, long exposure photograph
a robot reading a book in a library, concept art
a mountain lake with reflections of the trees, landscape photography
a bowl of ramen with an egg, food photography, 4k
a dragon flying over a medieval village, epic fantasy art
a beautiful beach with palm trees and turquoise water
an astronaut cat floating in space, stars in the background
a steaming cup of coffee on a rainy window sill
a black and white photograph of a street in paris
a teddy bear on a skateboard in times square
a vintage poster of a train crossing a bridge
a macro photo of a dew drop on a leaf, bokeh
blurry, low quality, bad anatomy, watermark, text, deformed
""".strip().splitlines()

# CLIP's pre-tokenizer regex (without the \p{L}/\p{N} classes, which `re` lacks; ASCII corpus anyway)
PAT = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[a-zA-Z]+|[0-9]|[^\sa-zA-Z0-9]+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(
        range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs], dict(zip(bs, [chr(c) for c in cs]))


def learn_bpe(num_merges=320):
    _, b2u = bytes_to_unicode()
    words = collections.Counter()
    for line in CAPTIONS:
        for tok in PAT.findall(line.lower()):
            word = "".join(b2u[b] for b in tok.encode("utf-8"))
            words[tuple(word[:-1]) + (word[-1] + "</w>",)] += 1
    words = dict(words)
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for i in range(len(w) - 1):
                pairs[(w[i], w[i + 1])] += c
        if not pairs:
            break
        # deterministic: highest count, ties broken lexicographically
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if pairs[best] < 2 and len(merges) >= 200:
            break
        merges.append(best)
        new_words = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i < len(w) - 1 and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    return merges


def build_tokenizer():
    chars, _ = bytes_to_unicode()
    vocab_list = chars + [c + "</w>" for c in chars]
    merges = learn_bpe()
    seen = set(vocab_list)
    for a, b in merges:
        if a + b not in seen:
            vocab_list.append(a + b)
            seen.add(a + b)
    vocab_list += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    merges_txt = "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)
    return vocab, merges_txt


def write_tokenizer(folder, vocab, merges_txt, pad_token):
    d = os.path.join(folder, "tokenizer")
    os.makedirs(d, exist_ok=True)
    write_json(os.path.join(d, "vocab.json"), vocab, indent=None)
    with open(os.path.join(d, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(merges_txt)
    tok = lambda s: {"__type": "AddedToken", "content": s, "lstrip": False, "normalized": True,
                     "rstrip": False, "single_word": False}
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "add_prefix_space": False,
        "bos_token": tok("<|startoftext|>"),
        "clean_up_tokenization_spaces": True,
        "do_lower_case": True,
        "eos_token": tok("<|endoftext|>"),
        "errors": "replace",
        "model_max_length": MAX_LEN,
        "pad_token": pad_token,
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": tok("<|endoftext|>"),
    })
    write_json(os.path.join(d, "special_tokens_map.json"), {
        "bos_token": {"content": "<|startoftext|>", "lstrip": False, "normalized": True, "rstrip": False,
                      "single_word": False},
        "eos_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False,
                      "single_word": False},
        "pad_token": pad_token,
        "unk_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False,
                      "single_word": False},
    })


# ----------------------------------------------------------------------------------------------
# Tiny torch modules with the real I/O contracts
# ----------------------------------------------------------------------------------------------

class TinyTextEncoder(nn.Module):
    """Embedding + position embedding + one pre-LN transformer block (single head) + final LN.

    pooler_output = hidden state at the position of the largest token id (= <|endoftext|>, the last id),
    which is what CLIPTextModel does with its argmax trick."""

    def __init__(self, vocab_size, hidden):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, hidden) * 0.02)
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, 2 * hidden)
        self.fc2 = nn.Linear(2 * hidden, hidden)
        self.ln_f = nn.LayerNorm(hidden)
        self.hidden = hidden

    def forward(self, input_ids):
        ids = input_ids.long()
        seq = ids.shape[1]
        x = self.tok(ids) + self.pos[:seq].unsqueeze(0)
        h = self.ln1(x)
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        mask = torch.triu(torch.full((seq, seq), -1e4), diagonal=1)  # causal, like CLIP
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.hidden) + mask, dim=-1)
        x = x + self.proj(att @ v)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        last = self.ln_f(x)
        idx = ids.argmax(dim=-1)  # [b]
        gidx = idx.reshape(-1, 1, 1).expand(-1, 1, self.hidden)
        pooled = torch.gather(last, 1, gidx).reshape(-1, self.hidden)
        return last, pooled


class TinyUNet(nn.Module):
    """conv_in -> + timestep embedding -> cross-attention on encoder_hidden_states -> convs -> conv_out.

    The timestep may be rank 0, [1] or [batch]; it is flattened to [n] and broadcast over the batch."""

    def __init__(self, ctx_dim, ch=32, extra_convs=0, repeats=1):
        super().__init__()
        self.ch = ch
        self.repeats = repeats  # the bench UNet re-applies its convs (shared weights: more compute, same size)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, ch, 3, padding=1)
        half = ch // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half))
        self.t1 = nn.Linear(ch, ch)
        self.t2 = nn.Linear(ch, ch)
        self.q = nn.Linear(ch, ch)
        self.k = nn.Linear(ctx_dim, ch)
        self.v = nn.Linear(ctx_dim, ch)
        self.o = nn.Linear(ch, ch)
        self.mid = nn.ModuleList([nn.Conv2d(ch, ch, 3, padding=1) for _ in range(extra_convs)])
        self.conv_out = nn.Conv2d(ch, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        t = timestep.float().reshape(-1)  # [] / [1] / [b] -> [n]
        e = t.unsqueeze(1) * self.freqs.unsqueeze(0)
        temb = self.t2(F.silu(self.t1(torch.cat([torch.sin(e), torch.cos(e)], dim=1))))  # [n, ch]
        h = self.conv_in(sample) + temb.unsqueeze(2).unsqueeze(3)
        hs = h.flatten(2).transpose(1, 2)  # [b, hw, ch]
        ctx = encoder_hidden_states
        att = torch.softmax(self.q(hs) @ self.k(ctx).transpose(1, 2) / math.sqrt(self.ch), dim=-1)
        hs = hs + self.o(att @ self.v(ctx))
        h = hs.transpose(1, 2).reshape(h.shape)
        for _ in range(self.repeats):
            for conv in self.mid:
                h = h + 0.5 * conv(F.silu(h))
        return self.conv_out(F.silu(h))


class TinyVaeDecoder(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, ch, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(ch, ch, 3, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)
        with torch.no_grad():  # push the tanh output towards the whole [-1, 1] range
            self.conv_out.weight.mul_(25.0)
            self.conv_out.bias.zero_()

    def forward(self, latent_sample):
        h = self.conv_in(latent_sample)
        for conv in self.ups:
            h = conv(F.silu(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return torch.tanh(self.conv_out(F.silu(h)))


class TinyVaeEncoder(nn.Module):
    """Returns mean || logvar (8 channels) at 1/8 resolution; `mode` picks what the graph outputs."""

    def __init__(self, ch=16, mode="parameters"):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.downs = nn.ModuleList([nn.Conv2d(ch, ch, 3, stride=2, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(ch, 2 * LATENT_CHANNELS, 3, padding=1)
        self.mode = mode

    def forward(self, sample):
        h = self.conv_in(sample)
        for conv in self.downs:
            h = conv(F.silu(h))
        p = self.conv_out(F.silu(h))
        mean, logvar = p[:, :LATENT_CHANNELS], torch.clamp(p[:, LATENT_CHANNELS:], -30.0, 20.0)
        if self.mode == "parameters":
            return torch.cat([mean, logvar], dim=1)
        return mean  # "latent_sample": deterministic stand-in for latent_dist.sample()


class Fp16Boundary(nn.Module):
    """Computes in float32 inside, but every float input/output of the graph is float16."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, *args):
        args = [a.float() if a.is_floating_point() else a for a in args]
        out = self.inner(*args)
        if isinstance(out, tuple):
            return tuple(o.half() for o in out)
        return out.half()


# ----------------------------------------------------------------------------------------------
# Export helpers
# ----------------------------------------------------------------------------------------------

def write_json(path, obj, indent=2):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=indent, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def export(module, args, path, input_names, output_names, dynamic_axes, external=None, rename_inputs=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(module, tuple(args), tmp, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(tmp)
    os.remove(tmp)
    if rename_inputs:
        for old, new in rename_inputs.items():
            for i in model.graph.input:
                if i.name == old:
                    i.name = new
            for n in model.graph.node:
                for k, name in enumerate(n.input):
                    if name == old:
                        n.input[k] = new
    model.producer_name = "diffusion4j-tiny"
    model.producer_version = "1"
    model.doc_string = ""
    onnx.checker.check_model(model)
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=external, size_threshold=0, convert_attribute=False)
    else:
        onnx.save_model(model, path)


def seeded(seed, factory):
    torch.manual_seed(seed)
    return factory()


# Variant description ---------------------------------------------------------------------------

LEGACY = dict(layout="legacy", ids_dtype=torch.int32, timestep="float[batch]", vae_out="latent_sample",
              dyn_channels=True)
OPT_NEW = dict(layout="optimum", ids_dtype=torch.int64, timestep="float[]", vae_out="latent_parameters")
OPT_OLD = dict(layout="optimum", ids_dtype=torch.int32, timestep="int64[batch]", vae_out="latent_sample")


def make_components(folder, spec, vocab_size):
    hidden = spec.get("hidden", 32)
    fp16 = spec.get("fp16", False)
    static_batch = spec.get("static_batch", False)
    legacy = spec["layout"] == "legacy"
    fdt = torch.float16 if fp16 else torch.float32
    wrap = (lambda m: Fp16Boundary(m)) if fp16 else (lambda m: m)

    def dyn(axes):  # only the UNet has a fixed batch in the static-batch variant
        return axes

    b = 2
    bn = "batch" if legacy else "batch_size"

    # text encoder
    te = seeded(1000 + hidden, lambda: TinyTextEncoder(vocab_size, hidden))
    ids = torch.full((b, MAX_LEN), vocab_size - 1, dtype=spec["ids_dtype"])
    ids[:, 0] = vocab_size - 2
    ids[:, 1:4] = torch.tensor([40, 41, 42], dtype=spec["ids_dtype"])
    if legacy:
        te_axes = {"input_ids": {0: "batch", 1: "sequence"}}
    else:
        te_axes = {"input_ids": {0: bn, 1: "sequence_length"},
                   "last_hidden_state": {0: bn, 1: "sequence_length"}, "pooler_output": {0: bn}}
    export(wrap(te), [ids], os.path.join(folder, "text_encoder", "model.onnx"), ["input_ids"],
           ["last_hidden_state", "pooler_output"], dyn(te_axes), external=spec.get("te_external"))

    # unet
    unet = seeded(2000 + hidden + spec.get("unet_ch", 32), lambda: TinyUNet(
        hidden, ch=spec.get("unet_ch", 32), extra_convs=spec.get("extra_convs", 0),
        repeats=spec.get("repeats", 1)))
    lat = spec.get("unet_sample_size", 8)
    ub = 1 if static_batch else b
    sample = torch.randn(ub, LATENT_CHANNELS, lat, lat).to(fdt)
    ehs = torch.randn(ub, MAX_LEN, hidden).to(fdt)
    ts = spec["timestep"]
    if ts == "float[batch]":
        t = torch.tensor([500.0] * ub).to(fdt)
    elif ts == "int64[batch]":
        t = torch.tensor([500] * ub, dtype=torch.int64)
    else:
        t = torch.tensor(500.0).to(fdt)
    if legacy:
        unet_axes = {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                     "encoder_hidden_states": {0: "batch", 1: "sequence"}}
    else:
        unet_axes = {"sample": {0: bn, 1: "num_channels", 2: "height", 3: "width"},
                     "encoder_hidden_states": {0: bn, 1: "sequence_length", 2: "feature_dim"},
                     "out_sample": {0: bn, 1: "num_channels", 2: "height", 3: "width"}}
        if ts != "float[]":
            unet_axes["timestep"] = {0: "steps"}
    if static_batch:
        unet_axes = {"sample": {2: "height", 3: "width"}, "out_sample": {2: "height", 3: "width"}}
    unet_ext = spec.get("unet_external")
    export(wrap(unet), [sample, t, ehs], os.path.join(folder, "unet", "model.onnx"),
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], unet_axes, external=unet_ext,
           rename_inputs=spec.get("unet_rename"))

    # vae decoder / encoder
    dec = seeded(3000, lambda: TinyVaeDecoder())
    enc = seeded(4000, lambda: TinyVaeEncoder(mode="parameters" if spec["vae_out"] == "latent_parameters"
                                              else "sample"))
    lat_in = torch.randn(b, LATENT_CHANNELS, 8, 8).to(fdt)
    img = torch.rand(b, 3, 64, 64).mul(2).sub(1).to(fdt)
    if legacy:
        dec_axes = {"latent_sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}}
        enc_axes = {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}}
    else:
        dec_axes = {"latent_sample": {0: bn, 1: "num_channels_latent", 2: "height_latent", 3: "width_latent"},
                    "sample": {0: bn, 1: "num_channels", 2: "height", 3: "width"}}
        enc_axes = {"sample": {0: bn, 1: "num_channels", 2: "height", 3: "width"},
                    spec["vae_out"]: {0: bn, 1: "num_channels_latent", 2: "height_latent", 3: "width_latent"}}
    export(wrap(dec), [lat_in], os.path.join(folder, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
           dyn(dec_axes), external=spec.get("dec_external"))
    export(wrap(enc), [img], os.path.join(folder, "vae_encoder", "model.onnx"), ["sample"], [spec["vae_out"]],
           dyn(enc_axes))


# Config files -----------------------------------------------------------------------------------

def pndm_config():
    return {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False,
            "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": None}


def ddim_v_config():  # stabilityai/stable-diffusion-2-1 scheduler
    return {"_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "num_train_timesteps": 1000, "prediction_type": "v_prediction", "set_alpha_to_one": False,
            "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": None}


def euler_turbo_config():  # stabilityai/sd-turbo scheduler
    return {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.24.0", "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
            "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
            "sample_max_value": 1.0, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
            "timestep_spacing": "trailing", "trained_betas": None, "use_karras_sigmas": False}


def write_configs(folder, spec, vocab):
    hidden = spec.get("hidden", 32)
    sched = spec.get("scheduler", pndm_config)()
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), sched)
    if spec["layout"] == "legacy":
        write_json(os.path.join(folder, "model_index.json"), {
            "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.6.0",
            "feature_extractor": ["transformers", "CLIPImageProcessor"],
            "requires_safety_checker": False, "safety_checker": [None, None],
            "scheduler": ["diffusers", sched["_class_name"]],
            "text_encoder": ["diffusers", "OnnxRuntimeModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
            "unet": ["diffusers", "OnnxRuntimeModel"], "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
            "vae_encoder": ["diffusers", "OnnxRuntimeModel"]})
        os.makedirs(os.path.join(folder, "feature_extractor"), exist_ok=True)
        write_json(os.path.join(folder, "feature_extractor", "preprocessor_config.json"), {
            "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
            "do_normalize": True, "do_resize": True, "feature_extractor_type": "CLIPFeatureExtractor",
            "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_processor_type": "CLIPImageProcessor",
            "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": {"shortest_edge": 224}})
        return
    index = {
        "_class_name": "StableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None], "image_encoder": [None, None], "requires_safety_checker": False,
        "safety_checker": [None, None], "scheduler": ["diffusers", sched["_class_name"]],
        "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    if "recommend" in spec:
        # Diffusion4j's defaults when a request gives none; diffusers ignores "_" keys of model_index.json
        steps, guidance = spec["recommend"]
        index["_diffusion4j"] = {"recommended_steps": steps, "recommended_guidance_scale": guidance}
    write_json(os.path.join(folder, "model_index.json"), index)
    write_json(os.path.join(folder, "text_encoder", "config.json"), {
        "_name_or_path": "diffusion4j/tiny", "architectures": ["CLIPTextModel"], "attention_dropout": 0.0,
        "bos_token_id": len(vocab) - 2, "dropout": 0.0, "eos_token_id": len(vocab) - 1, "hidden_act": "gelu",
        "hidden_size": hidden, "initializer_factor": 1.0, "initializer_range": 0.02,
        "intermediate_size": 2 * hidden, "layer_norm_eps": 1e-05, "max_position_embeddings": MAX_LEN,
        "model_type": "clip_text_model", "num_attention_heads": 1, "num_hidden_layers": 1,
        "pad_token_id": 1, "projection_dim": hidden, "torch_dtype": "float16" if spec.get("fp16") else "float32",
        "transformers_version": TRANSFORMERS_VERSION, "vocab_size": len(vocab)})
    ch = spec.get("unet_ch", 32)
    write_json(os.path.join(folder, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
        "attention_head_dim": 8, "block_out_channels": [ch, ch], "center_input_sample": False,
        "cross_attention_dim": hidden, "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
        "downsample_padding": 1, "flip_sin_to_cos": True, "freq_shift": 0, "in_channels": LATENT_CHANNELS,
        "layers_per_block": 1, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 8,
        "out_channels": LATENT_CHANNELS, "sample_size": spec.get("unet_sample_size", 8),
        "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]})
    vae = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
           "block_out_channels": [16, 16, 16, 16],
           "down_block_types": ["DownEncoderBlock2D"] * 4, "force_upcast": True, "in_channels": 3,
           "latent_channels": LATENT_CHANNELS, "layers_per_block": 1, "norm_num_groups": 8, "out_channels": 3,
           "sample_size": 8 * spec.get("unet_sample_size", 8), "scaling_factor": SCALING_FACTOR,
           "up_block_types": ["UpDecoderBlock2D"] * 4}
    write_json(os.path.join(folder, "vae_decoder", "config.json"), vae)
    write_json(os.path.join(folder, "vae_encoder", "config.json"), vae)


VARIANTS = collections.OrderedDict([
    ("sd-legacy", dict(LEGACY)),
    ("optimum-new", dict(OPT_NEW)),
    ("optimum-old", dict(OPT_OLD)),
    ("fp16", dict(OPT_NEW, fp16=True)),
    ("external-weights", dict(OPT_NEW, unet_external="model.onnx_data")),
    ("external-weights-pb", dict(LEGACY, unet_external="weights.pb")),
    ("sd2-v-prediction", dict(OPT_NEW, hidden=48, scheduler=ddim_v_config, pad="!", unet_sample_size=12)),
    ("sd-turbo", dict(OPT_NEW, scheduler=euler_turbo_config, pad="!", recommend=(1, 0.0))),  # SD-Turbo's card: 1 step, no CFG
    ("bench", dict(OPT_NEW, unet_ch=96, extra_convs=3, repeats=4, unet_sample_size=64)),
    ("static-batch", dict(OPT_NEW, static_batch=True)),
    ("broken-wrong-input", dict(OPT_NEW, unet_rename={"sample": "latents"})),
    ("broken-missing-unet", dict(OPT_NEW, drop_unet_model=True)),
])


def folder_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "models"))
    ap.add_argument("--only", nargs="*", help="variant names to (re)generate")
    args = ap.parse_args()
    vocab, merges_txt = build_tokenizer()
    total = 0
    for name, spec in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        folder = os.path.join(args.out, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        write_tokenizer(folder, vocab, merges_txt, spec.get("pad", "<|endoftext|>"))
        make_components(folder, spec, len(vocab))
        write_configs(folder, spec, vocab)
        if spec.get("drop_unet_model"):
            os.remove(os.path.join(folder, "unet", "model.onnx"))
        size = folder_size(folder)
        total += size
        print(f"{name:24s} {size / 1024:8.1f} KiB")
    print(f"{'total':24s} {total / 1024:8.1f} KiB  (vocab {len(vocab)} tokens, {merges_txt.count(chr(10)) - 1} merges)")


if __name__ == "__main__":
    main()
