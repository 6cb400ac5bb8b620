"""`upsample N[xM]`: Keras `UpSampling2D`, each pixel repeated N times down and M across."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span, require_positive
from cnnspec.layers.shapes import size_text
from cnnspec.layers.text import pair_text
from cnnspec.layers.base import ALL_OPTIONS, SPREAD, Weightless, feature_map


def upsampled_size(size: int, factor: int) -> int:
    """An axis after nearest-neighbour upsampling: every pixel `factor` times.

    >>> upsampled_size(7, 2), upsampled_size(7, 1)
    (14, 7)
    """
    return size * factor


@dataclass(frozen=True, slots=True)
class UpSample(Weightless):
    """`upsample N` or `upsample NxM` (rows x columns), nearest neighbour as Keras's default."""

    factors: tuple[int, int]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "upsample"
    keras_type = "UpSampling2D"
    colour = "#deebf7"
    leaves_rank = 3

    def __post_init__(self):
        require_positive("factors", "upsampling factor", self.factors)

    @classmethod
    def from_statement(cls, statement, is_last):
        factors = arguments.pair(arguments.numbers(
            statement.args[0], (1, 2), "upsample takes a factor N or NxM (rows x columns), like upsample 2"
        ))
        return arguments.node(cls, statement, {}, factors=factors, span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        height, width, channels = feature_map(self, shape)
        return upsampled_size(height, self.factors[0]), upsampled_size(width, self.factors[1]), channels

    def reading(self):
        return SPREAD

    def keras_call(self, is_output):
        return "UpSampling2D", (self.factors,), ()

    def statement(self, options=ALL_OPTIONS):
        return f"upsample {pair_text(self.factors)}"

    def effect(self, shape, output):
        return (f"Repeats each pixel {size_text(self.factors)} times: {size_text(shape[:2])} becomes "
                f"{size_text(output[:2])}")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        most = 2 if max(shape[:2]) <= 16 else 1  # keeps the maps the differential tests build small
        rows, cols = draw(st.integers(1, most)), draw(st.integers(1, most))
        text = str(rows) if rows == cols and draw(st.booleans()) else f"{rows}x{cols}"
        return f"upsample {text}", (shape[0] * rows, shape[1] * cols, shape[2])
