#!/usr/bin/python3
"""Pipeline goldens for the tiny family fixtures, made by running diffusers' own pipelines.

The pipelines (StableDiffusionXLPipeline, StableDiffusionXLImg2ImgPipeline for the refiner,
LatentConsistencyModelPipeline, StableDiffusionPipeline with LCMScheduler for LCM-LoRA) are diffusers' code, run
unchanged from a checkout (--diffusers, default /work/upstream/diffusers, never copied into this repository).
They are handed the torch modules that tools/make_tiny_families.py exports (same seeds, same weights), wrapped
to present the interfaces diffusers calls:
  * text encoders: `te(input_ids, output_hidden_states=..., attention_mask=...)` returning an object with
    `[0]`, `.hidden_states`, `.text_embeds` / `.pooler_output`, `.last_hidden_state` (transformers' order);
  * unet: `unet(sample, t, encoder_hidden_states=, timestep_cond=, added_cond_kwargs={text_embeds, time_ids},
    return_dict=False)`, `.config`, `.add_embedding.linear_1.in_features`;
  * vae: `vae.decode(z, return_dict=False)`, `vae.encode(x).latent_dist` (diffusers' DiagonalGaussianDistribution
    over the exported `latent_parameters`, as optimum's ORT pipelines build it), `.config`;
  * tokenizers: a CLIP BPE tokenizer (tools/goldens/clip_tokenizer_reference.py, independent of the Java one)
    behind the `tokenizer(text, padding=, max_length=, truncation=, return_tensors="pt")` call.
Schedulers are diffusers' real classes built from the fixture's scheduler_config.json. Missing third-party
packages (huggingface_hub, transformers, safetensors, ...) and torch >= 2 namespaces are shimmed by
diffusers_shims.py; none of that shimmed code runs.

Noise is `torch.Generator().manual_seed(seed)` (CPU), as the Java TorchGenerator reproduces it.

Usage: /usr/bin/python3 tools/goldens/family_goldens.py [--diffusers DIR] [--only sdxl-base ...]
Writes sdk/src/test/resources/goldens/<fixture>/<case>.json
"""
import argparse
import functools
import json
import os
import subprocess
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))

import clip_tokenizer_reference as clipref  # noqa: E402
import diffusers_shims  # noqa: E402
import make_tiny_families as families  # noqa: E402
import make_tiny_models as tiny  # noqa: E402

OUT = os.path.join(ROOT, "sdk", "src", "test", "resources", "goldens")
MODELS = os.path.join(ROOT, "tools", "models")


# ----------------------------------------------------------------------------------------------
# Component wrappers
# ----------------------------------------------------------------------------------------------

class ModelOutput:
    """transformers ModelOutput stand-in: attribute access plus tuple indexing in declaration order."""

    def __init__(self, **fields):
        self._order = [k for k, v in fields.items() if v is not None]
        for k, v in fields.items():
            setattr(self, k, v)

    def __getitem__(self, i):
        return getattr(self, self._order[i])


class Component(torch.nn.Module):
    def __init__(self, module, config):
        super().__init__()
        self.module = module
        self.config = config

    @property
    def device(self):
        return torch.device("cpu")

    @property
    def dtype(self):
        return torch.float32


class TextEncoder(Component):
    """CLIPTextModel / CLIPTextModelWithProjection call contract over the exported TinyClipText."""

    def forward(self, input_ids, attention_mask=None, output_hidden_states=None, **_):
        outs = self.module(input_ids)
        states = tuple(outs[2:]) if (output_hidden_states and len(outs) > 2) else None
        if self.module.text_projection is not None:
            return ModelOutput(text_embeds=outs[0], last_hidden_state=outs[1], hidden_states=states)
        return ModelOutput(last_hidden_state=outs[0], pooler_output=outs[1], hidden_states=states)


class UNet(Component):
    def __init__(self, module, config):
        super().__init__(module, config)
        self.add_embedding = module.add_embedding
        self.encoder_hid_proj = None
        self.calls = []

    def forward(self, sample, timestep, encoder_hidden_states, timestep_cond=None, added_cond_kwargs=None,
                return_dict=True, **_):
        added = added_cond_kwargs or {}
        out = self.module(sample, torch.as_tensor(timestep), encoder_hidden_states, timestep_cond=timestep_cond,
                          text_embeds=added.get("text_embeds"), time_ids=added.get("time_ids"))
        self.calls.append({"timestep": float(torch.as_tensor(timestep).reshape(-1)[0])})
        return (out,) if not return_dict else types.SimpleNamespace(sample=out)


class Vae(Component):
    def __init__(self, decoder, encoder, config):
        super().__init__(decoder, config)
        self.encoder_module = encoder
        self.decoded = []

    def decode(self, z, return_dict=True, **_):
        from diffusers.models.autoencoders.vae import DecoderOutput
        image = self.module(z)
        self.decoded.append(image.detach().clone())
        return (image,) if not return_dict else DecoderOutput(sample=image)

    def encode(self, x, return_dict=True):
        from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
        from diffusers.models.modeling_outputs import AutoencoderKLOutput
        dist = DiagonalGaussianDistribution(self.encoder_module(x))
        return (dist,) if not return_dict else AutoencoderKLOutput(latent_dist=dist)


class Tokenizer:
    """The HF CLIPTokenizer call contract over the reference BPE of clip_tokenizer_reference.py."""

    def __init__(self, directory, name):
        self.ref = clipref.Reference(directory)
        self.name = name
        self.model_max_length = self.ref.max_length
        self.added_tokens_encoder = {}
        self.decoder = {v: k for k, v in self.ref.encoder.items()}
        self.calls = []

    def tokenize(self, text):
        return [t for t, _ in self.ref.tokens_with_words(text)]

    def _ids(self, text, padding, max_length, truncation):
        ids = [self.ref.encoder.get(t, self.ref.unk) for t in self.tokenize(text)]
        if padding == "max_length" and truncation:
            return self.ref.encode(text)["ids"] if max_length == self.ref.max_length else self._fit(ids, max_length)
        return [self.ref.bos] + ids + [self.ref.eos]

    def _fit(self, ids, n):
        ids = [self.ref.bos] + ids[:n - 2] + [self.ref.eos]
        return ids + [self.ref.pad] * (n - len(ids))

    def __call__(self, text, padding=False, max_length=None, truncation=False, return_tensors=None, **_):
        texts = [text] if isinstance(text, str) else list(text)
        rows = [self._ids(t, padding, max_length, truncation) for t in texts]
        width = max(len(r) for r in rows)
        rows = [r + [self.ref.pad] * (width - len(r)) for r in rows]
        if padding == "max_length":
            for t, r in zip(texts, rows):
                self.calls.append({"text": t, "ids": r})
        ids = torch.tensor(rows, dtype=torch.int64)
        return types.SimpleNamespace(input_ids=ids, attention_mask=torch.ones_like(ids))

    def batch_decode(self, rows):
        return ["".join(self.decoder[int(i)] for i in r).replace("</w>", " ") for r in rows]


# ----------------------------------------------------------------------------------------------
# Building a pipeline from a fixture
# ----------------------------------------------------------------------------------------------

def frozen(cfg):
    from diffusers.configuration_utils import FrozenDict
    return FrozenDict(cfg)


def components(name, vocab_size, scheduler_config=None):
    fam = families.build(name, vocab_size)
    folder = os.path.join(MODELS, name)
    parts = {}
    if "text_encoder" in fam.modules:
        parts["text_encoder"] = TextEncoder(fam.modules["text_encoder"], frozen(fam.configs["text_encoder"]))
        parts["tokenizer"] = Tokenizer(os.path.join(folder, "tokenizer"), "tokenizer")
    if "text_encoder_2" in fam.modules:
        parts["text_encoder_2"] = TextEncoder(fam.modules["text_encoder_2"], frozen(fam.configs["text_encoder_2"]))
        parts["tokenizer_2"] = Tokenizer(os.path.join(folder, "tokenizer_2"), "tokenizer_2")
    parts["unet"] = UNet(fam.modules["unet"], frozen(fam.configs["unet"]))
    parts["vae"] = Vae(fam.modules["vae_decoder"], fam.modules["vae_encoder"], frozen(fam.configs["vae"]))
    parts["scheduler"] = make_scheduler(scheduler_config or fam.configs["scheduler"])
    return fam, parts


def make_scheduler(config):
    import diffusers.schedulers as schedulers
    cls = getattr(schedulers, config["_class_name"])
    return cls.from_config(config)


# ----------------------------------------------------------------------------------------------
# Recording
# ----------------------------------------------------------------------------------------------

def f32(values):
    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).reshape(-1)]


def tensor(t):
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    if a.dtype == np.uint8 or np.issubdtype(a.dtype, np.integer):
        return {"shape": list(a.shape), "dtype": str(a.dtype), "data": [int(v) for v in a.reshape(-1)]}
    return {"shape": list(a.shape), "dtype": "float32", "data": f32(a)}


class Recorder:
    def __init__(self, pipe):
        self.pipe = pipe
        self.steps = []
        self.denoised = []
        self.step_timesteps = []
        self.encoded = None
        self.encoded_all = []
        self.initial_latents = None
        self.extras = {}
        original_encode = pipe.encode_prompt
        original_prepare = getattr(pipe, "prepare_latents", None)

        def encode_prompt(*args, **kwargs):
            out = original_encode(*args, **kwargs)
            self.encoded_all.append(out)
            if self.encoded is None:
                self.encoded = out
            return out

        def prepare_latents(*args, **kwargs):
            out = original_prepare(*args, **kwargs)
            self.initial_latents = (out[0] if isinstance(out, tuple) else out).detach().clone()
            return out

        pipe.encode_prompt = encode_prompt
        if original_prepare is not None:
            pipe.prepare_latents = prepare_latents
        self.pred_original = []
        scheduler = pipe.scheduler
        original_step = scheduler.step

        @functools.wraps(original_step)
        def step(*args, **kwargs):
            out = original_step(*args, **kwargs)
            x0 = out[1] if isinstance(out, tuple) and len(out) > 1 else getattr(out, "pred_original_sample", None)
            if x0 is not None:  # Euler/EulerAncestral/DDIM... return the predicted x0 with the step
                self.pred_original.append(x0.detach().clone())
            return out

        scheduler.step = step

    def callback(self, pipe, i, t, kwargs):
        self.steps.append(kwargs["latents"].detach().clone())
        self.step_timesteps.append(float(torch.as_tensor(t).reshape(-1)[0]))
        if "denoised" in kwargs:
            self.denoised.append(kwargs["denoised"].detach().clone())
        for key in ("add_time_ids", "add_text_embeds", "w_embedding"):
            if key in kwargs and key not in self.extras:
                self.extras[key] = kwargs[key].detach().clone()
        return {}


def diffusers_commit(path):
    try:
        return subprocess.check_output(["git", "-C", path, "rev-parse", "HEAD"], text=True).strip()
    except Exception:
        return subprocess.check_output(["git", "--git-dir", path, "rev-parse", "HEAD"], text=True).strip()


def run_case(pipe, parts, rec, call_kwargs, tensor_inputs):
    out = pipe(**call_kwargs, output_type="pil", callback_on_step_end=rec.callback,
               callback_on_step_end_tensor_inputs=tensor_inputs)
    image = np.array(out.images[0].convert("RGB"), dtype=np.uint8)
    return image


def tokens_of(parts):
    return {name: parts[name].calls for name in ("tokenizer", "tokenizer_2") if name in parts}


def common_tensors(rec, parts, image, noise_shape, seed):
    t = {}
    t["noise"] = tensor(torch.randn(noise_shape, generator=torch.Generator().manual_seed(seed)))
    if rec.initial_latents is not None:
        t["initial_latents"] = tensor(rec.initial_latents)
    sched = parts["scheduler"]
    t["timesteps"] = tensor(sched.timesteps.float())
    if isinstance(getattr(sched, "sigmas", None), torch.Tensor):
        t["sigmas"] = tensor(sched.sigmas.float())
    t["step_timesteps"] = tensor(np.array(rec.step_timesteps, dtype=np.float32))
    t["step_latents"] = tensor(torch.stack(rec.steps))
    if rec.denoised:
        t["step_denoised"] = tensor(torch.stack(rec.denoised))
    if rec.pred_original and len(rec.pred_original) == len(rec.steps) and not rec.denoised:
        t["step_pred_original"] = tensor(torch.stack(rec.pred_original))
    t["image_decoded"] = tensor(parts["vae"].decoded[-1])
    t["image_uint8"] = tensor(image)
    return t


def write(fixture, case, doc):
    d = os.path.join(OUT, fixture)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, case + ".json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=False, allow_nan=False)  # strict JSON
        f.write("\n")
    print(f"{path}: {os.path.getsize(path) / 1024:.0f} KiB")


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------

PROMPT = "a photograph of an astronaut riding a horse"
LONG_PROMPT = ", ".join(["a photograph of an astronaut riding a horse on the moon at sunset"] * 7)  # > 77 tokens
PROMPT_2 = "a watercolor painting of a castle on a hill"
NEGATIVE = "blurry, low quality"


def sdxl_case(ctx, fixture, case, request):
    from diffusers.pipelines.stable_diffusion_xl.pipeline_stable_diffusion_xl import StableDiffusionXLPipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = StableDiffusionXLPipeline(force_zeros_for_empty_prompt=fam.spec["force_zeros"], **parts)
    rec = Recorder(pipe)
    kwargs = dict(prompt=request["prompt"], prompt_2=request.get("prompt_2"),
                  negative_prompt=request.get("negative_prompt"), negative_prompt_2=request.get("negative_prompt_2"),
                  width=request["width"], height=request["height"], num_inference_steps=request["steps"],
                  guidance_scale=request["guidance"], generator=torch.Generator().manual_seed(request["seed"]))
    if "clip_skip" in request:
        kwargs["clip_skip"] = request["clip_skip"]
    image = run_case(pipe, parts, rec, kwargs, ["latents", "add_time_ids", "add_text_embeds"])
    prompt_embeds, negative_embeds, pooled, negative_pooled = rec.encoded
    t = common_tensors(rec, parts, image, (1, 4, request["height"] // 8, request["width"] // 8), request["seed"])
    t["prompt_embeds"] = tensor(prompt_embeds)
    t["pooled_prompt_embeds"] = tensor(pooled)
    cfg = pipe.do_classifier_free_guidance
    if cfg:
        t["negative_prompt_embeds"] = tensor(negative_embeds)
        t["negative_pooled_prompt_embeds"] = tensor(negative_pooled)
    ids = rec.extras["add_time_ids"]
    t["add_time_ids"] = tensor(ids[-1:])
    if cfg:
        t["negative_add_time_ids"] = tensor(ids[:1])
    emit(ctx, fixture, case, "StableDiffusionXLPipeline", request, parts, t, cfg)


def sdxl_refiner_case(ctx, fixture, case, request):
    """The refiner's own pipeline class (StableDiffusionXLImg2ImgPipeline) used as text-to-image: strength 1.0
    and `latents` given as SDXL text-to-image prepares them (pipeline_stable_diffusion_xl.py prepare_latents:
    randn(generator) * scheduler.init_noise_sigma after set_timesteps), so the 5-value time ids (aesthetic score)
    and the text_encoder_2-only prompt path are diffusers' own."""
    from diffusers.pipelines.stable_diffusion_xl.pipeline_stable_diffusion_xl_img2img import \
        StableDiffusionXLImg2ImgPipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = StableDiffusionXLImg2ImgPipeline(requires_aesthetics_score=True,
                                            force_zeros_for_empty_prompt=fam.spec["force_zeros"],
                                            text_encoder=None, tokenizer=None, **parts)
    rec = Recorder(pipe)
    h, w = request["height"] // 8, request["width"] // 8
    probe = make_scheduler(fam.configs["scheduler"])
    probe.set_timesteps(request["steps"])
    noise = torch.randn((1, 4, h, w), generator=torch.Generator().manual_seed(request["seed"]))
    latents = noise * probe.init_noise_sigma
    rec.initial_latents = latents.clone()
    image_in = torch.zeros(1, 3, request["height"], request["width"])
    kwargs = dict(prompt=request["prompt"], negative_prompt=request.get("negative_prompt"), image=image_in,
                  strength=1.0, latents=latents, num_inference_steps=request["steps"],
                  guidance_scale=request["guidance"], generator=torch.Generator().manual_seed(request["seed"]))
    image = run_case(pipe, parts, rec, kwargs, ["latents", "add_time_ids", "add_text_embeds"])
    prompt_embeds, negative_embeds, pooled, negative_pooled = rec.encoded
    t = common_tensors(rec, parts, image, (1, 4, h, w), request["seed"])
    t["prompt_embeds"] = tensor(prompt_embeds)
    t["pooled_prompt_embeds"] = tensor(pooled)
    cfg = pipe.do_classifier_free_guidance
    if cfg:
        t["negative_prompt_embeds"] = tensor(negative_embeds)
        t["negative_pooled_prompt_embeds"] = tensor(negative_pooled)
    ids = rec.extras["add_time_ids"]
    t["add_time_ids"] = tensor(ids[-1:])
    if cfg:
        t["negative_add_time_ids"] = tensor(ids[:1])
    emit(ctx, fixture, case, "StableDiffusionXLImg2ImgPipeline", request, parts, t, cfg,
         note="text-to-image through the refiner pipeline: strength 1.0, latents = noise * init_noise_sigma")


def lcm_case(ctx, fixture, case, request):
    from diffusers.pipelines.latent_consistency_models.pipeline_latent_consistency_text2img import \
        LatentConsistencyModelPipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = LatentConsistencyModelPipeline(safety_checker=None, feature_extractor=None, image_encoder=None,
                                          requires_safety_checker=False, **parts)
    rec = Recorder(pipe)
    kwargs = dict(prompt=request["prompt"], width=request["width"], height=request["height"],
                  num_inference_steps=request["steps"], guidance_scale=request["guidance"],
                  original_inference_steps=request.get("original_inference_steps"),
                  generator=torch.Generator().manual_seed(request["seed"]))
    image = run_case(pipe, parts, rec, kwargs, ["latents", "denoised", "w_embedding"])
    prompt_embeds, _ = rec.encoded
    t = common_tensors(rec, parts, image, (1, 4, request["height"] // 8, request["width"] // 8), request["seed"])
    t["prompt_embeds"] = tensor(prompt_embeds)
    t["w_embedding"] = tensor(rec.extras["w_embedding"])
    emit(ctx, fixture, case, "LatentConsistencyModelPipeline", request, parts, t, False)


def sd_case(ctx, fixture, case, request):
    from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import StableDiffusionPipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = StableDiffusionPipeline(safety_checker=None, feature_extractor=None, image_encoder=None,
                                   requires_safety_checker=False, **parts)
    rec = Recorder(pipe)
    kwargs = dict(prompt=request["prompt"], negative_prompt=request.get("negative_prompt"),
                  width=request["width"], height=request["height"], num_inference_steps=request["steps"],
                  guidance_scale=request["guidance"], generator=torch.Generator().manual_seed(request["seed"]))
    image = run_case(pipe, parts, rec, kwargs, ["latents"])
    prompt_embeds, negative_embeds = rec.encoded
    t = common_tensors(rec, parts, image, (1, 4, request["height"] // 8, request["width"] // 8), request["seed"])
    t["prompt_embeds"] = tensor(prompt_embeds)
    cfg = pipe.do_classifier_free_guidance
    if cfg:
        t["negative_prompt_embeds"] = tensor(negative_embeds)
    emit(ctx, fixture, case, "StableDiffusionPipeline", request, parts, t, cfg)


def emit(ctx, fixture, case, pipeline, request, parts, tensors, cfg, note=None):
    sched = parts["scheduler"]
    doc = {"fixture": fixture, "case": case, "pipeline": pipeline,
           "diffusersCommit": ctx.commit, "diffusersFile": PIPELINE_FILES[pipeline],
           "request": dict(request, scheduler=sched.__class__.__name__),
           "classifierFreeGuidance": bool(cfg), "unetCalls": len(parts["unet"].calls),
           "initNoiseSigma": float(sched.init_noise_sigma) if hasattr(sched, "init_noise_sigma") else None,
           "tokens": tokens_of(parts), "tensors": tensors}
    if note:
        doc["note"] = note
    write(fixture, case, doc)


PIPELINE_FILES = {
    "StableDiffusionXLPipeline": "src/diffusers/pipelines/stable_diffusion_xl/pipeline_stable_diffusion_xl.py",
    "StableDiffusionXLImg2ImgPipeline":
        "src/diffusers/pipelines/stable_diffusion_xl/pipeline_stable_diffusion_xl_img2img.py",
    "LatentConsistencyModelPipeline":
        "src/diffusers/pipelines/latent_consistency_models/pipeline_latent_consistency_text2img.py",
    "StableDiffusionPipeline": "src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py",
}

SIZE = dict(width=64, height=64)
CASES = {
    "sdxl-base": [
        ("t2i_negative_cfg5", sdxl_case, dict(prompt=PROMPT, negative_prompt=NEGATIVE, steps=3, guidance=5.0,
                                              seed=42, **SIZE)),
        ("t2i_empty_negative_force_zeros", sdxl_case, dict(prompt=PROMPT, steps=3, guidance=5.0, seed=7, **SIZE)),
        ("t2i_prompt_2_cfg_off", sdxl_case, dict(prompt=PROMPT, prompt_2=PROMPT_2, steps=2, guidance=1.0, seed=3,
                                                 **SIZE)),
        ("t2i_96x64_negative_2", sdxl_case, dict(prompt=PROMPT, negative_prompt=NEGATIVE,
                                                 negative_prompt_2="text, watermark", steps=2, guidance=4.0, seed=11,
                                                 width=96, height=64)),
        ("t2i_clip_skip1", sdxl_case, dict(prompt=PROMPT, negative_prompt=NEGATIVE, clip_skip=1, steps=2, guidance=5.0,
                                           seed=42, **SIZE)),
        ("t2i_long_prompt_truncated", sdxl_case, dict(prompt=LONG_PROMPT, negative_prompt=NEGATIVE, steps=2,
                                                      guidance=5.0, seed=8, **SIZE)),
    ],
    "sdxl-refiner": [
        ("t2i_negative_cfg5", sdxl_refiner_case, dict(prompt=PROMPT, negative_prompt=NEGATIVE, steps=3,
                                                      guidance=5.0, seed=42, **SIZE)),
        ("t2i_empty_negative", sdxl_refiner_case, dict(prompt=PROMPT, steps=2, guidance=5.0, seed=5, **SIZE)),
    ],
    "sdxl-turbo": [
        ("t2i_1step_guidance0", sdxl_case, dict(prompt=PROMPT, steps=1, guidance=0.0, seed=42, **SIZE)),
        ("t2i_4steps_guidance0", sdxl_case, dict(prompt=PROMPT, steps=4, guidance=0.0, seed=1, **SIZE)),
    ],
    "lcm": [
        ("t2i_4steps_guidance8", lcm_case, dict(prompt=PROMPT, steps=4, guidance=8.0, seed=42, **SIZE)),
        ("t2i_2steps_guidance1", lcm_case, dict(prompt=PROMPT, steps=2, guidance=1.0, seed=3, **SIZE)),
    ],
    "lcm-lora": [
        ("t2i_4steps_guidance1_5", sd_case, dict(prompt=PROMPT, steps=4, guidance=1.5, seed=42, **SIZE)),
        ("t2i_4steps_guidance1_cfg_off", sd_case, dict(prompt=PROMPT, negative_prompt=NEGATIVE, steps=4,
                                                       guidance=1.0, seed=9, **SIZE)),
    ],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers", default="/work/upstream/diffusers")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    diffusers_shims.install()
    sys.path.insert(0, os.path.join(args.diffusers, "src"))
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    vocab, _ = tiny.build_tokenizer()
    ctx = types.SimpleNamespace(commit=diffusers_commit(args.diffusers), vocab_size=len(vocab))
    for fixture, cases in CASES.items():
        if args.only and fixture not in args.only:
            continue
        for case, fn, request in cases:
            with torch.no_grad():
                fn(ctx, fixture, case, request)


if __name__ == "__main__":
    main()
