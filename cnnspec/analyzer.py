"""Spec -> Analysis: every layer's output shape, parameters and MACs, as Keras would count them.

Collect, total, render are separate steps (as in torchinfo): this module only collects
per-layer records and totals them; renderers live in `cnnspec.render`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import SpecShapeError
from .ir import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Layer, Pool, Spec
from .shapes import batchnorm_params, conv_output_size, conv_params, dense_params, size_text

KERAS_TYPES = {
    Conv: "Conv2D",
    Pool: "MaxPooling2D",
    AvgPool: "AveragePooling2D",
    Dense: "Dense",
    Flatten: "Flatten",
    Dropout: "Dropout",
    BatchNorm: "BatchNormalization",
}


def keras_base_name(keras_type: str) -> str:
    """The name Keras derives from a layer class (its first instance's name).

    >>> keras_base_name("MaxPooling2D"), keras_base_name("BatchNormalization")
    ('max_pooling2d', 'batch_normalization')
    """
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", keras_type)).lower()


_BASE_NAMES = {cls: keras_base_name(kind) for cls, kind in KERAS_TYPES.items()}


@dataclass(frozen=True)
class LayerRow:
    """One layer as `model.summary()` shows it, plus what cnnspec adds (MACs, source line)."""

    name: str
    type: str
    layer: Layer
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    trainable_params: int
    non_trainable_params: int
    macs: int

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def line(self) -> int:
        return self.layer.span.line

    @property
    def activations(self) -> int:
        """Output values for one sample."""
        return math.prod(self.output_shape)


@dataclass(frozen=True)
class Analysis:
    spec: Spec
    rows: tuple[LayerRow, ...]

    @property
    def trainable_params(self) -> int:
        return sum(row.trainable_params for row in self.rows)

    @property
    def non_trainable_params(self) -> int:
        return sum(row.non_trainable_params for row in self.rows)

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self.rows)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.rows[-1].output_shape if self.rows else self.spec.input_shape


class _ShapeMismatch(Exception):
    pass


def _spatial(layer: Layer, shape: tuple[int, ...], previous: LayerRow | None) -> tuple[int, int, int]:
    if len(shape) == 3:
        return shape
    where = f"the output of {previous.name} on line {previous.line}" if previous else "the input"
    word = "conv" if isinstance(layer, Conv) else ("avgpool" if isinstance(layer, AvgPool) else "pool")
    raise _ShapeMismatch(
        f"{word} needs a feature map HxWxC, but {where} is the vector ({shape[0]},); "
        "put convolutions and pooling before flatten and dense layers"
    )


def _window_output(layer: Conv | Pool, height: int, width: int) -> tuple[int, int]:
    window = layer.kernel if isinstance(layer, Conv) else layer.window
    out = (
        conv_output_size(height, window[0], layer.strides[0], layer.padding),
        conv_output_size(width, window[1], layer.strides[1], layer.padding),
    )
    if 0 in out:
        what = "kernel" if isinstance(layer, Conv) else "pool window"
        raise _ShapeMismatch(
            f"the {size_text(window)} {what} does not fit its {height}x{width} input with "
            f"'valid' padding (the output would be {size_text(out)}); use a smaller window, "
            "'same' padding, or fewer size-reducing layers before it"
        )
    return out


def _row(layer: Layer, shape: tuple[int, ...], previous: LayerRow | None, name: str) -> LayerRow:
    kind = KERAS_TYPES[type(layer)]
    trainable = non_trainable = macs = 0
    if isinstance(layer, (Conv, Pool)):
        height, width, channels = _spatial(layer, shape, previous)
        out_h, out_w = _window_output(layer, height, width)
        if isinstance(layer, Conv):
            out = (out_h, out_w, layer.filters)
            trainable = conv_params(layer.kernel, channels, layer.filters)
            macs = out_h * out_w * layer.filters * layer.kernel[0] * layer.kernel[1] * channels
        else:
            out = (out_h, out_w, channels)
    elif isinstance(layer, Dense):
        if len(shape) != 1:
            raise _ShapeMismatch(f"dense needs a vector; flatten the {size_text(shape)} input first")
        out = (layer.units,)
        trainable = dense_params(shape[0], layer.units)
        macs = shape[0] * layer.units
    elif isinstance(layer, Flatten):
        out = (math.prod(shape),)
    elif isinstance(layer, BatchNorm):
        out = shape
        trainable, non_trainable = batchnorm_params(shape[-1])
    else:
        out = shape
    return LayerRow(name, kind, layer, shape, out, trainable, non_trainable, macs)


def analyze(spec: Spec) -> Analysis:
    """Per-layer output shapes, parameters and MACs; a `SpecShapeError` where sizes don't fit.

    Layer names follow Keras's per-class counters in a fresh session (conv2d, conv2d_1, ...).
    """
    rows: list[LayerRow] = []
    counts: dict[str, int] = {}
    shape = spec.input_shape
    for layer in spec.layers:
        base = _BASE_NAMES[type(layer)]
        index = counts.get(base, 0)
        counts[base] = index + 1
        name = base if index == 0 else f"{base}_{index}"
        try:
            row = _row(layer, shape, rows[-1] if rows else None, name)
        except _ShapeMismatch as mismatch:
            raise SpecShapeError(spec.diagnostic(str(mismatch), layer.span)) from None
        rows.append(row)
        shape = row.output_shape
    return Analysis(spec, tuple(rows))
