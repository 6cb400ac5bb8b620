"""Spec -> Analysis: every layer's output shape, parameters and MACs, as Keras would count them.

Collect, total, render are separate steps (as in torchinfo): this module only collects
per-layer records and totals them; renderers live in `cnnspec.render`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cnnspec.errors import SpecShapeError
from cnnspec.layers.spec import Spec
from cnnspec.layers import Layer, NeedsFeatureMap, ShapeMismatch


def keras_base_name(keras_type: str) -> str:
    """The name Keras derives from a layer class (its first instance's name).

    >>> keras_base_name("MaxPooling2D"), keras_base_name("BatchNormalization")
    ('max_pooling2d', 'batch_normalization')
    """
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", keras_type)).lower()


_BASE_NAMES: dict[type, str] = {}  # kind -> its Keras base name: a lookup per layer, not a regex


INPUT_NAME = "input_layer"  # what Keras calls the model's input in a fresh session


@dataclass(frozen=True, slots=True)
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
    # The names of the rows it reads (INPUT_NAME: the input): a graph's rows (`GraphRow`)
    # list them; a chain's read the row before (`Analysis.inputs_of` answers for both).
    inputs = ()  # a class attribute, no field: no annotation (and typing stays unloaded)

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


@dataclass(frozen=True, slots=True)
class GraphRow(LayerRow):
    """A row of a graph: a `LayerRow` that names the rows it reads (a field only here, so
    a chain's rows cost nothing more)."""

    inputs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """A spec and its layers' records, in order; totals are summed when asked."""

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

    def inputs_of(self, index: int) -> tuple[str, ...]:
        """The names of the rows row `index` reads (INPUT_NAME: the network's input)."""
        row = self.rows[index]
        return row.inputs or ((self.rows[index - 1].name if index else INPUT_NAME),)


def _row(layer: Layer, shape: tuple[int, ...], previous: LayerRow | None, name: str) -> LayerRow:
    try:
        out = layer.output_shape(shape)
    except NeedsFeatureMap as needs:
        where = f"the output of {previous.name} on line {previous.line}" if previous else "the input"
        raise ShapeMismatch(
            f"{needs.keyword} needs a feature map HxWxC, but {where} is the vector ({shape[0]},); "
            "put convolutions and pooling before flatten and dense layers"
        ) from None
    trainable, non_trainable = layer.params(shape)
    return LayerRow(name, layer.keras_type, layer, shape, out, trainable, non_trainable, layer.macs(shape, out))


def layer_name(layer: Layer, counts: dict[str, int]) -> str:
    """The next Keras name for `layer`'s class, counted in `counts`."""
    base = _BASE_NAMES.get(type(layer)) or keras_base_name(layer.keras_type)
    index = counts.get(base, 0)
    counts[base] = index + 1
    return base if index == 0 else f"{base}_{index}"


def analyze(spec: Spec) -> Analysis:
    """Per-layer output shapes, parameters and MACs; a `SpecShapeError` where sizes don't fit.

    Layer names follow Keras's per-class counters in a fresh session (conv2d, conv2d_1, ...).
    """
    if spec.inputs:
        return Analysis(spec, graph_rows(spec, layer_name))
    rows: list[LayerRow] = []
    counts: dict[str, int] = {}
    shape = spec.input_shape
    for layer in spec.layers:
        base = _BASE_NAMES.get(type(layer))
        if base is None:
            base = _BASE_NAMES[type(layer)] = keras_base_name(layer.keras_type)
        index = counts.get(base, 0)
        counts[base] = index + 1
        name = base if index == 0 else f"{base}_{index}"
        try:
            row = _row(layer, shape, rows[-1] if rows else None, name)
        except ShapeMismatch as mismatch:
            raise SpecShapeError(spec.diagnostic(str(mismatch), layer.span)) from None
        rows.append(row)
        shape = row.output_shape
    return Analysis(spec, tuple(rows))


def graph_rows(spec: Spec, layer_name) -> tuple[LayerRow, ...]:
    """A graph's rows: each layer on the shapes of the layers it reads, in the spec's
    (topological) order, listing the names of the rows it reads. A merge's input shape is
    its first input's; its kind checks them all, and the error says where each came from."""
    rows: list[LayerRow] = []
    counts: dict[str, int] = {}
    for index, layer in enumerate(spec.layers):
        read = spec.inputs[index]
        sources = [rows[i] if i >= 0 else None for i in read]
        shapes = tuple(row.output_shape if row else spec.input_shape for row in sources)
        try:
            if layer.merges:
                out = layer.output_shape(shapes)
                trainable, non_trainable = layer.params(shapes)
                macs = layer.macs(shapes, out)
            else:
                out = layer.output_shape(shapes[0])
                trainable, non_trainable = layer.params(shapes[0])
                macs = layer.macs(shapes[0], out)
        except NeedsFeatureMap as needs:
            where = f"the output of line {sources[0].line}" if sources[0] else "the input"
            raise SpecShapeError(spec.diagnostic(
                f"{needs.keyword} needs a feature map HxWxC, but {where} is the vector ({shapes[0][0]},)", layer.span,
            )) from None
        except ShapeMismatch as mismatch:
            message = str(mismatch)
            if layer.merges:
                message += " (from " + " and from ".join(_origin(spec, i, row) for i, row in zip(read, sources)) + ")"
            raise SpecShapeError(spec.diagnostic(message, layer.span)) from None
        name = layer_name(layer, counts)
        inputs = tuple(row.name if row else INPUT_NAME for row in sources)
        rows.append(GraphRow(name, layer.keras_type, layer, shapes[0], out, trainable, non_trainable, macs, inputs))
    return tuple(rows)


def _origin(spec, index: int, row) -> str:
    if row is None:
        return "the input"
    label = spec.labels[index] if spec.labels else None
    if label and spec.calls:  # a name a block call made unique: the name as written, and the call
        from cnnspec.layers.provenance import Written

        label = Written(spec).name(label)
    return f"'{label}' on line {row.line}" if label else f"line {row.line}"
