#!/usr/bin/python3
"""Pipeline goldens for the tiny SD3 and FLUX.1 fixtures, made by running diffusers' StableDiffusion3Pipeline and
FluxPipeline unchanged on the torch modules of tools/make_tiny_dits.py (the ones exported to the fixtures).

Same approach, wrappers, shims and JSON layout as family_goldens.py (read its docstring), plus:
  * T5 tokenizer: sentencepiece (Debian's python3-sentencepiece) encoding with the fixture's spiece.model (special
    tokens written in the text are taken as those tokens, as the fast tokenizer does), then
    `</s>` appended, truncated to max_length keeping `</s>`, padded with `<pad>` (0): T5TokenizerFast's
    behaviour with add_special_tokens=True. Independent of the tokenizer.json the Java side reads.
  * transformer wrappers: SD3 `transformer(hidden_states=, timestep=, encoder_hidden_states=, pooled_projections=,
    return_dict=False)`; FLUX additionally `guidance=`, `img_ids=`, `txt_ids=` — the ids are cast to the INT64
    the exported graph declares, as optimum's ORT pipeline casts inputs to the graph's types.
  * the scheduler's set_timesteps arguments (FLUX `mu`, `sigmas`) are recorded.

Usage: /usr/bin/python3 tools/goldens/dit_goldens.py [--diffusers DIR] [--only sd3 flux-dev ...]
"""
import argparse
import json
import contextlib
import functools
import os
import re
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import family_goldens as fg  # noqa: E402  (wrappers, recording, JSON writing; it puts tools/ on sys.path)
import diffusers_shims  # noqa: E402
import make_tiny_dits as dits  # noqa: E402
import make_tiny_models as tiny  # noqa: E402


class T5Tokenizer:
    """T5TokenizerFast call contract over sentencepiece."""

    def __init__(self, directory, name):
        import sentencepiece as spm
        self.sp = spm.SentencePieceProcessor(model_file=os.path.join(directory, "spiece.model"))
        self.name = name
        self.model_max_length = 512
        self.added_tokens_encoder = {}
        self.calls = []

    SPECIAL = re.compile(r"(<pad>|</s>|<unk>)")

    def encode(self, text):
        """The fast tokenizer extracts added (special) tokens from the text before the model sees it; the pieces
        between them are encoded by sentencepiece."""
        ids = []
        for part in self.SPECIAL.split(text):
            if part in ("<pad>", "</s>", "<unk>"):
                ids.append(self.sp.piece_to_id(part))
            elif part:
                ids += self.sp.encode(part)
        return ids

    def tokenize(self, text):
        return [self.sp.id_to_piece(i) for i in self.encode(text)]

    def _ids(self, text, padding, max_length, truncation):
        ids = self.encode(text)
        if truncation and max_length:
            ids = ids[:max_length - 1]
        ids = ids + [self.sp.eos_id()]
        if padding == "max_length":
            ids = ids + [self.sp.pad_id()] * (max_length - len(ids))
        return ids

    def __call__(self, text, padding=False, max_length=None, truncation=False, return_tensors=None, **_):
        texts = [text] if isinstance(text, str) else list(text)
        rows = [self._ids(t, padding, max_length, truncation) for t in texts]
        width = max(len(r) for r in rows)
        rows = [r + [self.sp.pad_id()] * (width - len(r)) for r in rows]
        if padding == "max_length":
            for t, r in zip(texts, rows):
                self.calls.append({"text": t, "ids": r})
        ids = torch.tensor(rows, dtype=torch.int64)
        return types.SimpleNamespace(input_ids=ids, attention_mask=(ids != self.sp.pad_id()).long())

    def batch_decode(self, rows):
        return [self.sp.decode([int(i) for i in r]) for r in rows]


class T5Encoder(fg.Component):
    def forward(self, input_ids, output_hidden_states=None, attention_mask=None, **_):
        return fg.ModelOutput(last_hidden_state=self.module(input_ids))


class SD3Transformer(fg.Component):
    calls = 0

    def forward(self, hidden_states, timestep, encoder_hidden_states, pooled_projections, return_dict=True, **_):
        self.calls += 1
        out = self.module(hidden_states, encoder_hidden_states, pooled_projections, timestep.float())
        return (out,) if not return_dict else types.SimpleNamespace(sample=out)


class FluxTransformer(fg.Component):
    """`cache_context` is diffusers' CacheMixin context (a no-op while no cache hook is enabled, as here)."""
    calls = 0

    @contextlib.contextmanager
    def cache_context(self, name):
        yield

    def forward(self, hidden_states, timestep, pooled_projections, encoder_hidden_states, txt_ids, img_ids,
                guidance=None, return_dict=True, **_):
        self.calls += 1
        out = self.module(hidden_states, encoder_hidden_states, pooled_projections, timestep.float(),
                          img_ids.long(), txt_ids.long(), guidance=guidance)
        return (out,) if not return_dict else types.SimpleNamespace(sample=out)


def components(name, vocab_size):
    fam = dits.build(name, vocab_size)
    folder = os.path.join(fg.MODELS, name)
    parts = {"text_encoder": fg.TextEncoder(fam.modules["text_encoder"], fg.frozen(fam.configs["text_encoder"])),
             "tokenizer": fg.Tokenizer(os.path.join(folder, "tokenizer"), "tokenizer"),
             "vae": fg.Vae(fam.modules["vae_decoder"], fam.modules["vae_encoder"], fg.frozen(fam.configs["vae"])),
             "scheduler": fg.make_scheduler(fam.configs["scheduler"])}
    if fam.spec["kind"] == "sd3":
        parts["text_encoder_2"] = fg.TextEncoder(fam.modules["text_encoder_2"],
                                                 fg.frozen(fam.configs["text_encoder_2"]))
        parts["tokenizer_2"] = fg.Tokenizer(os.path.join(folder, "tokenizer_2"), "tokenizer_2")
        parts["transformer"] = SD3Transformer(fam.modules["transformer"], fg.frozen(fam.configs["transformer"]))
        t5, t5_tok = "text_encoder_3", "tokenizer_3"
    else:
        parts["transformer"] = FluxTransformer(fam.modules["transformer"], fg.frozen(fam.configs["transformer"]))
        t5, t5_tok = "text_encoder_2", "tokenizer_2"
    if fam.spec["t5"]:
        parts[t5] = T5Encoder(fam.modules[t5], fg.frozen(fam.configs[t5]))
        parts[t5_tok] = T5Tokenizer(os.path.join(folder, t5_tok), t5_tok)
    else:
        parts[t5], parts[t5_tok] = None, None
    return fam, parts


def record_set_timesteps(scheduler):
    calls = []
    original = scheduler.set_timesteps

    @functools.wraps(original)  # retrieve_timesteps inspects the signature for `sigmas` / `mu`
    def set_timesteps(*args, **kwargs):
        calls.append({k: (float(v) if isinstance(v, (int, float)) else None) for k, v in kwargs.items()
                      if k in ("mu", "num_inference_steps")})
        if kwargs.get("sigmas") is not None:
            calls[-1]["sigmas"] = fg.f32(kwargs["sigmas"])
        return original(*args, **kwargs)

    scheduler.set_timesteps = set_timesteps
    return calls


def tokens_of(parts):
    return {n: parts[n].calls for n in ("tokenizer", "tokenizer_2", "tokenizer_3") if parts.get(n) is not None}


def finish(ctx, fixture, case, pipeline, request, parts, rec, image, noise_shape, cfg, extra, set_calls):
    t = fg.common_tensors(rec, parts, image, noise_shape, request["seed"])
    t.update(extra)
    sched = parts["scheduler"]
    doc = {"fixture": fixture, "case": case, "pipeline": pipeline, "diffusersCommit": ctx.commit,
           "diffusersFile": FILES[pipeline], "request": dict(request, scheduler=sched.__class__.__name__),
           "classifierFreeGuidance": bool(cfg), "transformerCalls": parts["transformer"].calls,
           "setTimesteps": set_calls, "tokens": tokens_of(parts), "tensors": t}
    fg.write(fixture, case, doc)


def sd3_case(ctx, fixture, case, request):
    from diffusers.pipelines.stable_diffusion_3.pipeline_stable_diffusion_3 import StableDiffusion3Pipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = StableDiffusion3Pipeline(image_encoder=None, feature_extractor=None, **parts)
    rec = fg.Recorder(pipe)
    set_calls = record_set_timesteps(parts["scheduler"])
    kwargs = dict(prompt=request["prompt"], negative_prompt=request.get("negative_prompt"),
                  width=request["width"], height=request["height"], num_inference_steps=request["steps"],
                  guidance_scale=request["guidance"], max_sequence_length=request["max_sequence_length"],
                  generator=torch.Generator().manual_seed(request["seed"]))
    image = fg.run_case(pipe, parts, rec, kwargs, ["latents"])
    prompt_embeds, negative_embeds, pooled, negative_pooled = rec.encoded
    cfg = pipe.do_classifier_free_guidance
    extra = {"prompt_embeds": fg.tensor(prompt_embeds), "pooled_prompt_embeds": fg.tensor(pooled)}
    if cfg:
        extra["negative_prompt_embeds"] = fg.tensor(negative_embeds)
        extra["negative_pooled_prompt_embeds"] = fg.tensor(negative_pooled)
    shape = (1, 16, request["height"] // 8, request["width"] // 8)
    finish(ctx, fixture, case, "StableDiffusion3Pipeline", request, parts, rec, image, shape, cfg, extra, set_calls)


def flux_case(ctx, fixture, case, request):
    from diffusers.pipelines.flux.pipeline_flux import FluxPipeline
    fam, parts = components(fixture, ctx.vocab_size)
    pipe = FluxPipeline(image_encoder=None, feature_extractor=None, **parts)
    rec = fg.Recorder(pipe)
    prepared = []
    original_prepare = pipe.prepare_latents

    def prepare_latents(*args, **kwargs):
        out = original_prepare(*args, **kwargs)
        prepared.append(out)
        return out

    pipe.prepare_latents = prepare_latents
    set_calls = record_set_timesteps(parts["scheduler"])
    kwargs = dict(prompt=request["prompt"], width=request["width"], height=request["height"],
                  num_inference_steps=request["steps"], guidance_scale=request["guidance"],
                  max_sequence_length=request["max_sequence_length"],
                  generator=torch.Generator().manual_seed(request["seed"]))
    if "negative_prompt" in request:
        kwargs.update(negative_prompt=request["negative_prompt"], true_cfg_scale=request["true_cfg_scale"])
    image = fg.run_case(pipe, parts, rec, kwargs, ["latents"])
    prompt_embeds, pooled, text_ids = rec.encoded
    latents, image_ids = prepared[0]
    extra = {"prompt_embeds": fg.tensor(prompt_embeds), "pooled_prompt_embeds": fg.tensor(pooled),
             "txt_ids": fg.tensor(text_ids), "img_ids": fg.tensor(image_ids)}
    if "negative_prompt" in request:
        negative = rec.encoded_all[1]  # the true-CFG path's second encode_prompt call (pipeline_flux.py)
        extra["negative_prompt_embeds"] = fg.tensor(negative[0])
        extra["negative_pooled_prompt_embeds"] = fg.tensor(negative[1])
    if fam.spec["guidance"]:
        extra["guidance"] = fg.tensor(torch.full([1], request["guidance"], dtype=torch.float32))
    h, w = 2 * (request["height"] // 16), 2 * (request["width"] // 16)
    finish(ctx, fixture, case, "FluxPipeline", request, parts, rec, image, (1, 16, h, w), False, extra, set_calls)


FILES = {"StableDiffusion3Pipeline": "src/diffusers/pipelines/stable_diffusion_3/pipeline_stable_diffusion_3.py",
         "FluxPipeline": "src/diffusers/pipelines/flux/pipeline_flux.py"}

P = fg.PROMPT
N = fg.NEGATIVE
CASES = {
    "sd3": [
        ("t2i_negative_cfg5", sd3_case, dict(prompt=P, negative_prompt=N, width=64, height=64, steps=3, guidance=5.0,
                                             max_sequence_length=32, seed=42)),
        ("t2i_cfg_off_96x64", sd3_case, dict(prompt=P, width=96, height=64, steps=2, guidance=1.0,
                                             max_sequence_length=32, seed=3)),
    ],
    "sd3-no-t5": [
        ("t2i_negative_cfg5", sd3_case, dict(prompt=P, negative_prompt=N, width=64, height=64, steps=3, guidance=5.0,
                                             max_sequence_length=32, seed=42)),
    ],
    "flux-schnell": [
        ("t2i_64x64_4steps", flux_case, dict(prompt=P, width=64, height=64, steps=4, guidance=0.0,
                                             max_sequence_length=32, seed=42)),
        ("t2i_96x64_2steps", flux_case, dict(prompt=P, width=96, height=64, steps=2, guidance=0.0,
                                              max_sequence_length=32, seed=7)),
    ],
    "flux-dev": [
        ("t2i_64x64_3steps_g3_5", flux_case, dict(prompt=P, width=64, height=64, steps=3, guidance=3.5,
                                                  max_sequence_length=32, seed=42)),
        ("t2i_96x64_2steps_g3_5", flux_case, dict(prompt=P, width=96, height=64, steps=2, guidance=3.5,
                                                   max_sequence_length=32, seed=7)),
        ("t2i_true_cfg2_negative", flux_case, dict(prompt=P, negative_prompt=N, true_cfg_scale=2.0, width=64,
                                                   height=64, steps=2, guidance=3.5, max_sequence_length=32,
                                                   seed=5)),
    ],
}


T5_PANEL = [
    "a photograph of an astronaut riding a horse", "blurry, low quality", "", "   ", "a cat",
    "  a   cat  ", "a, b; c!", "123 4k", "XYZ abc", "héllo wörld", "a castle on a hill under a starry night sky",
    " ".join(["a bowl of fruit on a wooden table"] * 8), "a\tcat\nand a dog", "UPPER lower MiXeD",
    "ünïcödé ☃ 猫", "</s> inside", "a  <pad>  b",
]


def t5_panel(out_dir, fixture="sd3"):
    """Expected T5 ids for the fixture's tokenizer_3 (sentencepiece + </s>, padding to 32 for the padded form)."""
    tok = T5Tokenizer(os.path.join(fg.MODELS, fixture, "tokenizer_3"), "tokenizer_3")
    cases = []
    for text in T5_PANEL:
        ids = tok.encode(text)
        cases.append({"text": text, "pieces": tok.tokenize(text), "ids": ids + [1],
                      "padded32": tok._ids(text, "max_length", 32, True)})
    doc = {"tokenizer": f"tools/models/{fixture}/tokenizer_3 (also flux-*/tokenizer_2: same files)",
           "reference": "sentencepiece 0.1.97 SentencePieceProcessor.encode on spiece.model of the text between "
                        "special tokens (<pad>, </s>, <unk> in the text are those tokens, as T5TokenizerFast "
                        "treats added tokens), then </s> (id 1); padded32 = truncated to 31 + </s>, padded with "
                        "<pad> (0) to 32",
           "padTokenId": 0, "eosTokenId": 1, "unkTokenId": 2, "cases": cases}
    d = os.path.join(out_dir, "t5-tokenizer")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


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
    ctx = types.SimpleNamespace(commit=fg.diffusers_commit(args.diffusers), vocab_size=len(vocab))
    t5_panel(fg.OUT)
    for fixture, cases in CASES.items():
        if args.only and fixture not in args.only:
            continue
        for case, fn, request in cases:
            with torch.no_grad():
                fn(ctx, fixture, case, request)


if __name__ == "__main__":
    main()
