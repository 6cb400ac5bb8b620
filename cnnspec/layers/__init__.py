"""The layer kinds, one module each, and the registry every pass dispatches through.

A kind's module owns all of its behaviour (see `base.Layer`); adding a kind is its module,
one line in `REGISTRY` and its keyword in the grammar. `tests/test_conformance.py` runs
every registered kind through every pass.

A kind's module is imported when a spec first names its keyword (or when `KINDS`, or
the class by name, is asked for), so `cnnspec check` pays only for the kinds its specs
use: each module costs about half a millisecond of start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping

from cnnspec.layers.base import (
    POINTWISE, REARRANGE, REGRID, SPREAD, WHOLE_MAP, Layer, NeedsFeatureMap, Padded, Reading, ShapeMismatch, Sliding,
    missing_behaviours,
)

# keyword -> (module, class), in the order passes and strategies list the kinds.
REGISTRY: dict[str, tuple[str, str]] = {
    "conv": ("conv", "Conv"),
    "depthwise": ("depthwise", "DepthwiseConv"),
    "separable": ("separable", "SeparableConv"),
    "deconv": ("deconv", "Deconv"),
    "pool": ("pool", "Pool"),
    "avgpool": ("pool", "AvgPool"),
    "gap": ("global_pool", "GlobalAvgPool"),
    "gmp": ("global_pool", "GlobalMaxPool"),
    "dense": ("dense", "Dense"),
    "pointwise": ("dense", "Pointwise"),
    "flatten": ("flatten", "Flatten"),
    "dropout": ("dropout", "Dropout"),
    "batchnorm": ("batchnorm", "BatchNorm"),
    "layernorm": ("normalization", "LayerNorm"),
    "normalize": ("normalization", "Normalize"),
    "pad": ("pad", "ZeroPad"),
    "relu": ("activation", "ReLU"),
    "relu6": ("activation", "ReLU6"),
    "activation": ("activation", "Activation"),
    "reshape": ("reshape", "Reshape"),
    "rescale": ("rescale", "Rescale"),
    "upsample": ("upsample", "UpSample"),
    "add": ("merge", "Add"),
    "concat": ("merge", "Concat"),
    "multiply": ("merge", "Multiply"),
}
_MODULE_OF_CLASS = {name: module for module, name in REGISTRY.values()}


def _load(module: str, name: str) -> type[Layer]:
    kind = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    if missing_behaviours(kind):  # a kind registered half-taught fails when loaded, before any pass meets it
        raise TypeError(f"layer kind {kind.__name__} lacks {', '.join(missing_behaviours(kind))}")
    return kind


class _Registry(MutableMapping):
    """keyword -> kind, each kind's module imported on first use; unknown keywords: KeyError."""

    def __init__(self, modules: dict[str, tuple[str, str]]):
        self._modules, self._kinds = modules, {}

    def __getitem__(self, keyword: str) -> type[Layer]:
        kind = self._kinds.get(keyword)
        if kind is None:
            kind = self._kinds[keyword] = _load(*self._modules[keyword])
        return kind

    def __setitem__(self, keyword: str, kind: type[Layer]) -> None:  # tests swap a kind in
        self._kinds[keyword] = kind

    def __delitem__(self, keyword: str) -> None:
        del self._kinds[keyword]

    def __iter__(self):
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


BY_KEYWORD: MutableMapping[str, type[Layer]] = _Registry(REGISTRY)


def __getattr__(name: str):
    """`KINDS` (every kind, loading them all) and each kind's class by name, on first use."""
    if name == "KINDS":
        value = tuple(BY_KEYWORD[keyword] for keyword in REGISTRY)
    elif name in _MODULE_OF_CLASS:
        value = _load(_MODULE_OF_CLASS[name], name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "BY_KEYWORD", "KINDS", "POINTWISE", "REARRANGE", "REGISTRY", "REGRID", "SPREAD", "WHOLE_MAP", "Layer",
    "NeedsFeatureMap", "Padded", "Reading", "ShapeMismatch", "Sliding", "missing_behaviours", *_MODULE_OF_CLASS,
]
