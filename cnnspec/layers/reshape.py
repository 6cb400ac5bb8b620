"""`reshape AxBxC` or `reshape N`: Keras `Reshape`, the same values on a new grid."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span, require_positive
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, REARRANGE, REGRID, ShapeMismatch, Weightless


@dataclass(frozen=True, slots=True)
class Reshape(Weightless):
    """`reshape`: the input's values, in order, laid out as `target` (HxWxC or N)."""

    target: tuple[int, ...]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "reshape"
    keras_type = "Reshape"
    colour = "#d9d9d9"
    leaves_rank = 3

    def __post_init__(self):
        require_positive("target", "reshape size", self.target)

    def rank_left(self):
        return len(self.target)

    @classmethod
    def from_statement(cls, statement, is_last):
        target = arguments.numbers(statement.args[0], (1, 3), "reshape takes HxWxC (or N for a vector), like reshape 7x7x16")
        return arguments.node(cls, statement, {}, target=target, span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        if math.prod(shape) != math.prod(self.target):
            raise ShapeMismatch(
                f"reshape keeps every value, so the sizes must hold as many: {size_text(self.target)} holds "
                f"{math.prod(self.target):,} but its {size_text(shape)} input holds {math.prod(shape):,}"
            )
        return self.target

    def reading(self):
        # To a vector it is a flatten; onto a new grid, an output's place is no place of the input.
        return REARRANGE if len(self.target) == 1 else REGRID

    def keras_call(self, is_output):
        return "Reshape", (self.target,), ()

    def statement(self, options=ALL_OPTIONS):
        return f"reshape {size_text(self.target)}"

    def effect(self, shape, output):
        return f"Lays the {math.prod(shape):,} values of the {size_text(shape)} input out as {size_text(output)}, in order"

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        height, width, channels = shape
        target = draw(st.sampled_from([(width, height, channels), (height * width, 1, channels), (1, 1, height * width * channels), shape]))
        return f"reshape {size_text(target)}", target
