"""`dense N [activation]`: Keras `Dense`."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_positive
from cnnspec.layers.shapes import dense_params
from cnnspec.layers.base import ALL_OPTIONS, WHOLE_MAP, Layer, vector
from cnnspec.layers.keras_args import SEEDED_WEIGHTS


@dataclass(frozen=True)
class Dense(Layer):
    """Fully connected layer, `dense N [activation]`: sigmoid when hidden, softmax when last
    (the report's setup)."""

    units: int
    activation: str
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
        found = arguments.options(statement, ("activation",))
        default = "softmax" if is_last else "sigmoid"
        return arguments.node(cls, statement, found, units=units, activation=str(found.get("activation", default)),
                              span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        vector(self, shape)
        return (self.units,)

    def params(self, shape):
        return dense_params(shape[0], self.units), 0

    def macs(self, shape, output):
        return shape[0] * self.units

    def reading(self):
        return WHOLE_MAP

    def keras_call(self, is_output):
        # The output layer keeps Keras's default initialisers, as the report's code did.
        return "Dense", (self.units,), (("activation", self.activation), *(() if is_output else SEEDED_WEIGHTS))

    def statement(self, options=ALL_OPTIONS):
        return f"dense {self.units} {self.activation}" if "activation" in options else f"dense {self.units}"

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
        return f"dense {units}" + (f" {activation}" if activation else ""), (units,)
