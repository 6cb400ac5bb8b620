"""`flatten`: Keras `Flatten`; cnnspec also inserts one before a dense layer on a map."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, REARRANGE, Weightless


@dataclass(frozen=True, slots=True)
class Flatten(Weightless):
    """`flatten`; `implicit` marks one cnnspec inserted before a dense layer."""

    implicit: bool = field(default=False, compare=False)
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "flatten"
    keras_type = "Flatten"
    colour = "#d9d9d9"
    leaves_rank = 1

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return (math.prod(shape),)

    def reading(self):
        return REARRANGE

    def keras_call(self, is_output):
        return "Flatten", (), ()

    def statement(self, options=ALL_OPTIONS):
        return "flatten"

    def effect(self, shape, output):
        return (f"Lays the {size_text(shape)} map out as {output[0]:,} values, row by row; "
                "each value keeps its receptive field")

    @classmethod
    def example(cls, draw, st, shape, context):
        return "flatten", (math.prod(shape),)
