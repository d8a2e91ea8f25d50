#!/usr/bin/python3
"""Writes the reference noise values used by the Java noise tests.

Run with a Python that has real torch and numpy (the goldens were made with torch 1.13 and numpy 1.24):

    /usr/bin/python3 tools/goldens/noise_reference.py

It writes sdk/src/test/resources/noise/torch.json and numpy.json. Each case is a seed and a list of successive
randn calls on one generator (torch: torch.manual_seed + torch.randn; numpy: RandomState(seed).randn). Calls of
up to FULL_LIMIT values are stored whole; bigger ones store the first and last HEAD values, a few values in the
middle, and the sum and sum of squares (computed in float64) so the files stay small. torch.json also holds the
SHA-256 of ten whole 65,536-value draws, which TorchGeneratorTest recomputes: every value to the bit.
"""
import hashlib
import json
import os

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "sdk", "src", "test", "resources", "noise")

FULL_LIMIT = 128
HEAD = 64
MIDDLE_COUNT = 16

SEEDS = [0, 1, 42, 12345, 4294967295]
SIZES = [1, 3, 15, 16, 17, 31, 100, 2 * 4 * 8 * 8, 4 * 64 * 64]
# Successive calls on one generator, mixing the scalar (< 16) and vectorised (>= 16) torch paths.
SEQUENCES = [
    (7, [3, 16, 1, 17, 5, 100, 2, 33]),
    (2024, [1, 1, 1, 16, 1, 15, 31, 4 * 8 * 8]),
]
# torch keeps the low 32 bits of seeds past 2**32 and reinterprets negative seeds as two's complement;
# numpy rejects both.
TORCH_ONLY_SEEDS = [2**32 + 7, -1]


def encode(values, as_float32):
    """Stores float32 values by their shortest float32 repr and float64 values by their shortest float64 repr."""
    if as_float32:
        return [float(str(np.float32(v))) for v in values]
    return [float(v) for v in values]


def call_entry(values, as_float32):
    n = len(values)
    entry = {"n": n}
    if n <= FULL_LIMIT:
        entry["values"] = encode(values, as_float32)
        return entry
    middle_index = [int(i) for i in np.linspace(HEAD, n - HEAD - 1, MIDDLE_COUNT).round()]
    entry["head"] = encode(values[:HEAD], as_float32)
    entry["tail"] = encode(values[-HEAD:], as_float32)
    entry["middleIndex"] = middle_index
    entry["middle"] = encode(values[middle_index], as_float32)
    as64 = values.astype(np.float64)
    entry["sum"] = float(as64.sum())
    entry["sumSquares"] = float((as64 * as64).sum())
    return entry


def torch_case(seed, sizes):
    generator = torch.Generator()
    generator.manual_seed(seed)
    calls = [call_entry(torch.randn(n, generator=generator, dtype=torch.float32).numpy(), True) for n in sizes]
    return {"seed": seed, "calls": calls}


def numpy_case(seed, sizes):
    state = np.random.RandomState(seed)
    calls = [call_entry(state.randn(n), False) for n in sizes]
    return {"seed": seed, "calls": calls}


def cases(make, seeds):
    result = [make(seed, [n]) for seed in seeds for n in SIZES]
    result += [make(seed, sizes) for seed, sizes in SEQUENCES]
    return result


def check_global_generator_matches():
    """torch.manual_seed + torch.randn (the global generator) must equal a fresh seeded Generator."""
    torch.manual_seed(42)
    a = torch.randn(37)
    generator = torch.Generator()
    generator.manual_seed(42)
    b = torch.randn(37, generator=generator)
    assert torch.equal(a, b)


# Large draws compared whole through a digest: SHA-256 of the float32 values' little-endian bytes.
FINGERPRINT_SEEDS = list(range(8)) + [1234, 2**32 - 1]
FINGERPRINT_SIZE = 4 * 128 * 128


def fingerprints():
    out = []
    for seed in FINGERPRINT_SEEDS:
        torch.manual_seed(seed)
        values = torch.randn(FINGERPRINT_SIZE).numpy().astype("<f4")
        out.append({"seed": seed, "n": FINGERPRINT_SIZE, "sha256": hashlib.sha256(values.tobytes()).hexdigest()})
    return out


def main():
    check_global_generator_matches()
    os.makedirs(OUT_DIR, exist_ok=True)
    torch_doc = {
        "reference": "torch %s: torch.manual_seed(seed); torch.randn(n) (float32, CPU)" % torch.__version__,
        "cases": cases(torch_case, SEEDS + TORCH_ONLY_SEEDS),
        "fingerprints": fingerprints(),
    }
    numpy_doc = {
        "reference": "numpy %s: numpy.random.RandomState(seed).randn(n) (float64)" % np.__version__,
        "cases": cases(numpy_case, SEEDS),
        "invalidSeeds": [-1, 2**32],
    }
    for seed in numpy_doc["invalidSeeds"]:
        try:
            np.random.RandomState(seed)
            raise AssertionError("numpy accepted seed %d" % seed)
        except ValueError:
            pass
    for name, doc in (("torch.json", torch_doc), ("numpy.json", numpy_doc)):
        path = os.path.join(OUT_DIR, name)
        with open(path, "w") as handle:
            json.dump(doc, handle, separators=(",", ":"))
            handle.write("\n")
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
