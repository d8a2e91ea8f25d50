"""Export to the optimum (>= 1.24) Stable Diffusion 1.5 ONNX layout + configs + tokenizer; verify ONNX against torch
is done by verify (Java ORT, see README). Usage: export.py OUT_DIR [scheduler]"""
import json
import os
import shutil
import sys
import numpy as np
import torch
from common import WORK
from models import TextEncoder, Encoder, Decoder, UNet, TEXT, VAE, UNET
from clip_tokenizer import CLIPTokenizer
from sampling import NUM_TRAIN_TIMESTEPS, BETA_START, BETA_END

OPSET = 14
DIFFUSERS_VERSION = "0.30.0"


def load():
    vae = torch.load(f"{WORK}/vae.pt")
    ldm = torch.load(f"{WORK}/ldm.pt")
    te, enc, dec, un = TextEncoder(**TEXT), Encoder(**VAE), Decoder(**VAE), UNet(**UNET)
    te.load_state_dict(ldm["text_encoder"]); un.load_state_dict(ldm["unet"])
    enc.load_state_dict(vae["encoder"]); dec.load_state_dict(vae["decoder"])
    for m in (te, enc, dec, un):
        m.eval()
    return te, enc, dec, un, vae["scaling_factor"]


class TextWrap(torch.nn.Module):
    def __init__(self, te):
        super().__init__(); self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def scheduler_config(name):
    common = {"_diffusers_version": DIFFUSERS_VERSION, "beta_end": BETA_END, "beta_schedule": "scaled_linear",
              "beta_start": BETA_START, "num_train_timesteps": NUM_TRAIN_TIMESTEPS, "prediction_type": "epsilon",
              "trained_betas": None}
    if name == "euler":
        return {"_class_name": "EulerDiscreteScheduler", **common, "interpolation_type": "linear",
                "steps_offset": 1, "timestep_spacing": "linspace", "use_karras_sigmas": False,
                "timestep_type": "discrete", "rescale_betas_zero_snr": False, "final_sigmas_type": "zero",
                # not Euler keys: pinned so that swapping in DDIM/PNDM (which default clip_sample/set_alpha_to_one
                # to true) keeps the SD 1.5 values instead of clipping latents to [-1, 1]
                "clip_sample": False, "set_alpha_to_one": False}
    return {"_class_name": "DDIMScheduler", **common, "clip_sample": False, "set_alpha_to_one": False,
            "steps_offset": 1, "timestep_spacing": "leading", "rescale_betas_zero_snr": False,
            "thresholding": False}


def main(out, sched):
    te, enc, dec, un, scaling = load()
    if os.path.exists(out):
        shutil.rmtree(out)
    for d in ("text_encoder", "unet", "vae_encoder", "vae_decoder", "scheduler", "tokenizer"):
        os.makedirs(os.path.join(out, d))
    tok = CLIPTokenizer.load(f"{WORK}/tokenizer")
    for f in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(os.path.join(WORK, "tokenizer", f), os.path.join(out, "tokenizer", f))
    kw = dict(opset_version=OPSET, do_constant_folding=True)
    ids = torch.tensor([tok.encode("a red circle")], dtype=torch.long)
    torch.onnx.export(TextWrap(te), (ids,), f"{out}/text_encoder/model.onnx", input_names=["input_ids"],
                      output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                    "last_hidden_state": {0: "batch_size", 1: "sequence_length"},
                                    "pooler_output": {0: "batch_size"}}, **kw)
    torch.onnx.export(un, (torch.randn(2, 4, 8, 8), torch.tensor(999.0), torch.randn(2, 77, TEXT["hidden_size"])),
                      f"{out}/unet/model.onnx", input_names=["sample", "timestep", "encoder_hidden_states"],
                      output_names=["out_sample"],
                      dynamic_axes={"sample": {0: "batch_size", 2: "height", 3: "width"},
                                    "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                                    "out_sample": {0: "batch_size", 2: "height", 3: "width"}}, **kw)
    torch.onnx.export(enc, (torch.rand(1, 3, 64, 64) * 2 - 1,), f"{out}/vae_encoder/model.onnx",
                      input_names=["sample"], output_names=["latent_parameters"],
                      dynamic_axes={"sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
                                    "latent_parameters": {0: "batch_size", 2: "height_latent", 3: "width_latent"}}, **kw)
    torch.onnx.export(dec, (torch.randn(1, 4, 8, 8),), f"{out}/vae_decoder/model.onnx",
                      input_names=["latent_sample"], output_names=["sample"],
                      dynamic_axes={"latent_sample": {0: "batch_size", 1: "num_channels_latent",
                                                      2: "height_latent", 3: "width_latent"},
                                    "sample": {0: "batch_size", 2: "height", 3: "width"}}, **kw)

    dump({"_name_or_path": "diffusion4j/scenes", "architectures": ["CLIPTextModel"], "attention_dropout": 0.0,
          "bos_token_id": tok.bos_id, "eos_token_id": tok.eos_id, "pad_token_id": tok.pad_id, "dropout": 0.0,
          "hidden_act": "gelu", "hidden_size": TEXT["hidden_size"], "initializer_factor": 1.0,
          "initializer_range": 0.02, "intermediate_size": TEXT["intermediate_size"], "layer_norm_eps": 1e-05,
          "max_position_embeddings": TEXT["max_position_embeddings"], "model_type": "clip_text_model",
          "num_attention_heads": TEXT["num_attention_heads"], "num_hidden_layers": TEXT["num_hidden_layers"],
          "projection_dim": TEXT["hidden_size"], "torch_dtype": "float32", "transformers_version": "4.44.0",
          "vocab_size": len(tok.encoder)}, f"{out}/text_encoder/config.json")
    c0, c1 = UNET["channels"]
    dump({"_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
          "attention_head_dim": UNET["heads"], "block_out_channels": [c0, c1], "center_input_sample": False,
          "cross_attention_dim": UNET["cross_attention_dim"],
          "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"], "downsample_padding": 1,
          "flip_sin_to_cos": True, "freq_shift": 0, "in_channels": 4, "layers_per_block": 1,
          "mid_block_scale_factor": 1, "mid_block_type": "UNetMidBlock2DCrossAttn", "norm_eps": 1e-05,
          "norm_num_groups": UNET["groups"], "out_channels": 4, "sample_size": 8,
          "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}, f"{out}/unet/config.json")
    vae_cfg = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
               "block_out_channels": [48, 64, 128, 128],
               "down_block_types": ["DownEncoderBlock2D"] * 4, "force_upcast": False, "in_channels": 3,
               "latent_channels": 4, "layers_per_block": 1, "norm_num_groups": VAE["groups"], "out_channels": 3,
               "sample_size": 64, "scaling_factor": round(float(scaling), 5),
               "up_block_types": ["UpDecoderBlock2D"] * 4}
    dump(vae_cfg, f"{out}/vae_encoder/config.json")
    dump(vae_cfg, f"{out}/vae_decoder/config.json")
    dump(scheduler_config(sched), f"{out}/scheduler/scheduler_config.json")
    dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
          "feature_extractor": [None, None], "image_encoder": [None, None], "requires_safety_checker": False,
          "safety_checker": [None, None],
          "scheduler": ["diffusers", scheduler_config(sched)["_class_name"]],
          "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
          "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
          # the settings the quality figures are measured at; Diffusion4j uses them when a request gives none
          # (diffusers ignores "_" keys here)
          "_diffusion4j": {"recommended_steps": 20, "recommended_guidance_scale": 5.0}},
         f"{out}/model_index.json")

    # reference inputs/outputs for the ORT check (Check.java reads these raw little-endian files)
    ref = os.path.join(WORK, "ref")
    os.makedirs(ref, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    ids = torch.tensor([tok.encode("a small red circle on the left of a blue background"), tok.encode("")])
    sample = torch.randn(2, 4, 8, 8, generator=g)
    ts = torch.tensor(500.0)
    img = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    with torch.no_grad():
        hid, pool = te(ids)
        eps = un(sample, ts, hid)
        eps16 = un(torch.randn(1, 4, 16, 16, generator=g), ts, hid[:1])   # dynamic size check
        lat = enc(img)
        rec = dec(sample[:1])
    np.save(f"{ref}/shape_check.npy", np.array(eps16.shape))
    for name, t in dict(ids=ids, sample=sample, hidden=hid, pooled=pool, eps=eps, img=img, lat=lat, rec=rec).items():
        arr = t.numpy()
        arr.astype("<i8" if arr.dtype == np.int64 else "<f4").tofile(f"{ref}/{name}.bin")
    print("exported to", out, "scaling_factor", scaling)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "euler")
