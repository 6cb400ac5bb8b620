"""The layer kinds, one module each, and the registry every pass dispatches through.

A kind's module owns all of its behaviour (see `base.Layer`); adding a kind is its module,
one line in `KINDS` and its keyword in the grammar. `tests/test_conformance.py` runs every
registered kind through every pass.
"""

from __future__ import annotations

from .activation import Activation, ReLU, ReLU6
from .base import (
    POINTWISE, REARRANGE, REGRID, SPREAD, WHOLE_MAP, Layer, NeedsFeatureMap, Padded, Reading, ShapeMismatch, Sliding,
    missing_behaviours,
)
from .batchnorm import BatchNorm
from .conv import Conv
from .deconv import Deconv
from .dense import Dense, Pointwise
from .depthwise import DepthwiseConv
from .dropout import Dropout
from .flatten import Flatten
from .global_pool import GlobalAvgPool, GlobalMaxPool
from .normalization import LayerNorm, Normalize
from .pad import ZeroPad
from .pool import AvgPool, Pool
from .rescale import Rescale
from .reshape import Reshape
from .separable import SeparableConv
from .upsample import UpSample

KINDS: tuple[type[Layer], ...] = (
    Conv, DepthwiseConv, SeparableConv, Deconv, Pool, AvgPool, GlobalAvgPool, GlobalMaxPool, Dense, Pointwise, Flatten,
    Dropout, BatchNorm, LayerNorm, Normalize, ZeroPad, ReLU, ReLU6, Activation, Reshape, Rescale, UpSample,
)
BY_KEYWORD: dict[str, type[Layer]] = {kind.keyword: kind for kind in KINDS}

for _kind in KINDS:  # a kind registered half-taught fails on import, before any pass meets it
    if missing_behaviours(_kind):
        raise TypeError(f"layer kind {_kind.__name__} lacks {', '.join(missing_behaviours(_kind))}")

__all__ = [
    "BY_KEYWORD", "KINDS", "POINTWISE", "REARRANGE", "REGRID", "SPREAD", "WHOLE_MAP", "Activation", "AvgPool",
    "BatchNorm", "Conv", "Deconv", "Dense", "DepthwiseConv", "Dropout", "Flatten", "GlobalAvgPool", "GlobalMaxPool",
    "Layer", "LayerNorm", "NeedsFeatureMap", "Normalize", "Padded", "Pointwise", "Pool", "ReLU", "ReLU6", "Reading",
    "Rescale", "Reshape", "SeparableConv", "ShapeMismatch", "Sliding", "UpSample", "ZeroPad", "missing_behaviours",
]
