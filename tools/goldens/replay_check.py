#!/usr/bin/python3
"""Replays parts of the pipeline goldens from the stored numbers alone, with the fixtures' torch modules, to check
that the JSON says what the README says (and as a short example of reading it):

  * SDXL: prompt_embeds = hidden_states.1 (hidden_states.0 with clip_skip 1) of text_encoder ‖ of text_encoder_2
    on the stored ids, pooled = text_embeds; the first Euler step with CFG from initial_latents, sigmas,
    timesteps and the stored embeddings / time ids equals step_latents[0] (pipeline_stable_diffusion_xl.py denoising loop,
    scheduling_euler_discrete.py `step`: x + (sigma_next - sigma) * eps for epsilon prediction);
  * every case: image_decoded = vae_decoder(step_latents[-1] / scaling_factor (+ shift_factor)), FLUX unpacked
    first; image_uint8 = round(clamp(image / 2 + 0.5, 0, 1) * 255) (image_processor.py denormalize, pt_to_numpy,
    numpy_to_pil);
  * FLUX: initial_latents = the 2x2 packing of noise (pipeline_flux.py `_pack_latents`).

Usage: /usr/bin/python3 tools/goldens/replay_check.py   (exit status 1 when a difference exceeds 1e-5)
"""
import glob
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_tiny_dits as dits  # noqa: E402
import make_tiny_families as families  # noqa: E402

VOCAB = 714
VAE = {"sdxl-base": (0.13025, 0.0), "sdxl-turbo": (0.13025, 0.0), "sdxl-refiner": (0.13025, 0.0),
       "lcm": (0.13025, 0.0), "lcm-lora": (0.13025, 0.0), "sd3": (1.5305, 0.0609), "sd3-no-t5": (1.5305, 0.0609),
       "flux-schnell": (0.3611, 0.1159), "flux-dev": (0.3611, 0.1159)}


def t(entry):
    return torch.tensor(entry["data"]).reshape(entry["shape"])


def unpack(latents, h, w):
    return latents.view(1, h // 2, w // 2, 16, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(1, 16, h, w)


def pack(latents):
    _, c, h, w = latents.shape
    return latents.view(1, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(1, h // 2 * w // 2, c * 4)


def check_decode(doc, modules, diffs):
    x = t(doc["tensors"]["step_latents"])[-1]
    fixture = doc["fixture"]
    if fixture.startswith("flux"):
        h, w = 2 * (doc["request"]["height"] // 16), 2 * (doc["request"]["width"] // 16)
        x = unpack(x, h, w)
    scale, shift = VAE[fixture]
    image = modules["vae_decoder"](x / scale + shift)
    diffs["image_decoded"] = (image - t(doc["tensors"]["image_decoded"])).abs().max().item()
    as_uint8 = ((image[0].permute(1, 2, 0) / 2 + 0.5).clamp(0, 1) * 255).round()
    diffs["image_uint8"] = (as_uint8 - t(doc["tensors"]["image_uint8"])).abs().max().item()


def check_sdxl(doc, modules, diffs):
    tt = doc["tensors"]
    # hidden_states[-(clip_skip + 2)], default [-2]; the module's outputs are (2 tensors, hidden_states.0..2)
    layer = 2 + 3 - (doc["request"].get("clip_skip", 0) + 2)
    ids2 = torch.tensor([doc["tokens"]["tokenizer_2"][0]["ids"]])
    out2 = modules["text_encoder_2"](ids2)
    parts = [out2[layer]]
    if "text_encoder" in modules:
        parts.insert(0, modules["text_encoder"](torch.tensor([doc["tokens"]["tokenizer"][0]["ids"]]))[layer])
    embeds = torch.cat(parts, dim=-1)
    diffs["prompt_embeds"] = (embeds - t(tt["prompt_embeds"])).abs().max().item()
    diffs["pooled"] = (out2[0] - t(tt["pooled_prompt_embeds"])).abs().max().item()
    x, sigmas, steps = t(tt["initial_latents"]), t(tt["sigmas"]), t(tt["timesteps"])
    if doc["request"]["scheduler"] != "EulerDiscreteScheduler":
        return  # the ancestral step draws noise: not replayed here
    guidance = doc["request"]["guidance"]
    scaled = x / torch.sqrt(sigmas[0] ** 2 + 1)
    if doc["classifierFreeGuidance"]:
        eps = modules["unet"](torch.cat([scaled, scaled]), steps[0],
                              torch.cat([t(tt["negative_prompt_embeds"]), t(tt["prompt_embeds"])]),
                              text_embeds=torch.cat([t(tt["negative_pooled_prompt_embeds"]),
                                                     t(tt["pooled_prompt_embeds"])]),
                              time_ids=torch.cat([t(tt["negative_add_time_ids"]), t(tt["add_time_ids"])]))
        eps = eps[:1] + guidance * (eps[1:] - eps[:1])
    else:
        eps = modules["unet"](scaled, steps[0], t(tt["prompt_embeds"]), text_embeds=t(tt["pooled_prompt_embeds"]),
                              time_ids=t(tt["add_time_ids"]))
    diffs["first_euler_step"] = (x + (sigmas[1] - sigmas[0]) * eps - t(tt["step_latents"])[0]).abs().max().item()


def main():
    worst = 0.0
    for path in sorted(glob.glob(os.path.join(ROOT, "sdk", "src", "test", "resources", "goldens", "*", "t2i_*.json"))):
        with open(path) as f:
            doc = json.load(f)
        fixture = doc["fixture"]
        build = dits.build if fixture in dits.FAMILIES else families.build
        modules = build(fixture, VOCAB).modules
        diffs = {}
        with torch.no_grad():
            check_decode(doc, modules, diffs)
            if fixture.startswith("sdxl"):
                check_sdxl(doc, modules, diffs)
            if fixture.startswith("flux"):
                diffs["packed_noise"] = (pack(t(doc["tensors"]["noise"])) -
                                         t(doc["tensors"]["initial_latents"])).abs().max().item()
        worst = max([worst] + list(diffs.values()))
        print(f"{fixture}/{doc['case']}: " + ", ".join(f"{k} {v:.2g}" for k, v in diffs.items()))
    print(f"largest difference {worst:.2g}")
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()
