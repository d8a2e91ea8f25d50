"""Minimal stand-ins for the parts of the diffusers package its scheduler modules import, so that diffusers' own
src/diffusers/schedulers/scheduling_*.py files run under Debian's python3-torch without installing diffusers (no
PyPI here) or its dependencies (huggingface_hub, safetensors, ...).

What is replaced, and why it does not change the numbers:
- ``diffusers`` and ``diffusers.schedulers``: empty packages; ``diffusers.schedulers.__path__`` points at the real
  schedulers folder, so ``import diffusers.schedulers.scheduling_ddim`` loads the real file (the real package
  ``__init__`` files only set up lazy imports of the whole library).
- ``diffusers.configuration_utils``: ``register_to_config`` / ``ConfigMixin`` reduced to what the schedulers use at
  run time: the decorated ``__init__`` records its arguments (with the signature's defaults, as diffusers does) in
  ``self.config``, readable as attributes, and ``self.register_to_config(**kw)`` updates it.
- ``diffusers.utils``: ``BaseOutput`` (a plain base for the output dataclasses), ``deprecate`` (returns the values
  diffusers would take from ``take_from``; no schedule logic), ``logging``, ``PushToHubMixin`` and
  ``is_scipy_available`` (true when Debian's python3-scipy is installed: LMS integrates its coefficients with
  scipy.integrate.quad, the beta-sigma option uses scipy.stats).
- ``diffusers.utils.torch_utils.randn_tensor``: ``torch.randn(shape, generator=generator, dtype=dtype)``, which is
  what diffusers' version does on CPU; it also records each draw's size so the golden file can state them.
- ``huggingface_hub.utils.validate_hf_hub_args`` (identity decorator) and ``typing_extensions.Self`` (``typing.Self``),
  imported by the real scheduling_utils.py for from_pretrained/save_pretrained only.
"""

import functools
import importlib.util
import inspect
import logging as _logging
import os
import sys
import types
import typing

import torch

DRAWS = []


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class FrozenDict(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(key) from e


class ConfigMixin:
    config_name = "scheduler_config.json"
    ignore_for_config = []

    def register_to_config(self, **kwargs):
        current = dict(getattr(self, "_internal_dict", {}))
        current.update(kwargs)
        self._internal_dict = FrozenDict(current)

    @property
    def config(self):
        return self._internal_dict


def register_to_config(init):
    """diffusers configuration_utils.register_to_config: records positional and keyword arguments with defaults."""

    @functools.wraps(init)
    def inner(self, *args, **kwargs):
        params = list(inspect.signature(init).parameters.items())[1:]
        recorded = {}
        for (name, _), value in zip(params, args):
            recorded[name] = value
        for name, p in params:
            if name not in recorded and not name.startswith("_"):
                recorded[name] = kwargs.get(name, p.default)
        ConfigMixin.register_to_config(self, **recorded)
        init(self, *args, **kwargs)

    return inner


def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
    DRAWS.append(int(torch.Size(shape).numel()))
    return torch.randn(shape, generator=generator, dtype=dtype)


def deprecate(*args, take_from=None, standard_warn=True, stacklevel=2):
    values = []
    for attribute, _version, _message in (args if isinstance(args[0], tuple) else (args,)):
        if isinstance(take_from, dict) and attribute in take_from:
            values.append(take_from.pop(attribute))
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


class BaseOutput:
    pass


class PushToHubMixin:
    pass


def install(diffusers_src):
    """Registers the stand-ins; diffusers_src is the checkout's src/diffusers folder."""
    _module("diffusers", __path__=[])
    _module("diffusers.schedulers", __path__=[os.path.join(diffusers_src, "schedulers")])
    _module("diffusers.configuration_utils", ConfigMixin=ConfigMixin, register_to_config=register_to_config,
            FrozenDict=FrozenDict)
    log = _module("diffusers.utils.logging", get_logger=_logging.getLogger)
    _module("diffusers.utils", __path__=[], BaseOutput=BaseOutput, deprecate=deprecate, logging=log,
            is_scipy_available=lambda: importlib.util.find_spec("scipy") is not None, PushToHubMixin=PushToHubMixin)
    _module("diffusers.utils.torch_utils", randn_tensor=randn_tensor)
    _module("huggingface_hub", __path__=[])
    _module("huggingface_hub.utils", validate_hf_hub_args=lambda f: f)
    _module("typing_extensions", Self=typing.Self)
