"""`rescale S [offset O]`: Keras `Rescaling`, every value times S plus O."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, InvalidField, Span
from cnnspec.layers.text import rate_text
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, Weightless


def read_number(token) -> float:
    """A scale or offset: a decimal (`0.5`, `-1.0`) or a whole number (`2`)."""
    if "x" in token.lstrip("-"):
        raise arguments.Misuse(token, f"rescale takes one number, like rescale 0.5 or rescale 2, got '{token}'")
    return float(token)


@dataclass(frozen=True, slots=True)
class Rescale(Weightless):
    """`rescale S [offset O]`: x * S + O in place (`rescale 0.00784313725490196 offset -1.0`
    maps pixels 0..255 to -1..1, as MobileNetV3's `Rescaling(1 / 127.5, offset=-1)`)."""

    scale: float
    offset: float = 0.0
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "rescale"
    keras_type = "Rescaling"
    colour = "#ededed"
    leaves_rank = None

    def __post_init__(self):
        for name, value in (("scale", self.scale), ("offset", self.offset)):
            if not math.isfinite(value):
                raise InvalidField(name, f"rescale's {name} must be a finite number, got {value}")

    @classmethod
    def from_statement(cls, statement, is_last):
        offset = read_number(statement.args[2]) if len(statement.args) > 2 else 0.0
        return arguments.node(cls, statement, {}, scale=read_number(statement.args[0]), offset=offset,
                              span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "Rescaling", (self.scale,), (("offset", self.offset),) if self.offset else ()

    def statement(self, options=ALL_OPTIONS):
        return f"rescale {rate_text(self.scale)}" + (f" offset {rate_text(self.offset)}" if self.offset else "")

    def effect(self, shape, output):
        return f"Multiplies every value by {self.scale:g}" + (f" and adds {self.offset:g}" if self.offset else "")

    @classmethod
    def example(cls, draw, st, shape, context):
        scale = draw(st.sampled_from([1 / 255, 1 / 127.5, 0.5, 2.0, 1.0, -1.0]))
        offset = draw(st.sampled_from([0.0, 0.0, -1.0, 0.5]))
        text = f"rescale {repr(scale) if draw(st.booleans()) or not scale.is_integer() else int(scale)}"
        return text + (f" offset {offset!r}" if offset or draw(st.integers(0, 3)) == 0 else ""), shape
