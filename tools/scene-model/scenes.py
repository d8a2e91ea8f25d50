"""Deterministic generator of simple 64x64 RGB scenes with captions.

Every image: a flat coloured background and one shape (or two shapes, side by side).
Shapes are defined in the unit square of their bounding box (u to the right, v down, both in [0, 1]);
the checker (checker.py) renders the same templates to recognise shapes.
"""
import numpy as np

IMAGE_SIZE = 64

# Named colours (RGB). Well separated: the smallest pairwise distance is orange-yellow (~98).
COLOURS = {
    "red": (215, 35, 35),
    "green": (35, 165, 60),
    "blue": (40, 80, 220),
    "yellow": (240, 225, 40),
    "orange": (250, 130, 20),
    "purple": (135, 55, 190),
    "white": (245, 245, 245),
    "black": (25, 25, 25),
}
COLOUR_NAMES = list(COLOURS)

SHAPES = ["circle", "square", "triangle", "diamond", "cross", "ring", "star"]

# centre of the shape's bounding box (x, y) in pixels for each named position
POSITIONS = {
    "left": (16, 32),
    "right": (48, 32),
    "top": (32, 16),
    "bottom": (32, 48),
    "centre": (32, 32),
}
POSITION_PHRASES = {
    "left": "on the left",
    "right": "on the right",
    "top": "at the top",
    "bottom": "at the bottom",
    "centre": "in the centre",
}
# side of the bounding box in pixels: nominal value and uniform jitter range
SIZES = {"small": (18, 21), "large": (27, 31)}
POSITION_JITTER = 2          # +- pixels on the bbox centre
TWO_SHAPE_SIDE = (18, 22)    # side of each shape in two-shape scenes
TWO_SHAPE_Y_JITTER = 4

# 5-pointed star, outer radius 1, inner 0.45, first point up; normalised to its bounding box
_ang = np.deg2rad(-90 + 36 * np.arange(10))
_rad = np.where(np.arange(10) % 2 == 0, 1.0, 0.45)
_px, _py = _rad * np.cos(_ang), _rad * np.sin(_ang)
STAR_POLYGON = np.stack([(_px - _px.min()) / (_px.max() - _px.min()),
                         (_py - _py.min()) / (_py.max() - _py.min())], 1)


def point_in_polygon(u, v, poly):
    """Even-odd crossing test (vectorised)."""
    inside = np.zeros(np.broadcast(u, v).shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if y1 == y2:
            continue
        cond = (v >= min(y1, y2)) & (v < max(y1, y2))
        xc = x1 + (v - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (u < xc)
    return inside


def shape_template(shape, u, v):
    """Boolean mask of `shape` for unit-bbox coordinates u, v (outside [0,1] -> False)."""
    inb = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
    du, dv = u - 0.5, v - 0.5
    if shape == "square":
        m = np.ones_like(inb)
    elif shape == "circle":
        m = du * du + dv * dv <= 0.25
    elif shape == "ring":
        r2 = du * du + dv * dv
        m = (r2 <= 0.25) & (r2 >= 0.0625)          # outer radius 0.5, inner 0.25
    elif shape == "triangle":
        m = np.abs(du) <= v / 2                    # apex at top centre, base at the bottom
    elif shape == "diamond":
        m = np.abs(du) + np.abs(dv) <= 0.5
    elif shape == "cross":
        m = (np.abs(du) <= 1 / 6) | (np.abs(dv) <= 1 / 6)   # plus sign, arms 1/3 wide
    elif shape == "star":
        m = point_in_polygon(u, v, STAR_POLYGON)
    else:
        raise ValueError(shape)
    return m & inb


def render(spec, supersample=2):
    """spec -> uint8 [64, 64, 3]; anti-aliased by supersampling."""
    s = IMAGE_SIZE * supersample
    c = (np.arange(s) + 0.5) / supersample      # pixel centres in 64-pixel units
    X, Y = np.meshgrid(c, c)
    img = np.empty((s, s, 3), np.float32)
    img[:] = COLOURS[spec["background"]]
    for sh in spec["shapes"]:
        side = sh["side"]
        u = (X - (sh["cx"] - side / 2)) / side
        v = (Y - (sh["cy"] - side / 2)) / side
        img[shape_template(sh["shape"], u, v)] = COLOURS[sh["colour"]]
    img = img.reshape(IMAGE_SIZE, supersample, IMAGE_SIZE, supersample, 3).mean((1, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def single_caption(colour, shape, size, position, background):
    """Full single-shape caption (any of size/position/background may be None = not said)."""
    words = [size] if size else []
    words += [colour, shape]
    words = [article(words[0])] + words
    if position and background:
        words.append(f"{POSITION_PHRASES[position]} of {article(background)} {background} background")
    elif position:
        words.append(POSITION_PHRASES[position])
    elif background:
        words.append(f"on {article(background)} {background} background")
    return " ".join(words)


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def sample_spec(rng, p_two=0.2, p_say=0.85):
    if rng.random() < p_two:
        bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
        others = [c for c in COLOUR_NAMES if c != bg]
        shapes = []
        for cx in (16, 48):
            side = rng.uniform(*TWO_SHAPE_SIDE)
            shapes.append(dict(shape=SHAPES[rng.integers(len(SHAPES))],
                               colour=others[rng.integers(len(others))],
                               cx=cx + rng.uniform(-2, 2),
                               cy=32 + rng.uniform(-TWO_SHAPE_Y_JITTER, TWO_SHAPE_Y_JITTER), side=side))
        c1, c2 = shapes[0]["colour"], shapes[1]["colour"]
        cap = f"{article(c1)} {c1} {shapes[0]['shape']} and {article(c2)} {c2} {shapes[1]['shape']}"
        if rng.random() < 0.5:
            cap += f" on {article(bg)} {bg} background"
        return dict(background=bg, shapes=shapes, caption=cap)
    bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
    others = [c for c in COLOUR_NAMES if c != bg]
    colour = others[rng.integers(len(others))]
    shape = SHAPES[rng.integers(len(SHAPES))]
    size = list(SIZES)[rng.integers(2)]
    pos = list(POSITIONS)[rng.integers(5)]
    say = rng.random(3) < p_say
    cap = single_caption(colour, shape, size if say[0] else None, pos if say[1] else None, bg if say[2] else None)
    if pos == "centre" and say[1] and rng.random() < 0.3:
        cap = cap.replace("centre", "center")
    side = rng.uniform(*SIZES[size])
    cx, cy = POSITIONS[pos]
    return dict(background=bg, caption=cap,
                shapes=[dict(shape=shape, colour=colour, side=side,
                             cx=cx + rng.uniform(-POSITION_JITTER, POSITION_JITTER),
                             cy=cy + rng.uniform(-POSITION_JITTER, POSITION_JITTER))])


def generate(n, seed):
    rng = np.random.default_rng(seed)
    imgs = np.empty((n, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    caps = []
    for i in range(n):
        spec = sample_spec(rng)
        imgs[i] = render(spec)
        caps.append(spec["caption"])
    return imgs, caps


def caption_words():
    """Every word the grammar can produce."""
    w = set("a an and on the of at in background center".split())
    w |= set(COLOUR_NAMES) | set(SHAPES) | set(SIZES)
    for p in POSITION_PHRASES.values():
        w |= set(p.split())
    return sorted(w)


if __name__ == "__main__":
    import time
    t = time.time()
    imgs, caps = generate(16, 0)
    print(time.time() - t)
    for c in caps:
        print(c)
    from PIL import Image
    grid = imgs.reshape(4, 4, 64, 64, 3).transpose(0, 2, 1, 3, 4).reshape(256, 256, 3)
    Image.fromarray(grid).resize((512, 512), Image.NEAREST).save("/tmp/grid.png")
