#!/usr/bin/python3
"""Reads the PNGs Diffusion4j wrote the way AUTOMATIC1111 does, and stores what A1111's own parser makes of them.

    ./mvnw -B -q -o -pl sdk test -Dtest=A1111InfotextTest     # writes sdk/target/a1111-pngs/*.png
    /usr/bin/python3 tools/goldens/a1111_infotext_reference.py --webui /path/to/stable-diffusion-webui

--webui is a checkout of AUTOMATIC1111/stable-diffusion-webui (the goldens were made at commit 0365002). Its
modules/infotext_utils.py and modules/infotext_versions.py are imported as they are; the web UI modules they import
at the top (gradio, modules.shared, ...) are replaced by the stubs below, which hold A1111's default options.

For each PNG it does what A1111's "PNG Info" tab does: Pillow's Image.open(...).info["parameters"] (as in
modules/images.py read_info_from_image), then infotext_utils.parse_generation_parameters. It writes
sdk/src/test/resources/a1111/parsed.json: file name -> {"parameters": the text Pillow read, "parsed": the dict}.
"""
import argparse
import json
import os
import sys
import types

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def install_stubs():
    """The web UI modules infotext_utils imports, with A1111's default option values (modules/shared_options.py)."""
    gradio = types.ModuleType("gradio")
    gradio.update = lambda **kwargs: dict(kwargs, __type__="update")
    sys.modules["gradio"] = gradio

    import modules  # the checkout's package
    opts = types.SimpleNamespace(infotext_styles="Apply if any", use_old_hires_fix_width_height=False,
                                 infotext_skip_pasting=[], auto_backcompat=True)
    styles = types.SimpleNamespace(extract_styles_from_prompt=lambda p, n: ([], p, n))  # no styles saved
    stubs = {
        "modules.shared": dict(opts=opts, prompt_styles=styles),
        "modules.paths": dict(data_path=ROOT),
        "modules.ui_tempdir": {},
        "modules.script_callbacks": {},
        "modules.processing": {},
    }
    for name, attributes in stubs.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module
        setattr(modules, name.split(".")[1], module)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--webui", required=True, help="stable-diffusion-webui checkout")
    parser.add_argument("--pngs", default=os.path.join(ROOT, "sdk", "target", "a1111-pngs"))
    parser.add_argument("--out", default=os.path.join(ROOT, "sdk", "src", "test", "resources", "a1111", "parsed.json"))
    args = parser.parse_args()
    sys.path.insert(0, args.webui)
    install_stubs()
    from modules import infotext_utils

    result = {}
    for name in sorted(os.listdir(args.pngs)):
        if not name.endswith(".png"):
            continue
        with Image.open(os.path.join(args.pngs, name)) as image:
            text = image.info.get("parameters")
        result[name] = {"parameters": text, "parsed": infotext_utils.parse_generation_parameters(text)}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(result)} PNGs -> {args.out}")


if __name__ == "__main__":
    main()
