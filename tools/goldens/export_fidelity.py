#!/usr/bin/python3
"""Writes probes that check the exported family graphs compute what their torch modules compute.

The goldens (family_goldens.py) run the torch modules; the SDK runs the exported ONNX graphs. This script feeds
each component of each family fixture fixed inputs (two spatial sizes for the UNet and the VAE, to exercise the
dynamic axes), records the torch outputs, and writes inputs and outputs as raw little-endian files plus a
manifest. tools/goldens/CheckExportFidelity.java runs the same inputs through ONNX Runtime (Java, the runtime the
SDK uses) and prints the largest absolute difference per output.

    /usr/bin/python3 tools/goldens/export_fidelity.py /tmp/probes
    ORT=~/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/1.29.0/onnxruntime_gpu-1.29.0.jar
    java -cp $ORT tools/goldens/CheckExportFidelity.java /tmp/probes/manifest.txt 1e-4
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_tiny_dits as dits  # noqa: E402
import make_tiny_families as families  # noqa: E402
import make_tiny_models as tiny  # noqa: E402


class Probes:
    """Writes inputs and torch outputs as raw little-endian files plus manifest lines."""

    def __init__(self, out_dir):
        self.out_dir, self.n, self.lines = out_dir, 0, []

    def _file(self):
        self.n += 1
        return os.path.join(self.out_dir, f"t{self.n}.bin")

    def add(self, model_path, module, inputs, output_names):
        self.lines.append(f"model {model_path}")
        for name, value in inputs:
            f = self._file()
            a = value.numpy()
            kind = "i64" if a.dtype == np.int64 else "f32"
            a.astype("<i8" if kind == "i64" else "<f4").tofile(f)
            self.lines.append(f"in {name} {kind} {','.join(map(str, a.shape)) or '-'} {f}")
        with torch.no_grad():
            outs = module(*[v for _, v in inputs])
        outs = outs if isinstance(outs, tuple) else (outs,)
        for name, value in zip(output_names, outs):
            f = self._file()
            value.numpy().astype("<f4").tofile(f)
            self.lines.append(f"out {name} {','.join(map(str, value.shape))} {f}")
        self.lines.append("end")

    def add_clip(self, folder, te, module, ids):
        outs = ["text_embeds", "last_hidden_state"] if module.text_projection is not None else [
            "last_hidden_state", "pooler_output"]
        if module.with_hidden_states:
            outs += [f"hidden_states.{i}" for i in range(len(module.blocks) + 1)]
        self.add(os.path.join(folder, te, "model.onnx"), module, [("input_ids", ids)], outs)

    def add_vae(self, folder, modules, channels, h, w):
        self.add(os.path.join(folder, "vae_decoder", "model.onnx"), modules["vae_decoder"],
                 [("latent_sample", torch.randn(1, channels, h, w) * 3)], ["sample"])
        self.add(os.path.join(folder, "vae_encoder", "model.onnx"), modules["vae_encoder"],
                 [("sample", torch.rand(1, 3, 8 * h, 8 * w) * 2 - 1)], ["latent_parameters"])


def clip_ids(vocab_size):
    """Two rows: BOS, random tokens, then <|endoftext|> padding (row 0) or EOS then "!" padding (row 1)."""
    ids = torch.randint(0, vocab_size - 2, (2, 77))
    ids[:, 0] = vocab_size - 2
    ids[0, 9:] = vocab_size - 1
    ids[1, 5] = vocab_size - 1
    ids[1, 6:] = 0
    return ids


def probe_unet_families(probes, vocab_size):
    for name in families.FAMILIES:
        folder = os.path.join(ROOT, "tools", "models", name)
        fam = families.build(name, vocab_size)
        spec = fam.spec
        for te in spec["text_encoders"]:
            probes.add_clip(folder, te, fam.modules[te], clip_ids(vocab_size))
        names = families.unet_inputs(spec)
        time_ids = [64.0, 96.0, 0.0, 0.0, 64.0, 96.0][:spec.get("n_time_ids") or 1]
        for (h, w, t) in ((8, 8, 999.0), (8, 12, 1.0)):
            values = {"sample": torch.randn(2, spec.get("unet_in", 4), h, w), "timestep": torch.tensor(t),
                      "encoder_hidden_states": torch.randn(2, 77, spec["ctx_dim"]),
                      "timestep_cond": torch.randn(2, families.TIME_COND_DIM),
                      "text_embeds": torch.randn(2, spec.get("proj") or 1), "time_ids": torch.tensor([time_ids] * 2)}
            probes.add(os.path.join(folder, "unet", "model.onnx"), families.Positional(fam.modules["unet"], names),
                       [(k, values[k]) for k in names], ["out_sample"])
            probes.add_vae(folder, fam.modules, 4, h, w)


def probe_dit_families(probes, vocab_size):
    for name in dits.FAMILIES:
        folder = os.path.join(ROOT, "tools", "models", name)
        fam = dits.build(name, vocab_size)
        spec = fam.spec
        for te in ("text_encoder", "text_encoder_2"):
            if isinstance(fam.modules.get(te), families.TinyClipText):
                probes.add_clip(folder, te, fam.modules[te], clip_ids(vocab_size))
        if spec["t5"]:
            for seq in (32, 7):
                probes.add(os.path.join(folder, fam.t5_name, "model.onnx"), fam.modules[fam.t5_name],
                           [("input_ids", torch.randint(0, dits.T5_VOCAB, (2, seq)))], ["last_hidden_state"])
        names = dits.transformer_inputs(spec)
        transformer = families.Positional(fam.modules["transformer"], names)
        for (h, w, seq, t) in ((8, 8, 32, 1000.0), (12, 16, 7, 250.0)):
            values = dits.transformer_example(spec, b=2, h=h, w=w, seq=seq, t=t)
            probes.add(os.path.join(folder, "transformer", "model.onnx"), transformer,
                       [(k, values[k]) for k in names], ["out_hidden_states"])
            probes.add_vae(folder, fam.modules, 16, h, w)


def probe_optimum_new(probes, vocab_size):
    """optimum-new (make_tiny_models.py), whose modules edit_goldens.py rebuilds from the same seeds."""
    sys.path.insert(0, HERE)
    import edit_goldens
    m = edit_goldens.optimum_new_modules(vocab_size)
    folder = os.path.join(ROOT, "tools", "models", "optimum-new")
    probes.add(os.path.join(folder, "text_encoder", "model.onnx"), m["text_encoder"],
               [("input_ids", clip_ids(vocab_size))], ["last_hidden_state", "pooler_output"])
    for (h, w, t) in ((8, 8, 999.0), (8, 12, 1.0)):
        probes.add(os.path.join(folder, "unet", "model.onnx"), m["unet"],
                   [("sample", torch.randn(2, 4, h, w)), ("timestep", torch.tensor(t)),
                    ("encoder_hidden_states", torch.randn(2, 77, 32))], ["out_sample"])
        probes.add_vae(folder, m, 4, h, w)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(1234)
    vocab_size = len(tiny.build_tokenizer()[0])
    probes = Probes(out_dir)
    probe_unet_families(probes, vocab_size)
    probe_dit_families(probes, vocab_size)
    probe_optimum_new(probes, vocab_size)
    with open(os.path.join(out_dir, "manifest.txt"), "w") as f:
        f.write("\n".join(probes.lines) + "\n")
    print(f"{sum(1 for line in probes.lines if line.startswith('model'))} probes in {out_dir}")


if __name__ == "__main__":
    main()
