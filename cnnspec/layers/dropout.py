"""`dropout P`: Keras `Dropout`, 0 <= P < 1."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, InvalidField, Span
from cnnspec.layers.text import rate_text
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, Weightless
from cnnspec.layers.keras_args import SEED


@dataclass(frozen=True, slots=True)
class Dropout(Weightless):
    """`dropout P`, 0 <= P < 1."""

    rate: float
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "dropout"
    keras_type = "Dropout"
    colour = "#e2d2f0"
    leaves_rank = None

    def __post_init__(self):
        if not 0 <= self.rate < 1:
            raise InvalidField("rate", f"dropout rate must be in [0, 1), got {self.rate:g}")

    @classmethod
    def from_statement(cls, statement, is_last):
        size = statement.args[0]
        if "x" in size:
            raise arguments.Misuse(size, f"dropout takes one rate in [0, 1), got '{size}'")
        return arguments.node(cls, statement, {}, rate=float(size), span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        # The report used no dropout; seeding its masks too keeps a whole run repeatable.
        return "Dropout", (self.rate,), (("seed", SEED),)

    def statement(self, options=ALL_OPTIONS):
        return f"dropout {rate_text(self.rate)}"

    def effect(self, shape, output):
        return "Zeroes random values in place while training (none when testing)"

    @classmethod
    def example(cls, draw, st, shape, context):
        rate = draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9]))
        style = draw(st.integers(0, 2))
        # The rate in one of the spellings the grammar accepts (a '.', an exponent or a whole 0).
        if rate == 0:
            text = ("0", "0.0", ".0")[style]
        else:
            text = (f"{rate:.2f}", f"{rate:.2f}".lstrip("0"), f"{rate * 100:.0f}.0e-2")[style]
        return f"dropout {text}", shape
