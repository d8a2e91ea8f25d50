"""Classical checker for generated single-shape scenes. Rules (port these exactly):

1. background  = named colour nearest (squared RGB distance) to the per-channel median of ALL pixels.
2. foreground  = pixels strictly closer to the PROMPT's shape colour than to the PROMPT's background colour.
3. component   = largest 4-connected component of the foreground (ties: first found in row-major scan);
                 fewer than MIN_PIXELS (12) pixels -> no shape: colour, shape, position, size all wrong.
4. shape colour = named colour nearest to the per-channel median of the component's pixels.
5. position    = named position whose anchor (x, y) is nearest to the component centroid
                 (centroid of pixel centres x + 0.5, y + 0.5).
6. size        = "large" if max(bbox width, bbox height) >= 24 pixels else "small".
7. shape       = the template (scenes.shape_template, unit coordinates of the bounding box) with the highest IoU
                 against the component inside its bounding box; each bbox pixel (x, y) is tested at
                 u = (x + 0.5 - x0) / w, v = (y + 0.5 - y0) / h; ties -> first in SHAPES order.
Medians: per channel, lower median (sorted values, index (n - 1) // 2).
"""
import numpy as np
from scenes import COLOURS, COLOUR_NAMES, SHAPES, POSITIONS, shape_template

MIN_PIXELS = 12
LARGE_MIN_SIDE = 24


def nearest_colour(rgb):
    rgb = np.asarray(rgb, np.int64)
    d = [int(((rgb - np.array(COLOURS[c])) ** 2).sum()) for c in COLOUR_NAMES]
    return COLOUR_NAMES[int(np.argmin(d))]


def lower_median(values):
    v = np.sort(values, axis=0)
    return v[(len(v) - 1) // 2]


def largest_component(mask):
    h, w = mask.shape
    seen = np.zeros_like(mask)
    best = []
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not seen[y, x]:
                comp, stack = [], [(y, x)]
                seen[y, x] = True
                while stack:
                    cy, cx = stack.pop()
                    comp.append((cy, cx))
                    for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                        if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                            seen[ny, nx] = True
                            stack.append((ny, nx))
                if len(comp) > len(best):
                    best = comp
    return best


def check(img, colour, shape, position, size, background):
    """img uint8 [H, W, 3]. Returns dict of predictions and booleans."""
    img = np.asarray(img, np.int64)
    flat = img.reshape(-1, 3)
    res = {"background": nearest_colour(lower_median(flat))}
    ds = ((img - np.array(COLOURS[colour])) ** 2).sum(-1)
    db = ((img - np.array(COLOURS[background])) ** 2).sum(-1)
    comp = largest_component(ds < db)
    if len(comp) < MIN_PIXELS:
        res.update(colour=None, shape=None, position=None, size=None)
    else:
        ys = np.array([c[0] for c in comp]); xs = np.array([c[1] for c in comp])
        res["colour"] = nearest_colour(lower_median(img[ys, xs]))
        cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
        res["position"] = min(POSITIONS, key=lambda p: (POSITIONS[p][0] - cx) ** 2 + (POSITIONS[p][1] - cy) ** 2)
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
        w, h = x1 - x0 + 1, y1 - y0 + 1
        res["size"] = "large" if max(w, h) >= LARGE_MIN_SIDE else "small"
        m = np.zeros((h, w), bool)
        m[ys - y0, xs - x0] = True
        gy, gx = np.mgrid[0:h, 0:w]
        u, v = (gx + 0.5) / w, (gy + 0.5) / h
        ious = []
        for s in SHAPES:
            t = shape_template(s, u, v)
            ious.append((m & t).sum() / max(1, (m | t).sum()))
        res["shape"] = SHAPES[int(np.argmax(ious))]
    res["colour_ok"] = res["colour"] == colour and res["background"] == background
    res["shape_position_ok"] = res["shape"] == shape and res["position"] == position
    res["size_ok"] = res["size"] == size
    return res


def panel(n=48, seed=99):
    """Deterministic evaluation panel of single-shape prompts with every attribute stated."""
    from scenes import single_caption
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
        others = [c for c in COLOUR_NAMES if c != bg]
        colour = others[rng.integers(len(others))]
        spec = dict(colour=colour, shape=SHAPES[i % len(SHAPES)], position=list(POSITIONS)[i % 5],
                    size=("small", "large")[(i // 5) % 2], background=bg)
        spec["prompt"] = single_caption(spec["colour"], spec["shape"], spec["size"], spec["position"], bg)
        out.append(spec)
    return out


if __name__ == "__main__":
    # sanity: the checker on rendered ground truth
    from scenes import render, SIZES, POSITION_JITTER
    rng = np.random.default_rng(0)
    ok = {"colour_ok": 0, "shape_position_ok": 0, "size_ok": 0}
    items = panel(48) * 4
    for spec in items:
        cx, cy = POSITIONS[spec["position"]]
        img = render(dict(background=spec["background"], shapes=[dict(
            shape=spec["shape"], colour=spec["colour"], side=rng.uniform(*SIZES[spec["size"]]),
            cx=cx + rng.uniform(-POSITION_JITTER, POSITION_JITTER), cy=cy + rng.uniform(-POSITION_JITTER, POSITION_JITTER))]))
        r = check(img, **{k: spec[k] for k in ("colour", "shape", "position", "size", "background")})
        for k in ok:
            ok[k] += r[k]
        if not r["shape_position_ok"]:
            print("miss", spec["prompt"], r["shape"], r["position"])
    print({k: v / len(items) for k, v in ok.items()})
