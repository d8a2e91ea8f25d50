#!/usr/bin/python3
"""Image-to-image and inpainting goldens, made by running diffusers' StableDiffusionImg2ImgPipeline and
StableDiffusionInpaintPipeline unchanged on SD-1.5-shaped tiny fixtures:
  * tools/models/optimum-new (tools/make_tiny_models.py; its torch modules are rebuilt here from the same seeds
    and checked against the ONNX files by export_fidelity.py): img2img, and the 4-channel inpainting path
    (diffusers blends the noised original latents back outside the mask after every step);
  * tools/models/sd-inpaint (tools/make_tiny_families.py): a 9-channel inpainting UNet
    (latents ‖ mask ‖ masked-image latents).

Wrappers, shims and JSON layout as in family_goldens.py. The init image and the mask are synthetic (formulas
below) and stored in each file as uint8 so the Java test feeds the same pixels. Every `vae.encode` call is
recorded: the exported `latent_parameters` (mean ‖ logvar) and the `latent_dist.sample(generator)` the
pipeline drew (retrieve_latents, sample_mode "sample"), in call order, because those draws come from the same
seeded generator as the noise.

Hires fix (group "hires"): AUTOMATIC1111's two passes (modules/processing.py,
StableDiffusionProcessingTxt2Img.sample_hr_pass) made of diffusers' own pipelines: StableDiffusionPipeline
(output_type "latent"), torch.nn.functional.interpolate with A1111's latent_upscale_modes (antialias False), then
StableDiffusionImg2ImgPipeline with those 4-channel latents as `image` (prepare_latents takes them as the init
latents) and a fresh generator from the same seed (A1111 builds a new rng.ImageRNG from the seeds for the second
pass). The pixel upscaler decodes (output_type "pil"), resizes with Pillow's LANCZOS (A1111's "Lanczos" upscaler)
and gives the PIL image to the img2img pipeline.

Mask blur (group "inpaint-maskblur"): the mask goes through diffusers' VaeImageProcessor.blur(mask, blur_factor)
(Pillow's GaussianBlur) before the inpainting call, as the inpainting docs do; the file keeps the unblurred mask
(mask_uint8) and the radius (request.mask_blur), which the SDK applies itself (InitImage.withMaskBlur).

Usage: /usr/bin/python3 tools/goldens/edit_goldens.py [--diffusers DIR]
       [--only img2img sdxl-img2img inpaint inpaint-maskblur hires]
"""
import argparse
import math
import os
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import family_goldens as fg  # noqa: E402
import diffusers_shims  # noqa: E402
import make_tiny_models as tiny  # noqa: E402


# ----------------------------------------------------------------------------------------------
# The optimum-new fixture's modules (make_tiny_models.make_components with OPT_NEW: same seeds)
# ----------------------------------------------------------------------------------------------

def optimum_new_modules(vocab_size):
    return {"text_encoder": tiny.seeded(1000 + 32, lambda: tiny.TinyTextEncoder(vocab_size, 32)).eval(),
            "unet": tiny.seeded(2000 + 32 + 32, lambda: tiny.TinyUNet(32, ch=32)).eval(),
            "vae_decoder": tiny.seeded(3000, lambda: tiny.TinyVaeDecoder()).eval(),
            "vae_encoder": tiny.seeded(4000, lambda: tiny.TinyVaeEncoder(mode="parameters")).eval()}


class SdTextEncoder(fg.Component):
    def forward(self, input_ids, attention_mask=None, output_hidden_states=None, **_):
        last, pooled = self.module(input_ids)
        return fg.ModelOutput(last_hidden_state=last, pooler_output=pooled)


class SdUNet(fg.Component):
    """optimum-new's TinyUNet: sample, timestep, encoder_hidden_states only."""

    def __init__(self, module, config):
        super().__init__(module, config)
        self.calls = []

    def forward(self, sample, timestep, encoder_hidden_states, return_dict=True, **_):
        self.calls.append({"timestep": float(torch.as_tensor(timestep).reshape(-1)[0])})
        out = self.module(sample, torch.as_tensor(timestep).float(), encoder_hidden_states)
        return (out,) if not return_dict else types.SimpleNamespace(sample=out)


class RecordingVae(fg.Vae):
    def __init__(self, decoder, encoder, config):
        super().__init__(decoder, encoder, config)
        self.encodes = []

    def encode(self, x, return_dict=True):
        out = super().encode(x, return_dict=return_dict)
        dist = out[0] if not return_dict else out.latent_dist
        record = {"input": x.detach().clone(), "parameters": dist.parameters.detach().clone()}
        original = dist.sample

        def sample(generator=None):
            value = original(generator)
            record["sample"] = value.detach().clone()
            return value

        dist.sample = sample
        self.encodes.append(record)
        return out


def components(fixture, vocab_size):
    folder = os.path.join(fg.MODELS, fixture)
    import json
    configs = {}
    for sub in ("text_encoder", "unet", "vae_decoder"):
        with open(os.path.join(folder, sub, "config.json")) as f:
            configs[sub] = json.load(f)
    with open(os.path.join(folder, "scheduler", "scheduler_config.json")) as f:
        configs["scheduler"] = json.load(f)
    # diffusers' registered config has every __init__ argument; make_tiny_models' unet/config.json lists only
    # the ones it sets, so the defaults the pipelines read are filled in (UNet2DConditionModel.__init__ defaults)
    configs["unet"].setdefault("time_cond_proj_dim", None)
    configs["unet"].setdefault("addition_embed_type", None)
    if fixture == "optimum-new":
        m = optimum_new_modules(vocab_size)
        te, unet = SdTextEncoder(m["text_encoder"], fg.frozen(configs["text_encoder"])), SdUNet(
            m["unet"], fg.frozen(configs["unet"]))
    else:
        import make_tiny_families as families
        fam = families.build(fixture, vocab_size)
        m = fam.modules
        te, unet = fg.TextEncoder(m["text_encoder"], fg.frozen(configs["text_encoder"])), fg.UNet(
            m["unet"], fg.frozen(configs["unet"]))
    parts = {"text_encoder": te, "tokenizer": fg.Tokenizer(os.path.join(folder, "tokenizer"), "tokenizer"),
             "unet": unet,
             "vae": RecordingVae(m["vae_decoder"], m["vae_encoder"], fg.frozen(configs["vae_decoder"]))}
    return configs, parts


def scheduler_for(name, fixture_config):
    """`Cls.from_config(pipe.scheduler.config)`, the way diffusers users switch schedulers."""
    classes = {"fixture": fixture_config["_class_name"], "euler": "EulerDiscreteScheduler",
               "dpmpp_2m": "DPMSolverMultistepScheduler"}
    return fg.make_scheduler(dict(fixture_config, _class_name=classes[name]))


# ----------------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------------

def init_image(width, height):
    """RGB uint8: red ramps with x, green with y, blue a diagonal sine."""
    y, x = np.mgrid[0:height, 0:width]
    r = (x * 255 // max(width - 1, 1))
    g = (y * 255 // max(height - 1, 1))
    b = np.round(128 + 100 * np.sin((x + y) / 6.0))
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def mask_image(width, height):
    """L uint8: 255 (repaint) inside x in [w/4, 3w/4), y in [h/4+4, 3h/4-4), 0 elsewhere."""
    m = np.zeros((height, width), dtype=np.uint8)
    m[height // 4 + 4:3 * height // 4 - 4, width // 4:3 * width // 4] = 255
    return m


def crop_mask(width, height):
    """L uint8: a 32x32 square at (40, 44) in a larger picture; with padding 16 its crop region is exactly
    64x64 (x 24..88, y 28..92), the generation size, so diffusers' 'fill' resizes are size-preserving copies."""
    m = np.zeros((height, width), dtype=np.uint8)
    m[44:76, 40:72] = 255
    return m


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------

class AddNoiseRecorder:
    def __init__(self, scheduler):
        self.calls = []
        original = scheduler.add_noise

        def add_noise(original_samples, noise, timesteps):
            out = original(original_samples, noise, timesteps)
            self.calls.append({"original": original_samples.detach().clone(), "noise": noise.detach().clone(),
                               "timesteps": torch.as_tensor(timesteps).float().reshape(-1).clone(),
                               "result": out.detach().clone()})
            return out

        scheduler.add_noise = add_noise


def record_mask_latents(pipe):
    calls = []
    original = pipe.prepare_mask_latents

    def prepare_mask_latents(*args, **kwargs):
        out = original(*args, **kwargs)
        calls.append(out)
        return out

    pipe.prepare_mask_latents = prepare_mask_latents
    return calls


def scheduler_config(sched):
    """The scheduler's config without `_use_default_values` (a set: its order changes from run to run); infinite
    values (DPM-Solver's lambda_min_clipped = -inf) as the strings "inf" / "-inf", so the file is strict JSON."""
    def value(v):
        return ("inf" if v > 0 else "-inf") if isinstance(v, float) and math.isinf(v) else v
    return {k: value(v) for k, v in sched.config.items() if k != "_use_default_values"}


def edit_doc(ctx, fixture, case, pipeline, request, parts, pipe, noise_rec, tensors, extra=None):
    """The JSON common to every edit case; the first add_noise call's tensors go into `tensors`."""
    if noise_rec.calls:
        first = noise_rec.calls[0]
        for key, name in (("original", "original"), ("noise", "noise"), ("timesteps", "timestep"),
                          ("result", "result")):
            tensors["add_noise_" + name] = fg.tensor(first[key])
    sched = parts["scheduler"]
    doc = {"fixture": fixture, "case": case, "pipeline": pipeline.__name__, "diffusersCommit": ctx.commit,
           "diffusersFile": FILES[pipeline.__name__],
           "request": dict(request, schedulerClass=request.get("schedulerClass", sched.__class__.__name__)),
           "schedulerConfig": scheduler_config(sched),
           "classifierFreeGuidance": bool(pipe.do_classifier_free_guidance),
           "unetCallTimesteps": [c["timestep"] for c in parts["unet"].calls],
           "addNoiseCalls": len(noise_rec.calls),
           "initNoiseSigma": float(sched.init_noise_sigma) if hasattr(sched, "init_noise_sigma") else None,
           "tokens": fg.tokens_of(parts),
           "vaeEncodes": [{"latent_parameters": fg.tensor(e["parameters"]),
                           "sample": fg.tensor(e["sample"]) if "sample" in e else None}
                          for e in parts["vae"].encodes]}
    doc.update(extra or {})
    doc["tensors"] = tensors
    fg.write(fixture, case, doc)


def edit_call(request, image, mask=None):
    from PIL import Image
    kwargs = dict(prompt=request["prompt"], negative_prompt=request.get("negative_prompt"),
                  image=Image.fromarray(image, "RGB"), strength=request["strength"],
                  num_inference_steps=request["steps"], guidance_scale=request["guidance"],
                  generator=torch.Generator().manual_seed(request["seed"]))
    if request.get("padding_mask_crop"):
        kwargs.update(padding_mask_crop=request["padding_mask_crop"])
    if mask is not None:
        mask_image_pil = Image.fromarray(mask, "L")
        if request.get("mask_blur"):
            # the inpainting docs' pipe.mask_processor.blur(mask, blur_factor=N), before the call
            from diffusers.image_processor import VaeImageProcessor
            mask_image_pil = VaeImageProcessor.blur(mask_image_pil, blur_factor=request["mask_blur"])
        kwargs.update(mask_image=mask_image_pil, width=request["width"], height=request["height"])
    return kwargs


def edit_case(ctx, fixture, case, request):
    """StableDiffusionImg2ImgPipeline or StableDiffusionInpaintPipeline on an SD-1.5-shaped fixture."""
    inpaint = request["task"] == "inpaint"
    configs, parts = components(fixture, ctx.vocab_size)
    parts["scheduler"] = scheduler_for(request["scheduler"], configs["scheduler"])
    if inpaint:
        from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_inpaint import \
            StableDiffusionInpaintPipeline as Pipeline
    else:
        from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img import \
            StableDiffusionImg2ImgPipeline as Pipeline
    pipe = Pipeline(safety_checker=None, feature_extractor=None, image_encoder=None, requires_safety_checker=False,
                    **parts)
    rec = fg.Recorder(pipe)
    noise_rec = AddNoiseRecorder(parts["scheduler"])
    mask_latents = record_mask_latents(pipe) if inpaint else []
    w, h = request["width"], request["height"]
    if request.get("padding_mask_crop"):
        # the init picture is larger than the generation size; the crop region is cut out of it
        iw, ih = request["init_size"]
        image, mask = init_image(iw, ih), crop_mask(iw, ih)
        from diffusers.image_processor import VaeImageProcessor
        from PIL import Image
        crop_mask_pil = Image.fromarray(mask, "L")
        if request.get("mask_blur"):
            crop_mask_pil = VaeImageProcessor.blur(crop_mask_pil, blur_factor=request["mask_blur"])
        crop_region = VaeImageProcessor.get_crop_region(crop_mask_pil, w, h, pad=request["padding_mask_crop"])
    else:
        image, mask = init_image(w, h), (mask_image(w, h) if inpaint else None)
        crop_region = None
    out_image = fg.run_case(pipe, parts, rec, edit_call(request, image, mask), ["latents"])
    t = fg.common_tensors(rec, parts, out_image, (1, 4, h // 8, w // 8), request["seed"])
    del t["noise"]  # the generator's first draws here are the VAE posterior samples, see vaeEncodes
    t["init_image_uint8"] = fg.tensor(image)
    if inpaint:
        t["mask_uint8"] = fg.tensor(mask)  # before any mask_blur: the SDK blurs it itself
    prompt_embeds, negative_embeds = rec.encoded
    t["prompt_embeds"] = fg.tensor(prompt_embeds)
    if pipe.do_classifier_free_guidance:
        t["negative_prompt_embeds"] = fg.tensor(negative_embeds)
    if mask_latents:
        mask_t, masked_latents = mask_latents[0]
        t["mask_latents"] = fg.tensor(mask_t)
        if masked_latents is not None:
            t["masked_image_latents"] = fg.tensor(masked_latents)
    extra = {"unetInChannels": configs["unet"]["in_channels"]}
    if crop_region is not None:
        extra["cropRegion"] = [int(v) for v in crop_region]
    edit_doc(ctx, fixture, case, Pipeline, request, parts, pipe, noise_rec, t, extra)


def sdxl_img2img_case(ctx, fixture, case, request):
    """StableDiffusionXLImg2ImgPipeline on sdxl-base (6 time ids) or sdxl-refiner (5, aesthetic scores)."""
    from diffusers.pipelines.stable_diffusion_xl.pipeline_stable_diffusion_xl_img2img import \
        StableDiffusionXLImg2ImgPipeline as Pipeline
    fam, parts = fg.components(fixture, ctx.vocab_size)
    parts["vae"] = RecordingVae(parts["vae"].module, parts["vae"].encoder_module, parts["vae"].config)
    parts["scheduler"] = scheduler_for(request["scheduler"], fam.configs["scheduler"])
    extra = {} if "text_encoder" in parts else {"text_encoder": None, "tokenizer": None}
    pipe = Pipeline(requires_aesthetics_score=bool(fam.spec.get("aesthetics")),
                    force_zeros_for_empty_prompt=fam.spec["force_zeros"], **parts, **extra)
    rec = fg.Recorder(pipe)
    noise_rec = AddNoiseRecorder(parts["scheduler"])
    w, h = request["width"], request["height"]
    image = init_image(w, h)
    out_image = fg.run_case(pipe, parts, rec, edit_call(request, image),
                            ["latents", "add_time_ids", "add_text_embeds"])
    t = fg.common_tensors(rec, parts, out_image, (1, 4, h // 8, w // 8), request["seed"])
    del t["noise"]
    t["init_image_uint8"] = fg.tensor(image)
    prompt_embeds, negative_embeds, pooled, negative_pooled = rec.encoded
    t["prompt_embeds"], t["pooled_prompt_embeds"] = fg.tensor(prompt_embeds), fg.tensor(pooled)
    ids = rec.extras["add_time_ids"]
    t["add_time_ids"] = fg.tensor(ids[-1:])
    if pipe.do_classifier_free_guidance:
        t["negative_prompt_embeds"] = fg.tensor(negative_embeds)
        t["negative_pooled_prompt_embeds"] = fg.tensor(negative_pooled)
        t["negative_add_time_ids"] = fg.tensor(ids[:1])
    edit_doc(ctx, fixture, case, Pipeline, request, parts, pipe, noise_rec, t)


# A1111's shared.latent_upscale_modes, by our upscaler names
LATENT_MODES = {"latent-bilinear": "bilinear", "latent-nearest": "nearest", "latent-bicubic": "bicubic"}


def hires_case(ctx, fixture, case, request):
    """Text-to-image at the base size, upscale, image-to-image at the target size (see the module docstring)."""
    from PIL import Image
    from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import StableDiffusionPipeline
    from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img import \
        StableDiffusionImg2ImgPipeline
    hires = request["hires"]
    configs, parts = components(fixture, ctx.vocab_size)
    parts["scheduler"] = scheduler_for(request["scheduler"], configs["scheduler"])
    common = dict(safety_checker=None, feature_extractor=None, image_encoder=None, requires_safety_checker=False)
    txt = StableDiffusionPipeline(**common, **parts)
    rec_base = fg.Recorder(txt)
    w, h = request["width"], request["height"]
    tw, th = int(w * hires["scale"]) // 8 * 8, int(h * hires["scale"]) // 8 * 8
    latent = hires["upscaler"] in LATENT_MODES
    out = txt(prompt=request["prompt"], negative_prompt=request.get("negative_prompt"), width=w, height=h,
              num_inference_steps=request["steps"], guidance_scale=request["guidance"],
              generator=torch.Generator().manual_seed(request["seed"]), output_type="latent" if latent else "pil",
              callback_on_step_end=rec_base.callback, callback_on_step_end_tensor_inputs=["latents"])
    t = {"base_step_timesteps": fg.tensor(np.array(rec_base.step_timesteps, dtype=np.float32)),
         "base_step_latents": fg.tensor(torch.stack(rec_base.steps))}
    if latent:
        image = torch.nn.functional.interpolate(out.images, size=(th // 8, tw // 8),
                                                mode=LATENT_MODES[hires["upscaler"]], antialias=False)
        t["upscaled_latents"] = fg.tensor(image)
    else:
        t["base_image_uint8"] = fg.tensor(np.array(out.images[0].convert("RGB"), dtype=np.uint8))
        image = out.images[0].resize((tw, th), resample=Image.LANCZOS)
        t["upscaled_image_uint8"] = fg.tensor(np.array(image, dtype=np.uint8))
    parts2 = dict(parts, scheduler=scheduler_for(hires.get("scheduler", request["scheduler"]), configs["scheduler"]))
    parts2["vae"].encodes.clear()
    img2img = StableDiffusionImg2ImgPipeline(**common, **parts2)
    rec = fg.Recorder(img2img)
    noise_rec = AddNoiseRecorder(parts2["scheduler"])
    out_image = fg.run_case(img2img, parts2, rec, dict(
        prompt=request["prompt"], negative_prompt=request.get("negative_prompt"), image=image,
        strength=hires["strength"], num_inference_steps=hires["steps"] or request["steps"],
        guidance_scale=request["guidance"], generator=torch.Generator().manual_seed(request["seed"])), ["latents"])
    t.update(fg.common_tensors(rec, parts2, out_image, (1, 4, th // 8, tw // 8), request["seed"]))
    del t["noise"]
    hires_doc = dict(hires, width=tw, height=th, schedulerClass=parts2["scheduler"].__class__.__name__)
    first_class = parts["scheduler"].__class__.__name__
    edit_doc(ctx, fixture, case, StableDiffusionImg2ImgPipeline,
             dict(request, hires=hires_doc, schedulerClass=first_class), parts2, img2img,
             noise_rec, t, {"firstPassPipeline": "StableDiffusionPipeline",
                            "firstPassFile": "src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py",
                            "a1111File": "modules/processing.py (sample_hr_pass)"})


FILES = {"StableDiffusionXLImg2ImgPipeline":
         "src/diffusers/pipelines/stable_diffusion_xl/pipeline_stable_diffusion_xl_img2img.py",
         "StableDiffusionImg2ImgPipeline":
         "src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion_img2img.py",
         "StableDiffusionInpaintPipeline":
         "src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion_inpaint.py"}

P = "a watercolor painting of a castle on a hill"
N = fg.NEGATIVE
BASE = dict(prompt=P, negative_prompt=N, width=64, height=64, guidance=5.0)
CASES = {
    "img2img": [
        ("optimum-new", "img2img_euler_strength0_3", dict(BASE, task="img2img", scheduler="euler", strength=0.3,
                                                          steps=10, seed=42)),
        ("optimum-new", "img2img_euler_strength0_75", dict(BASE, task="img2img", scheduler="euler", strength=0.75,
                                                           steps=4, seed=42)),
        ("optimum-new", "img2img_euler_strength1_0", dict(BASE, task="img2img", scheduler="euler", strength=1.0,
                                                          steps=3, seed=42)),
        ("optimum-new", "img2img_dpmpp2m_strength0_3", dict(BASE, task="img2img", scheduler="dpmpp_2m",
                                                            strength=0.3, steps=10, seed=7)),
        ("optimum-new", "img2img_dpmpp2m_strength0_75", dict(BASE, task="img2img", scheduler="dpmpp_2m",
                                                             strength=0.75, steps=4, seed=7)),
        ("optimum-new", "img2img_dpmpp2m_strength1_0_cfg_off", dict(BASE, task="img2img", scheduler="dpmpp_2m",
                                                                    strength=1.0, steps=3, seed=7, guidance=1.0)),
    ],
    "sdxl-img2img": [
        ("sdxl-base", "img2img_euler_strength0_6", dict(BASE, task="sdxl-img2img", scheduler="fixture",
                                                        strength=0.6, steps=5, seed=42)),
        ("sdxl-refiner", "img2img_euler_strength0_3", dict(BASE, task="sdxl-img2img", scheduler="fixture",
                                                           strength=0.3, steps=10, seed=42)),
    ],
    "inpaint": [
        ("sd-inpaint", "inpaint9_fixture_pndm_strength1_0", dict(BASE, task="inpaint", scheduler="fixture",
                                                                 strength=1.0, steps=3, seed=42)),
        ("sd-inpaint", "inpaint9_euler_strength0_75", dict(BASE, task="inpaint", scheduler="euler", strength=0.75,
                                                           steps=4, seed=5)),
        ("optimum-new", "inpaint4_blend_euler_strength1_0", dict(BASE, task="inpaint", scheduler="euler",
                                                                 strength=1.0, steps=3, seed=42)),
        ("optimum-new", "inpaint4_blend_dpmpp2m_strength0_75", dict(BASE, task="inpaint", scheduler="dpmpp_2m",
                                                                    strength=0.75, steps=4, seed=5)),
    ],
    "inpaint-maskblur": [
        ("sd-inpaint", "inpaint9_maskblur4_euler_strength0_75", dict(BASE, task="inpaint", scheduler="euler",
                                                                     strength=0.75, steps=4, seed=5, mask_blur=4)),
        ("optimum-new", "inpaint4_blend_maskblur6_euler_strength1_0", dict(BASE, task="inpaint", scheduler="euler",
                                                                          strength=1.0, steps=3, seed=42,
                                                                          mask_blur=6)),
    ],
    "inpaint-padding-crop": [
        ("sd-inpaint", "inpaint9_padcrop16_euler_strength0_75", dict(BASE, task="inpaint", scheduler="euler",
                                                                     strength=0.75, steps=4, seed=5,
                                                                     padding_mask_crop=16, init_size=[128, 112])),
        ("optimum-new", "inpaint4_blend_padcrop16_euler_strength1_0", dict(BASE, task="inpaint", scheduler="euler",
                                                                          strength=1.0, steps=3, seed=42,
                                                                          padding_mask_crop=16,
                                                                          init_size=[128, 112])),
        # blurred: the blur spreads the square by 10 px, so pad 6 gives the same 64x64 region; apply_overlay then
        # blends by the soft mask
        ("optimum-new", "inpaint4_blend_maskblur4_padcrop6_euler_strength1_0", dict(
            BASE, task="inpaint", scheduler="euler", strength=1.0, steps=3, seed=42, mask_blur=4,
            padding_mask_crop=6, init_size=[128, 112])),
    ],
    "hires": [
        ("optimum-new", "hires_latent_nearest_euler_x1_5", dict(BASE, task="hires", scheduler="euler", steps=4,
                                                               seed=42, hires=dict(scale=1.5, upscaler="latent-nearest",
                                                                                   strength=0.5, steps=6))),
        ("optimum-new", "hires_latent_bilinear_dpmpp2m_x2", dict(BASE, task="hires", scheduler="dpmpp_2m", steps=3,
                                                                seed=7, hires=dict(scale=2.0, upscaler="latent-bilinear",
                                                                                   strength=0.7, steps=0))),
        ("optimum-new", "hires_latent_bicubic_euler_then_dpmpp2m_x1_5", dict(
            BASE, task="hires", scheduler="euler", steps=3, seed=11,
            hires=dict(scale=1.5, upscaler="latent-bicubic", strength=0.6, steps=5, scheduler="dpmpp_2m"))),
        ("optimum-new", "hires_lanczos_euler_x1_5", dict(BASE, task="hires", scheduler="euler", steps=3, seed=42,
                                                        hires=dict(scale=1.5, upscaler="lanczos", strength=0.5,
                                                                   steps=4))),
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
    ctx = types.SimpleNamespace(commit=fg.diffusers_commit(args.diffusers), vocab_size=len(vocab))
    for group, cases in CASES.items():
        if args.only and group not in args.only:
            continue
        for fixture, case, request in cases:
            with torch.no_grad():
                runner = {"sdxl-img2img": sdxl_img2img_case, "hires": hires_case}.get(request["task"], edit_case)
                runner(ctx, fixture, case, request)


if __name__ == "__main__":
    main()
