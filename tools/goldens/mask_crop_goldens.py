#!/usr/bin/python3
"""Crop regions of diffusers' VaeImageProcessor.get_crop_region(mask, width, height, pad)
(src/diffusers/image_processor.py), the region StableDiffusionInpaintPipeline(padding_mask_crop=pad) inpaints, run
with diffusers itself on synthetic masks: white rectangles on black, with generation sizes of other aspect ratios and
masks near the borders (the region is shifted back inside the picture, or clamped when it cannot fit).

Usage: /usr/bin/python3 tools/goldens/mask_crop_goldens.py [--diffusers DIR]
Writes sdk/src/test/resources/mask_crop/diffusers.json (sorted keys; deterministic).
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diffusers_shims  # noqa: E402
import family_goldens as fg  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "sdk", "src", "test", "resources", "mask_crop", "diffusers.json")

# (picture w, h, rectangles [x1, y1, x2, y2) that are white, generation width, height, pad)
CASES = [
    (128, 112, [[40, 44, 72, 76]], 64, 64, 16),
    (128, 112, [[40, 44, 72, 76]], 64, 64, 0),
    (128, 112, [[40, 44, 72, 60]], 64, 64, 4),       # wide box -> taller region
    (128, 112, [[40, 44, 50, 90]], 64, 64, 4),       # tall box -> wider region
    (128, 112, [[2, 3, 20, 9]], 96, 64, 8),           # at the top-left corner: shifted inside
    (128, 112, [[100, 90, 127, 111]], 64, 96, 8),     # bottom-right corner
    (128, 112, [[10, 10, 20, 20], [90, 80, 100, 95]], 64, 64, 3),  # two boxes
    (64, 64, [[0, 20, 64, 30]], 64, 32, 40),          # wider than the picture after padding: clamped
    (128, 112, [[60, 50, 61, 51]], 80, 48, 0),        # a single pixel
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--diffusers", default="/work/upstream/diffusers")
    args = ap.parse_args()
    diffusers_shims.install()
    sys.path.insert(0, os.path.join(args.diffusers, "src"))
    from diffusers.image_processor import VaeImageProcessor
    from PIL import Image
    out = []
    for pw, ph, rects, w, h, pad in CASES:
        m = np.zeros((ph, pw), dtype=np.uint8)
        for x1, y1, x2, y2 in rects:
            m[y1:y2, x1:x2] = 255
        region = VaeImageProcessor.get_crop_region(Image.fromarray(m, "L"), w, h, pad=pad)
        out.append({"pictureWidth": pw, "pictureHeight": ph, "rectangles": rects, "width": w, "height": h,
                    "pad": pad, "region": [int(v) for v in region]})
    doc = {"diffusersCommit": fg.diffusers_commit(args.diffusers), "diffusersFile": "src/diffusers/image_processor.py",
           "function": "VaeImageProcessor.get_crop_region", "cases": out}
    os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, sort_keys=True, indent=1)
        f.write("\n")
    print(f"{len(out)} cases -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
