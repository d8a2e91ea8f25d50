"""Import shims that let diffusers' own pipeline code run under Debian's torch 1.13 with no PyPI packages.

diffusers imports huggingface_hub, httpx, safetensors, tokenizers and transformers at module level (hub download
helpers, weight loading, the CLIP/T5 model classes used in type hints and isinstance checks). None of that code runs
when a pipeline is built from in-memory components and called, so those packages are replaced by *auto stubs*:
modules whose every attribute is a fresh placeholder class (calling one raises) and whose every submodule is another
auto stub; lower-case attributes are functions that raise when called, except when used as a plain decorator at
import time. A few attributes that are used as values at import time (path constants) get concrete values. The stub
distributions also answer importlib.metadata's version queries, so diffusers' availability checks
(`is_transformers_available()` ...) see them as installed.

torch 1.13 lacks names diffusers touches at import time; `_patch_torch` adds them as inert stand-ins: the device
backends torch.xpu / torch.mps / torch.mtia / torch.npu (never available), the namespaces torch.compiler
(`disable` & co. leave functions as they are, `is_compiling()` is False), torch.nn.attention,
torch.distributed.device_mesh / .tensor / ._functional_collectives (context parallelism), and the newer dtypes
(float8_*, uint1..7, uint16/32/64) as sentinels. None of them is used on the code paths the goldens run: the
pipelines run on CPU float32 with plain torch ops.

Usage: call `install()` before importing diffusers, and put the diffusers checkout's `src` on sys.path.
"""
import importlib.abc
import importlib.machinery
import importlib.metadata
import sys
import types

# stubbed package -> the version its stub distribution reports (diffusers' minimum versions)
STUBBED = {"huggingface_hub": "1.23.0", "safetensors": "0.8.0", "transformers": "4.99.0", "tokenizers": "0.22.0",
           "httpx": "0.28.0"}
# torch modules newer than 1.13 that diffusers imports at module level (context parallelism, attention dispatch)
TORCH_MODULES_MISSING = ("torch.distributed._functional_collectives", "torch.distributed.tensor",
                         "torch.distributed.device_mesh", "torch.nn.attention")
# attributes used as plain values at import time
VALUES = {"HF_HOME": "/nonexistent/hf-home", "HUGGINGFACE_HUB_CACHE": "/nonexistent/hf-home/hub",
          "HF_HUB_CACHE": "/nonexistent/hf-home/hub", "HF_HUB_OFFLINE": True, "HF_HUB_DISABLE_TELEMETRY": True,
          "ENDPOINT": "http://localhost.invalid", "HF_ENDPOINT": "http://localhost.invalid",
          "__version__": "stub", "DEFAULT_REVISION": "main", "REPO_TYPE_MODEL": "model"}


class _Placeholder:
    """A class standing in for an external type: it can be subclassed, used in isinstance and in annotations."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} is an import stub; it must not be called in golden runs")


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in VALUES:
            value = VALUES[name]
        elif name[:1].isupper() or name[:1] == "_":
            value = type(name, (_Placeholder,), {"__module__": self.__name__})
        else:
            def value(*args, _name=f"{self.__name__}.{name}", **kwargs):
                if len(args) == 1 and callable(args[0]) and not kwargs:
                    return args[0]  # used as a decorator at import time: leave the function as it is
                raise RuntimeError(f"{_name} is an import stub; it must not be called in golden runs")
        setattr(self, name, value)
        return value


class _StubLoader(importlib.abc.Loader):
    def __init__(self, kind=None):
        self.kind = kind or _StubModule

    def create_module(self, spec):
        module = self.kind(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


class _Dist(importlib.metadata.Distribution):
    def __init__(self, name, version):
        self._name, self._version = name, version

    def read_text(self, filename):
        if filename == "METADATA":
            return f"Metadata-Version: 2.1\nName: {self._name}\nVersion: {self._version}\n"
        if filename == "top_level.txt":
            return self._name + "\n"
        return None

    def locate_file(self, path):
        return path


class _StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in TORCH_MODULES_MISSING or fullname.startswith(tuple(m + "." for m in TORCH_MODULES_MISSING)):
            if path is not None and importlib.machinery.PathFinder.find_spec(fullname, path) is not None:
                return None  # a torch that has the module: use it
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(_Backend), is_package=True)
        root = fullname.split(".")[0]
        if root in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)
        return None

    def find_distributions(self, context=importlib.metadata.DistributionFinder.Context()):
        name = (context.name or "").replace("-", "_")
        for pkg, version in STUBBED.items():
            if context.name is None or name == pkg:
                yield _Dist(pkg, version)


def _identity_decorator(*args, **kwargs):
    """torch.compiler.disable and friends, as `@d` or `@d(...)`: the function is left as it is."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda fn: fn


class _Backend(types.ModuleType):
    """A device backend torch 1.13 lacks (torch.xpu, torch.mps ...): never available, nothing to call."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in ("is_available", "is_built", "is_compiling", "is_dynamo_compiling", "is_initialized"):
            return lambda *a, **k: False
        if name in ("disable", "allow_in_graph", "assume_constant_result", "register_fake", "custom_op"):
            return _identity_decorator
        if name == "device_count":
            return lambda *a, **k: 0
        return _StubModule.__getattr__(self, name)


class _Sentinel:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def _ensure_namespace(root, dotted):
    parent = root
    for part in dotted.split("."):
        if not hasattr(parent, part):
            setattr(parent, part, _Backend(f"{parent.__name__}.{part}"))
        parent = getattr(parent, part)


def _patch_torch():
    import torch
    for backend in ("xpu", "mps", "mtia", "npu"):
        if not hasattr(torch, backend):
            setattr(torch, backend, _Backend("torch." + backend))
    # namespaces newer than 1.13 that diffusers names in annotations or calls at import time
    for dotted in ("distributed.device_mesh", "distributed.tensor", "compiler", "nn.attention"):
        _ensure_namespace(torch, dotted)
    # dtypes newer than 1.13, named in diffusers' dtype tables (quantisation, fp8 layer-wise casting): sentinels
    newer = ("float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64") + tuple(f"uint{i}" for i in range(1, 8))
    for name in newer:
        if not hasattr(torch, name):
            setattr(torch, name, _Sentinel("torch." + name))


def install():
    _patch_torch()
    if not any(isinstance(f, _StubFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _StubFinder())
