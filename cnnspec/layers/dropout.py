"""`dropout P [persample]`: Keras `Dropout`, 0 <= P < 1; `persample` drops a sample's whole map."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, InvalidField, Span
from cnnspec.layers.text import rate_text
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, ShapeMismatch, Weightless
from cnnspec.layers.keras_args import SEED
from cnnspec.layers.shapes import size_text

# One draw per sample, broadcast over its rows, columns and channels: stochastic depth, as
# EfficientNet drops a residual block's branch (`Dropout(rate, noise_shape=(None, 1, 1, 1))`).
PER_SAMPLE_NOISE = (None, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Dropout(Weightless):
    """`dropout P`, 0 <= P < 1; `persample` zeroes whole samples' maps rather than values."""

    rate: float
    persample: bool = False
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
        found = arguments.options(statement, ("persample",))
        return arguments.node(cls, statement, found, rate=float(size), persample="persample" in found,
                              span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        if self.persample and len(shape) != 3:
            # Keras's noise shape has the input's rank; the one written here is a map's.
            raise ShapeMismatch(f"dropout persample drops each sample's whole HxWxC map, but gets a vector of "
                                f"{size_text(shape)}; write dropout {rate_text(self.rate)} there")
        return shape

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        # The report used no dropout; seeding its masks too keeps a whole run repeatable.
        noise = (("noise_shape", PER_SAMPLE_NOISE),) if self.persample else ()
        return "Dropout", (self.rate,), (*noise, ("seed", SEED))

    def statement(self, options=ALL_OPTIONS):
        return f"dropout {rate_text(self.rate)}" + (" persample" if self.persample else "")

    def effect(self, shape, output):
        if self.persample:
            return ("Zeroes whole samples' maps at random while training, as stochastic depth drops a residual "
                    "branch (none when testing)")
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
        persample = len(shape) == 3 and draw(st.booleans())
        return f"dropout {text}" + (" persample" if persample else ""), shape
