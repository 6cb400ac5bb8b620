"""`dense N [activation] [nobias]` and `pointwise N ...`: Keras `Dense`, after a flatten or per pixel."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_positive
from cnnspec.layers.shapes import dense_params
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, WHOLE_MAP, Layer, vector
from cnnspec.layers.keras_args import SEEDED_WEIGHTS


@dataclass(frozen=True, slots=True)
class Dense(Layer):
    """Fully connected layer, `dense N [activation] [nobias]`: sigmoid when hidden, softmax
    when last (the report's setup); `nobias` drops the biases (`use_bias=False`)."""

    units: int
    activation: str
    use_bias: bool = True
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "dense"
    keras_type = "Dense"
    colour = "#a9d18e"
    leaves_rank = 1
    # Keras's Dense acts on the last axis only; the report (and every user) meant a
    # flatten first, so the builder inserts the Flatten row Keras would then show.
    needs_vector = True

    def __post_init__(self):
        require_positive("units", "number of units", (self.units,))
        require_activation(self.activation)

    @classmethod
    def from_statement(cls, statement, is_last):
        (units,) = arguments.numbers(statement.args[0], (1,), "dense takes one number of units, like dense 128")
        found = arguments.options(statement, ("activation", "bias"))
        default = "softmax" if is_last else "sigmoid"
        return arguments.node(cls, statement, found, units=units, activation=str(found.get("activation", default)),
                              use_bias=arguments.switch(found, "bias"), span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        vector(self, shape)
        return (self.units,)

    def params(self, shape):
        return dense_params(shape[-1], self.units, self.use_bias), 0

    def macs(self, shape, output):
        return shape[0] * self.units

    def reading(self):
        return WHOLE_MAP

    def keras_call(self, is_output):
        # The output layer keeps Keras's default initialisers, as the report's code did.
        return "Dense", (self.units,), (
            ("activation", self.activation), *(() if self.use_bias else (("use_bias", False),)),
            *(() if is_output else SEEDED_WEIGHTS),
        )

    def statement(self, options=ALL_OPTIONS):
        words = [self.keyword, str(self.units)] + ([self.activation] if "activation" in options else [])
        return " ".join(words + ([] if self.use_bias else ["nobias"]))

    def effect(self, shape, output):
        return "Each unit reads every value of the flattened map"

    def weights_text(self, shape, output):
        inputs = shape[-1]
        return (f"its {inputs:,} input{'s' * (inputs != 1)} times {output[-1]:,} units; pooling or "
                "striding more before it shrinks that input")

    @classmethod
    def example(cls, draw, st, shape, context):
        units = draw(st.integers(1, 8)) if draw(st.booleans()) else draw(st.sampled_from([1, 2, 5, 10]))
        activation = draw(st.one_of(st.none(), st.sampled_from(ACTIVATIONS)))
        options = [activation] if activation else []
        if draw(st.integers(0, 3)) == 0:
            options.append(draw(st.sampled_from(["nobias", "bias"])))
        return " ".join([f"{cls.keyword} {units}", *draw(st.permutations(options))]), cls._example_output(shape, units)

    @staticmethod
    def _example_output(shape, units):
        return (units,)


@dataclass(frozen=True, slots=True)
class Pointwise(Dense):
    """`pointwise N [activation] [nobias]`: Keras `Dense` on the last axis of whatever it is
    given, so on an HxWxC map each pixel's C channels become N (a 1x1 convolution by another
    name) and no flatten is inserted; on a vector it is `dense`. Defaults as `dense`."""

    keyword = "pointwise"
    colour = "#c5e0b4"
    leaves_rank = None
    needs_vector = False

    def output_shape(self, shape):
        return (*shape[:-1], self.units)

    def macs(self, shape, output):
        return math.prod(shape) * self.units

    def reading(self):
        return POINTWISE

    def effect(self, shape, output):
        where = "at its own pixel" if len(shape) == 3 else "of its input"
        return f"Each of the {self.units:,} units reads the {shape[-1]:,} values {where}, with the same weights everywhere"

    def weights_text(self, shape, output):
        return (f"its {shape[-1]:,} input channels times {self.units:,} units, shared by every pixel; "
                "fewer units or channels shrink it")

    @staticmethod
    def _example_output(shape, units):
        return (*shape[:-1], units)
