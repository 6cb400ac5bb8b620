"""The layer kinds, one module each, and the registry every pass dispatches through.

A kind's module owns all of its behaviour (see `base.Layer`); adding a kind is its module,
one line in `KINDS` and its keyword in the grammar. `tests/test_conformance.py` runs every
registered kind through every pass.
"""

from __future__ import annotations

from cnnspec.layers.base import (
    POINTWISE, REARRANGE, WHOLE_MAP, Layer, NeedsFeatureMap, Reading, ShapeMismatch, Sliding, missing_behaviours,
)
from cnnspec.layers.batchnorm import BatchNorm
from cnnspec.layers.conv import Conv
from cnnspec.layers.dense import Dense
from cnnspec.layers.depthwise import DepthwiseConv
from cnnspec.layers.dropout import Dropout
from cnnspec.layers.flatten import Flatten
from cnnspec.layers.global_pool import GlobalAvgPool
from cnnspec.layers.merge import Add, Concat, Multiply
from cnnspec.layers.pool import AvgPool, Pool

KINDS: tuple[type[Layer], ...] = (
    Conv, DepthwiseConv, Pool, AvgPool, GlobalAvgPool, Dense, Flatten, Dropout, BatchNorm, Add, Concat, Multiply,
)
BY_KEYWORD: dict[str, type[Layer]] = {kind.keyword: kind for kind in KINDS}

for _kind in KINDS:  # a kind registered half-taught fails on import, before any pass meets it
    if missing_behaviours(_kind):
        raise TypeError(f"layer kind {_kind.__name__} lacks {', '.join(missing_behaviours(_kind))}")

__all__ = [
    "BY_KEYWORD", "KINDS", "POINTWISE", "REARRANGE", "WHOLE_MAP", "Add", "AvgPool", "BatchNorm", "Concat", "Conv", "Dense",
    "DepthwiseConv", "Dropout", "Flatten", "GlobalAvgPool", "Layer", "Multiply", "NeedsFeatureMap", "Pool", "Reading",
    "ShapeMismatch", "Sliding", "missing_behaviours",
]
