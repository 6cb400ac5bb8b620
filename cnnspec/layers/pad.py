"""`pad N`, `pad NxM`, `pad T,BxL,R`: Keras `ZeroPadding2D`, zeros around the map.

Each axis is one number (that many zeros on both sides) or `before,after`; one axis
given stands for both. So `pad 1` is ((1, 1), (1, 1)), `pad 1x2` is ((1, 1), (2, 2)) and
`pad 0,1` is ((0, 1), (0, 1)), the zeros below and right that MobileNetV2 and
EfficientNet put before a stride-2 `valid` convolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, InvalidField, Span
from cnnspec.layers.shapes import padded_size, size_text
from cnnspec.layers.base import ALL_OPTIONS, Padded, Weightless, feature_map

USAGE = "pad takes zeros per side as rows x columns, each N or before,after, like pad 1, pad 1x2 or pad 0,1x0,1"


def sides_text(pads: tuple[tuple[int, int], tuple[int, int]]) -> str:
    """The shortest text for ((top, bottom), (left, right)).

    >>> sides_text(((1, 1), (1, 1))), sides_text(((1, 1), (2, 2))), sides_text(((0, 1), (0, 1))), sides_text(((3, 3), (0, 1)))
    ('1', '1x2', '0,1', '3x0,1')
    """
    axes = [str(a) if a == b else f"{a},{b}" for a, b in pads]
    return axes[0] if axes[0] == axes[1] else "x".join(axes)


def read_sides(token) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) from `N`, `NxM`, `A,B` or `A,BxC,D`."""
    axes = token.split("x")
    if len(axes) > 2 or any(len(axis.split(",")) > 2 for axis in axes):
        raise arguments.Misuse(token, f"{USAGE}, got '{token}'")
    pairs = []
    for axis in axes:
        values = arguments.numbers(type(token)(token.type, axis.replace(",", "x"), token.line, token.column), (1, 2), USAGE)
        pairs.append((values[0], values[-1]))
    return (pairs[0], pairs[-1])


@dataclass(frozen=True, slots=True)
class ZeroPad(Weightless):
    """`pad`: zero rows above and below, zero columns left and right."""

    pads: tuple[tuple[int, int], tuple[int, int]]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "pad"
    keras_type = "ZeroPadding2D"
    colour = "#e7e6e6"
    leaves_rank = 3

    def __post_init__(self):
        for value in (*self.pads[0], *self.pads[1]):
            if value < 0:
                raise InvalidField("pads", f"padding adds zeros, so each side must be 0 or more, got {value}")

    @classmethod
    def from_statement(cls, statement, is_last):
        return arguments.node(cls, statement, {}, pads=read_sides(statement.args[0]), span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        height, width, channels = feature_map(self, shape)
        (top, bottom), (left, right) = self.pads
        return padded_size(height, top, bottom), padded_size(width, left, right), channels

    def reading(self):
        (top, bottom), (left, right) = self.pads
        return Padded((top, left), (bottom, right))

    def keras_call(self, is_output):
        return "ZeroPadding2D", (), (("padding", self.pads),)

    def statement(self, options=ALL_OPTIONS):
        return f"pad {sides_text(self.pads)}"

    def effect(self, shape, output):
        (top, bottom), (left, right) = self.pads
        return (f"Adds {top} zero row{'s' * (top != 1)} above, {bottom} below, {left} zero column{'s' * (left != 1)} "
                f"left and {right} right: {size_text(shape[:2])} becomes {size_text(output[:2])}")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        pads = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(2))
        written = [str(a) if a == b and draw(st.booleans()) else f"{a},{b}" for a, b in pads]
        text = written[0] if written[0] == written[1] and draw(st.booleans()) else "x".join(written)
        return f"pad {text}", (shape[0] + sum(pads[0]), shape[1] + sum(pads[1]), shape[2])
