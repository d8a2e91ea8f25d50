import os
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("SCENE_WORK", os.path.join(HERE, "work"))
N_IMAGES = 40000
DATA_SEED = 1234


def setup(seed):
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    torch.manual_seed(seed)
    os.makedirs(WORK, exist_ok=True)


def dataset():
    """40k deterministic scenes, cached in work/data.npz."""
    import numpy as np
    path = os.path.join(WORK, "data.npz")
    if not os.path.exists(path):
        from scenes import generate
        imgs, caps = generate(N_IMAGES, DATA_SEED)
        np.savez(path, images=imgs, captions=np.array(caps))
    d = np.load(path)
    return d["images"], list(d["captions"])


def to_tensor(imgs_uint8):
    return torch.from_numpy(imgs_uint8).permute(0, 3, 1, 2).float() / 127.5 - 1.0
