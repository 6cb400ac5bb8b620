"""`batchnorm`: Keras `BatchNormalization` over the last axis."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.shapes import batchnorm_params
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, Layer


@dataclass(frozen=True)
class BatchNorm(Layer):
    """`batchnorm` over the last axis (channels, or units after a dense layer)."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "batchnorm"
    keras_type = "BatchNormalization"
    colour = "#fff2a8"
    leaves_rank = None

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def params(self, shape):
        return batchnorm_params(shape[-1])

    def macs(self, shape, output):
        return 0

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "BatchNormalization", (), ()

    def statement(self, options=ALL_OPTIONS):
        return "batchnorm"

    def effect(self, shape, output):
        return "Normalises every value in place with its channel's mean and variance"

    def weights_text(self, shape, output):
        return f"a scale, a shift and two running statistics for each of its {shape[-1]:,} channels"

    @classmethod
    def example(cls, draw, st, shape, context):
        return "batchnorm", shape
