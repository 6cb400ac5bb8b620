"""`normalize` and `layernorm`: Keras `Normalization` and `LayerNormalization` over the last axis."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, WEIGHT_BYTES, Layer

COUNT_BYTES = 8  # Keras keeps the count of samples `adapt` saw as an int64


def normalization_params(channels: int) -> tuple[int, int]:
    """(trainable, non-trainable) of Keras `Normalization(axis=-1)`: a mean and a variance per
    channel, and the count of samples `adapt` saw; none of them learns.

    >>> normalization_params(3)
    (0, 7)
    """
    return 0, 2 * channels + 1


def layernorm_params(channels: int) -> tuple[int, int]:
    """(trainable, non-trainable) of `LayerNormalization(axis=-1)`: a scale and a shift per channel.

    >>> layernorm_params(64)
    (128, 0)
    """
    return 2 * channels, 0


@dataclass(frozen=True, slots=True)
class Normalize(Layer):
    """`normalize`: (x - mean) / sqrt(variance) per channel, with statistics `adapt` sets from
    data (EfficientNet's input layer); until then mean 0 and variance 1."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "normalize"
    keras_type = "Normalization"
    colour = "#fff9d6"
    leaves_rank = None

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def params(self, shape):
        return normalization_params(shape[-1])

    def weight_bytes(self, shape):
        return 0, WEIGHT_BYTES * 2 * shape[-1] + COUNT_BYTES

    def macs(self, shape, output):
        return 0

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "Normalization", (), (("axis", -1),)

    def statement(self, options=ALL_OPTIONS):
        return "normalize"

    def effect(self, shape, output):
        return "Standardises every value in place with its channel's mean and variance, fixed from the data"

    def weights_text(self, shape, output):
        return f"a mean and a variance for each of its {shape[-1]:,} channels, and a count"

    @classmethod
    def example(cls, draw, st, shape, context):
        return "normalize", shape


@dataclass(frozen=True, slots=True)
class LayerNorm(Layer):
    """`layernorm`: each position's values normalised across the last axis, then scaled and shifted."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "layernorm"
    keras_type = "LayerNormalization"
    colour = "#fff2a8"
    leaves_rank = None

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def params(self, shape):
        return layernorm_params(shape[-1])

    def macs(self, shape, output):
        return 0

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "LayerNormalization", (), (("axis", -1),)

    def statement(self, options=ALL_OPTIONS):
        return "layernorm"

    def effect(self, shape, output):
        where = "at each position" if len(shape) == 3 else "of the vector"
        return f"Normalises the {shape[-1]:,} values {where} by their own mean and variance, then scales and shifts them"

    def weights_text(self, shape, output):
        return f"a scale and a shift for each of its {shape[-1]:,} channels"

    @classmethod
    def example(cls, draw, st, shape, context):
        return "layernorm", shape
