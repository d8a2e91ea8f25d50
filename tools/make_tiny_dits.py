#!/usr/bin/python3
"""Tiny random-weight diffusion-transformer fixtures: SD3 (with and without T5) and FLUX.1 (schnell, dev), in the
layout `optimum-cli export onnx` writes, with a tiny T5 unigram tokenizer trained here with sentencepiece.

Export contract (optimum-onnx 1939f27 optimum/exporters/onnx/model_configs.py; optimum 83c88b8
optimum/utils/input_generators.py):
  * SD3TransformerOnnxConfig: hidden_states {0: batch_size, 2: height, 3: width}, encoder_hidden_states
    {0: batch_size, 1: sequence_length}, pooled_projections {0: batch_size}, timestep {0: step} (FLOAT [B],
    DummyTransformerTimestepInputGenerator) -> out_hidden_states;
  * FluxTransformerOnnxConfig: hidden_states {0: batch_size, 1: packed_height_width}, txt_ids {0: sequence_length},
    img_ids {0: packed_height_width} (2-D for diffusers >= 0.31, INT64 from DummyFlux*InputGenerator's
    random_int_tensor), guidance {0: batch_size} only with guidance_embeds -> out_hidden_states;
  * T5EncoderOnnxConfig: input_ids -> last_hidden_state; CLIPTextWithProjectionOnnxConfig for both SD3 CLIP
    encoders (with hidden_states.N, `_get_submodels_for_export_diffusion` sets output_hidden_states for SD3),
    CLIPTextOnnxConfig for FLUX's CLIP-L (no hidden states: FLUX is neither SDXL nor SD3 there).
The modules are also what tools/goldens/dit_goldens.py hands to diffusers' StableDiffusion3Pipeline/FluxPipeline.

Run:  /usr/bin/python3 tools/make_tiny_dits.py [--out tools/models] [--only sd3 flux-dev ...]
"""
import argparse
import collections
import io
import math
import os
import shutil
import sys
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tiny_families as fams  # noqa: E402
import make_tiny_models as base  # noqa: E402

T5_WIDTH, T5_VOCAB, LATENT16 = 96, 160, 16
SD3_TE1_PROJ = 32  # CLIP-L with projection: text_embeds width
BN = "batch_size"


# ----------------------------------------------------------------------------------------------
# T5: tokenizer (sentencepiece unigram) and encoder
# ----------------------------------------------------------------------------------------------

def train_t5_spiece():
    """A 160-piece unigram model over the caption corpus of make_tiny_models.py, T5's special ids (pad 0, eos 1,
    unk 2, no bos). Identity normalisation (no NFKC charsmap), so tokenizer.json needs no Precompiled normaliser."""
    import sentencepiece as spm
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(base.CAPTIONS), model_writer=out, model_type="unigram", vocab_size=T5_VOCAB,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>",
        normalization_rule_name="identity", num_threads=1, hard_vocab_limit=False, minloglevel=2)
    return out.getvalue()


def t5_tokenizer_json(proto):
    """tokenizer.json as transformers' convert_slow_tokenizer.T5Converter writes it (SpmConverter: Unigram model
    with the spiece scores, Metaspace pre-tokenizer/decoder, TemplateProcessing `$A </s>`), with extra_ids 0.
    The normaliser is what SpmConverter emits without a precompiled charsmap, plus Strip, which is what
    sentencepiece's remove_extra_whitespaces does at the ends."""
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocab = [[sp.id_to_piece(i), float(sp.get_score(i))] for i in range(sp.get_piece_size())]
    special = [{"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for i in (0, 1, 2)]
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Strip", "strip_left": True, "strip_right": True},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": metaspace,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": 2, "vocab": vocab, "byte_fallback": False},
    }


def write_t5_tokenizer(directory, proto, max_length):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "spiece.model"), "wb") as f:
        f.write(proto)
    base.write_json(os.path.join(directory, "tokenizer.json"), t5_tokenizer_json(proto), indent=None)
    base.write_json(os.path.join(directory, "tokenizer_config.json"), {
        "additional_special_tokens": [], "clean_up_tokenization_spaces": True, "eos_token": "</s>",
        "extra_ids": 0, "legacy": True, "model_max_length": max_length, "pad_token": "<pad>",
        "sp_model_kwargs": {}, "tokenizer_class": "T5Tokenizer", "unk_token": "<unk>"})
    base.write_json(os.path.join(directory, "special_tokens_map.json"),
                    {"eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"})


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


def positions(seq, dim):
    """Sinusoidal positions computed in the graph (no table: works for any sequence length)."""
    return fams.sinusoid(torch.arange(seq, dtype=torch.float32), dim).unsqueeze(0)


class TinyT5Encoder(nn.Module):
    """T5EncoderModel stand-in: embedding + positions + one bidirectional RMSNorm block (16-wide query/key and
    feed-forward bottleneck, to keep the file small) + final RMSNorm."""

    def __init__(self, vocab, dim, narrow=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.n1 = RMSNorm(dim)
        self.qk = nn.Linear(dim, 2 * narrow, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        self.n2 = RMSNorm(dim)
        self.fc1 = nn.Linear(dim, narrow, bias=False)
        self.fc2 = nn.Linear(narrow, dim, bias=False)
        self.n_f = RMSNorm(dim)
        self.dim, self.narrow = dim, narrow

    def forward(self, input_ids):
        x = self.tok(input_ids.long()) + positions(input_ids.shape[1], self.dim)
        h = self.n1(x)
        q, k = self.qk(h).chunk(2, dim=-1)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.narrow), dim=-1)
        x = x + self.o(att @ self.v(h))
        x = x + self.fc2(F.relu(self.fc1(self.n2(x))))
        return self.n_f(x)


# ----------------------------------------------------------------------------------------------
# Transformers and the 16-channel VAE
# ----------------------------------------------------------------------------------------------

class JointBlock(nn.Module):
    """Joint attention over [text tokens ; image tokens] (MMDiT-like), conditioned by an additive vector."""

    def __init__(self, ch):
        super().__init__()
        self.norm = nn.LayerNorm(ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.o = nn.Linear(ch, ch)
        self.ch = ch

    def forward(self, img, txt, cond):
        x = torch.cat([txt, img], dim=1) + cond.unsqueeze(1)
        q, k, v = self.qkv(self.norm(x)).chunk(3, dim=-1)
        x = x + 3.0 * self.o(torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.ch), dim=-1) @ v)
        return x[:, txt.shape[1]:]


def flow_velocity(x_t, x0, sigma, rank):
    """The flow-matching velocity that carries x_t = (1 - sigma) x0 + sigma noise to the predicted x0:
    (x_t - x0) / sigma, sigma clamped at 0.02. A trained model's velocity does this with a meaningful x0; here x0
    is the (conditioned) network output, so latents end O(1) instead of collapsing to 0."""
    return (x_t - x0) / sigma.clamp(min=0.02).reshape((-1,) + (1,) * (rank - 1))


class TinySD3Transformer(nn.Module):
    """SD3Transformer2DModel stand-in: 2x2 patchify conv, time + pooled conditioning, joint attention with the
    prompt tokens, 2x2 unpatchify into a predicted x0, returned as a velocity (flow_velocity)."""

    def __init__(self, joint_dim, pooled_dim, ch=32):
        super().__init__()
        self.ch = ch
        self.patch = nn.Conv2d(LATENT16, ch, 2, stride=2)
        self.t1 = nn.Linear(ch, ch)
        self.pool = nn.Linear(pooled_dim, ch)
        self.ctx = nn.Linear(joint_dim, ch)
        self.block = JointBlock(ch)
        self.unpatch = nn.ConvTranspose2d(ch, LATENT16, 2, stride=2)

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep):
        b = hidden_states.shape[0]
        cond = self.t1(F.silu(fams.sinusoid(timestep, self.ch))).expand(b, -1) + self.pool(pooled_projections)
        h = self.patch(hidden_states)
        img = h.flatten(2).transpose(1, 2)
        img = self.block(img, self.ctx(encoder_hidden_states), F.silu(cond))
        h = img.transpose(1, 2).reshape(h.shape)
        return flow_velocity(hidden_states, 2.0 * self.unpatch(F.silu(h)), timestep / 1000.0, 4)


class TinyFluxTransformer(nn.Module):
    """FluxTransformer2DModel stand-in on packed latents [B, N, 64]: ids enter through a linear map of their float
    values (the real model's rotary embedding of img_ids/txt_ids), timestep and guidance are embedded from
    value * 1000 as the real model does (the pipeline passes t / 1000)."""

    def __init__(self, joint_dim, pooled_dim, guidance, ch=32):
        super().__init__()
        self.ch = ch
        self.x_in = nn.Linear(4 * LATENT16, ch)
        self.ctx = nn.Linear(joint_dim, ch)
        self.ids = nn.Linear(3, ch)
        self.t1 = nn.Linear(ch, ch)
        self.g1 = nn.Linear(ch, ch) if guidance else None
        self.pool = nn.Linear(pooled_dim, ch)
        self.block = JointBlock(ch)
        self.x_out = nn.Linear(ch, 4 * LATENT16)

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids,
                guidance=None):
        b = hidden_states.shape[0]
        cond = self.t1(fams.sinusoid(timestep * 1000.0, self.ch)).expand(b, -1) + self.pool(pooled_projections)
        if self.g1 is not None:
            cond = cond + self.g1(fams.sinusoid(guidance * 1000.0, self.ch)).expand(b, -1)
        img = self.x_in(hidden_states) + 0.1 * self.ids(img_ids.float()).unsqueeze(0)
        txt = self.ctx(encoder_hidden_states) + 0.1 * self.ids(txt_ids.float()).unsqueeze(0)
        img = self.block(img, txt, F.silu(cond))
        return flow_velocity(hidden_states, 2.0 * self.x_out(F.silu(img)), timestep, 3)


class TinyVae16Decoder(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT16, ch, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(ch, ch, 3, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)
        with torch.no_grad():  # input and output gain: a missing shift_factor or scaling moves the image by > 0.03
            self.conv_in.weight.mul_(8.0)
            self.conv_out.weight.mul_(6.0)
            self.conv_out.bias.zero_()

    def forward(self, latent_sample):
        h = self.conv_in(latent_sample)
        for conv in self.ups:
            h = conv(F.silu(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return torch.tanh(self.conv_out(F.silu(h)))


class TinyVae16Encoder(nn.Module):
    """mean || logvar (32 channels) at 1/8 resolution, as `latent_dist.parameters`."""

    def __init__(self, ch=16):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.downs = nn.ModuleList([nn.Conv2d(ch, ch, 3, stride=2, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(ch, 2 * LATENT16, 3, padding=1)

    def forward(self, sample):
        h = self.conv_in(sample)
        for conv in self.downs:
            h = conv(F.silu(h))
        p = self.conv_out(F.silu(h))
        return torch.cat([p[:, :LATENT16], torch.clamp(p[:, LATENT16:], -30.0, 20.0)], dim=1)


# ----------------------------------------------------------------------------------------------
# Configs
# ----------------------------------------------------------------------------------------------

def flow_sd3_config():  # stabilityai/stable-diffusion-3-medium-diffusers scheduler/scheduler_config.json
    return {"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.29.0.dev0",
            "num_train_timesteps": 1000, "shift": 3.0}


def flow_schnell_config():  # black-forest-labs/FLUX.1-schnell scheduler/scheduler_config.json
    return {"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.30.0.dev0",
            "base_image_seq_len": 256, "base_shift": 0.5, "max_image_seq_len": 4096, "max_shift": 1.15,
            "num_train_timesteps": 1000, "shift": 1.0, "use_dynamic_shifting": False}


def flow_dev_config():  # black-forest-labs/FLUX.1-dev scheduler/scheduler_config.json
    return dict(flow_schnell_config(), shift=3.0, use_dynamic_shifting=True)


def t5_config():
    return {"_name_or_path": "diffusion4j/tiny-t5", "architectures": ["T5EncoderModel"], "d_ff": 16,
            "d_kv": 16, "d_model": T5_WIDTH, "decoder_start_token_id": 0, "dense_act_fn": "relu",
            "eos_token_id": 1, "feed_forward_proj": "relu", "is_encoder_decoder": True, "layer_norm_epsilon": 1e-06,
            "model_type": "t5", "num_heads": 1, "num_layers": 1, "pad_token_id": 0, "torch_dtype": "float32",
            "transformers_version": base.TRANSFORMERS_VERSION, "vocab_size": T5_VOCAB}


def vae16_config(scaling, shift):
    return {"_class_name": "AutoencoderKL", "_diffusers_version": fams.DIFFUSERS_VERSION, "act_fn": "silu",
            "block_out_channels": [16, 16, 16, 16], "down_block_types": ["DownEncoderBlock2D"] * 4,
            "force_upcast": True, "in_channels": 3, "latent_channels": LATENT16, "latents_mean": None,
            "latents_std": None, "layers_per_block": 1, "norm_num_groups": 8, "out_channels": 3,
            "sample_size": 64, "scaling_factor": scaling, "shift_factor": shift,
            "up_block_types": ["UpDecoderBlock2D"] * 4, "use_post_quant_conv": False, "use_quant_conv": False}


SD3 = dict(kind="sd3", pipeline="StableDiffusion3Pipeline", t5=True, scheduler=flow_sd3_config,
           vae=(1.5305, 0.0609), recommend=(28, 7.0))
FLUX = dict(kind="flux", pipeline="FluxPipeline", t5=True, vae=(0.3611, 0.1159))
FAMILIES = collections.OrderedDict([
    ("sd3", dict(SD3)),
    ("sd3-no-t5", dict(SD3, t5=False)),
    ("flux-schnell", dict(FLUX, scheduler=flow_schnell_config, guidance=False, t5_max=256, recommend=(4, 0.0))),
    ("flux-dev", dict(FLUX, scheduler=flow_dev_config, guidance=True, t5_max=512, recommend=(28, 3.5))),
])


def build(name, vocab_size):
    spec = FAMILIES[name]
    modules, configs = {}, {}
    if spec["kind"] == "sd3":
        modules["text_encoder"] = base.seeded(6100, lambda: fams.TinyClipText(
            vocab_size, fams.TE1_HIDDEN, 2, projection=SD3_TE1_PROJ, hidden_states=True))
        configs["text_encoder"] = fams.clip_text_config("CLIPTextModelWithProjection", fams.TE1_HIDDEN, 2,
                                                        vocab_size, SD3_TE1_PROJ)
        modules["text_encoder_2"] = base.seeded(6200, lambda: fams.TinyClipText(
            vocab_size, fams.TE2_HIDDEN, 2, projection=fams.TE2_PROJ, hidden_states=True))
        configs["text_encoder_2"] = fams.clip_text_config("CLIPTextModelWithProjection", fams.TE2_HIDDEN, 2,
                                                          vocab_size, fams.TE2_PROJ)
        pooled = SD3_TE1_PROJ + fams.TE2_PROJ
        modules["transformer"] = base.seeded(6400, lambda: TinySD3Transformer(T5_WIDTH, pooled))
        configs["transformer"] = {
            "_class_name": "SD3Transformer2DModel", "_diffusers_version": fams.DIFFUSERS_VERSION,
            "attention_head_dim": 32, "caption_projection_dim": 32, "in_channels": LATENT16,
            "joint_attention_dim": T5_WIDTH, "num_attention_heads": 1, "num_layers": 1, "out_channels": LATENT16,
            "patch_size": 2, "pooled_projection_dim": pooled, "pos_embed_max_size": 96, "sample_size": 8}
        t5_name = "text_encoder_3"
    else:
        modules["text_encoder"] = base.seeded(7100, lambda: fams.TinyClipText(
            vocab_size, fams.TE1_HIDDEN, 2, hidden_states=False))
        configs["text_encoder"] = fams.clip_text_config("CLIPTextModel", fams.TE1_HIDDEN, 2, vocab_size,
                                                        fams.TE1_HIDDEN)
        guidance = spec["guidance"]
        modules["transformer"] = base.seeded(7400 + guidance, lambda: TinyFluxTransformer(
            T5_WIDTH, fams.TE1_HIDDEN, guidance))
        configs["transformer"] = {
            "_class_name": "FluxTransformer2DModel", "_diffusers_version": fams.DIFFUSERS_VERSION,
            "attention_head_dim": 32, "axes_dims_rope": [8, 12, 12], "guidance_embeds": guidance,
            "in_channels": 4 * LATENT16, "joint_attention_dim": T5_WIDTH, "num_attention_heads": 1,
            "num_layers": 1, "num_single_layers": 1, "out_channels": None, "patch_size": 1,
            "pooled_projection_dim": fams.TE1_HIDDEN}
        t5_name = "text_encoder_2"
    if spec["t5"]:
        modules[t5_name] = base.seeded(6300, lambda: TinyT5Encoder(T5_VOCAB, T5_WIDTH))
        configs[t5_name] = t5_config()
    modules["vae_decoder"] = base.seeded(6500, lambda: TinyVae16Decoder())
    modules["vae_encoder"] = base.seeded(6600, lambda: TinyVae16Encoder())
    configs["vae"] = vae16_config(*spec["vae"])
    configs["scheduler"] = spec["scheduler"]()
    for m in modules.values():
        m.eval()
    return types.SimpleNamespace(spec=spec, modules=modules, configs=configs, t5_name=t5_name)


def transformer_inputs(spec):
    if spec["kind"] == "sd3":
        return ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep"]
    names = ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep", "img_ids", "txt_ids"]
    return names + (["guidance"] if spec["guidance"] else [])


def transformer_example(spec, b=2, h=8, w=8, seq=24, t=500.0):
    pooled = SD3_TE1_PROJ + fams.TE2_PROJ if spec["kind"] == "sd3" else fams.TE1_HIDDEN
    seq_total = 77 + seq if spec["kind"] == "sd3" else seq
    hs = torch.randn(b, LATENT16, h, w) if spec["kind"] == "sd3" else torch.randn(b, h // 2 * w // 2, 4 * LATENT16)
    img_ids = torch.zeros(h // 2, w // 2, 3)
    img_ids[..., 1] += torch.arange(h // 2)[:, None]
    img_ids[..., 2] += torch.arange(w // 2)[None, :]
    return {"hidden_states": hs, "encoder_hidden_states": torch.randn(b, seq_total, T5_WIDTH),
            "pooled_projections": torch.randn(b, pooled),
            "timestep": torch.full((b,), t if spec["kind"] == "sd3" else t / 1000.0),
            "img_ids": img_ids.reshape(-1, 3).long(), "txt_ids": torch.zeros(seq, 3, dtype=torch.int64),
            "guidance": torch.full((b,), 3.5)}


# ----------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------

def export_family(folder, name, vocab_size):
    fam = build(name, vocab_size)
    spec = fam.spec
    ids = torch.full((2, 77), vocab_size - 1, dtype=torch.int64)
    ids[:, 0] = vocab_size - 2
    ids[:, 1:4] = torch.tensor([40, 41, 42])
    for te in ("text_encoder", "text_encoder_2"):
        module = fam.modules.get(te)
        if not isinstance(module, fams.TinyClipText):
            continue
        outs = ["text_embeds", "last_hidden_state"] if module.text_projection is not None else [
            "last_hidden_state", "pooler_output"]
        axes = {"input_ids": {0: BN, 1: "sequence_length"}, "last_hidden_state": {0: BN, 1: "sequence_length"}}
        axes["text_embeds" if module.text_projection is not None else "pooler_output"] = (
            {0: BN, 1: "sequence_length"} if module.text_projection is not None else {0: BN})
        if module.with_hidden_states:
            for i in range(len(module.blocks) + 1):
                outs.append(f"hidden_states.{i}")
                axes[f"hidden_states.{i}"] = {0: BN, 1: "sequence_length"}
        fams.export(module, [ids], os.path.join(folder, te, "model.onnx"), ["input_ids"], outs, axes)
    if spec["t5"]:
        t5_ids = torch.ones(2, 24, dtype=torch.int64)
        fams.export(fam.modules[fam.t5_name], [t5_ids], os.path.join(folder, fam.t5_name, "model.onnx"),
                    ["input_ids"], ["last_hidden_state"],
                    {"input_ids": {0: BN, 1: "sequence_length"}, "last_hidden_state": {0: BN, 1: "sequence_length"}})
    names = transformer_inputs(spec)
    example = transformer_example(spec)
    if spec["kind"] == "sd3":
        spatial = {0: BN, 2: "height", 3: "width"}
        axes = {"hidden_states": spatial, "out_hidden_states": dict(spatial)}
    else:
        axes = {"hidden_states": {0: BN, 1: "packed_height_width"}, "img_ids": {0: "packed_height_width"},
                "txt_ids": {0: "sequence_length"}, "guidance": {0: BN},
                "out_hidden_states": {0: BN, 1: "packed_height_width"}}
    axes.update({"encoder_hidden_states": {0: BN, 1: "sequence_length"}, "pooled_projections": {0: BN},
                 "timestep": {0: "step"}})
    fams.export(fams.Positional(fam.modules["transformer"], names), [example[n] for n in names],
                os.path.join(folder, "transformer", "model.onnx"), names, ["out_hidden_states"],
                {k: v for k, v in axes.items() if k in names or k == "out_hidden_states"})
    fams.export(fam.modules["vae_decoder"], [torch.randn(2, LATENT16, 8, 8)],
                os.path.join(folder, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
                {"latent_sample": {0: BN, 2: "latent_height", 3: "latent_width"},
                 "sample": {0: BN, 2: "latent_height * 8", 3: "latent_width * 8"}})
    fams.export(fam.modules["vae_encoder"], [torch.rand(2, 3, 64, 64) * 2 - 1],
                os.path.join(folder, "vae_encoder", "model.onnx"), ["sample"], ["latent_parameters"],
                {"sample": {0: BN, 2: "sample_height", 3: "sample_width"},
                 "latent_parameters": {0: BN, 2: "sample_height / 8", 3: "sample_width / 8"}})
    return fam


def write_tokenizers(folder, fam, vocab, merges_txt, spiece):
    spec = fam.spec
    clip = [("tokenizer", "<|endoftext|>")]
    if spec["kind"] == "sd3":
        clip.append(("tokenizer_2", "!"))  # SD3's tokenizer_2 (OpenCLIP-G) pads with "!" as SDXL's does
    for sub, pad in clip:
        tmp = os.path.join(folder, "_tok")
        base.write_tokenizer(tmp, vocab, merges_txt, pad)
        os.replace(os.path.join(tmp, "tokenizer"), os.path.join(folder, sub))
        os.rmdir(tmp)
    t5_tok = "tokenizer_3" if spec["kind"] == "sd3" else "tokenizer_2"
    if spec["t5"]:
        write_t5_tokenizer(os.path.join(folder, t5_tok), spiece, spec.get("t5_max", 512))


def model_index(fam):
    spec = fam.spec
    index = {"_class_name": spec["pipeline"], "_diffusers_version": fams.DIFFUSERS_VERSION,
             "scheduler": ["diffusers", fam.configs["scheduler"]["_class_name"]],
             "text_encoder": ["transformers", fam.configs["text_encoder"]["architectures"][0]],
             "tokenizer": ["transformers", "CLIPTokenizer"],
             "transformer": ["diffusers", fam.configs["transformer"]["_class_name"]],
             "vae": ["diffusers", "AutoencoderKL"]}
    t5 = ["transformers", "T5EncoderModel"] if spec["t5"] else [None, None]
    t5_tok = ["transformers", "T5TokenizerFast"] if spec["t5"] else [None, None]
    if spec["kind"] == "sd3":
        index.update({"feature_extractor": [None, None], "image_encoder": [None, None],
                      "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                      "tokenizer_2": ["transformers", "CLIPTokenizer"], "text_encoder_3": t5,
                      "tokenizer_3": t5_tok})
    else:
        index.update({"feature_extractor": [None, None], "image_encoder": [None, None], "text_encoder_2": t5,
                      "tokenizer_2": t5_tok})
    steps, guidance = spec["recommend"]
    index["_diffusion4j"] = {"recommended_steps": steps, "recommended_guidance_scale": guidance}
    return index


def write_configs(folder, fam):
    for name, cfg in fam.configs.items():
        if name in ("vae", "scheduler"):
            continue
        base.write_json(os.path.join(folder, name, "config.json"), cfg)
    for sub in ("vae_decoder", "vae_encoder"):
        base.write_json(os.path.join(folder, sub, "config.json"), fam.configs["vae"])
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    base.write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), fam.configs["scheduler"])
    base.write_json(os.path.join(folder, "model_index.json"), model_index(fam))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "models"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    vocab, merges_txt = base.build_tokenizer()
    spiece = train_t5_spiece()
    total = 0
    for name in FAMILIES:
        if args.only and name not in args.only:
            continue
        folder = os.path.join(args.out, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        fam = export_family(folder, name, len(vocab))
        write_tokenizers(folder, fam, vocab, merges_txt, spiece)
        write_configs(folder, fam)
        size = base.folder_size(folder)
        total += size
        print(f"{name:24s} {size / 1024:8.1f} KiB")
    print(f"{'total':24s} {total / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
