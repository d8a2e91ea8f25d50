#!/usr/bin/python3
"""Expected pixels of Pillow's ImageFilter.GaussianBlur on a few synthetic masks: what diffusers'
VaeImageProcessor.blur(mask, blur_factor) (src/diffusers/image_processor.py) does to an inpainting mask, run here
with Pillow itself (Debian's python3-pil). The Java port (io.github.diffusion4j.image.PillowGaussianBlur) must
give the same bytes.

Each case: the mask (mode "L" or "RGB", uint8, row-major; RGB interleaved), the radius, and Pillow's output.
Radii cover 0 (identity), small and fractional ones, and one larger than the image (box wider than a line: the
other branch of ImagingLineBoxBlur8). Output is deterministic (no randomness; sorted keys).

Usage: /usr/bin/python3 tools/goldens/mask_blur_goldens.py [--out sdk/src/test/resources/mask_blur/pillow.json]
"""
import argparse
import json
import os

import PIL
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "sdk", "src", "test", "resources", "mask_blur", "pillow.json")


def rectangle_mask(w, h):
    """White rectangle (repaint) on black, off-centre so the edges differ."""
    return bytes(255 if 9 <= x < 27 and 5 <= y < 15 else 0 for y in range(h) for x in range(w))


def circle_mask(w, h):
    """A white disc touching the left border: edge replication matters."""
    return bytes(255 if (x - 3) ** 2 + (y - h // 2) ** 2 <= 64 else 0 for y in range(h) for x in range(w))


def gradient_rgb(w, h):
    """An RGB mask with different channels, a hard step and a ramp, to test each channel on its own."""
    out = bytearray()
    for y in range(h):
        for x in range(w):
            out += bytes(((x * 7 + y * 3) % 256, 255 if x > w // 2 else 0, (y * 31) % 256))
    return bytes(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    w, h = 40, 24
    sources = {"rectangle": ("L", rectangle_mask(w, h)), "circle": ("L", circle_mask(w, h)),
               "gradient": ("RGB", gradient_rgb(w, h))}
    radii = {"rectangle": [0, 1, 2, 4, 33], "circle": [0.5, 3, 7.5], "gradient": [1, 4, 50]}
    cases = []
    for name, (mode, pixels) in sources.items():
        image = Image.frombytes(mode, (w, h), pixels)
        for radius in radii[name]:
            blurred = image.filter(ImageFilter.GaussianBlur(radius))
            cases.append({"name": f"{name}_r{radius}", "mode": mode, "width": w, "height": h, "radius": radius,
                          "mask": list(pixels), "expected": list(blurred.tobytes())})
    doc = {"pillowVersion": PIL.__version__, "filter": "PIL.ImageFilter.GaussianBlur(radius)",
           "generator": "tools/goldens/mask_blur_goldens.py", "cases": cases}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
