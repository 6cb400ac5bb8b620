"""`relu`, `relu6` and `activation NAME`: Keras `ReLU` and `Activation` as layers of their own.

Networks that put a batchnorm between a convolution and its non-linearity (ResNet,
MobileNet, EfficientNet) write `conv ... linear nobias | batchnorm | relu6`. `relu` and
`relu6` are also activation names (`conv 3x3x8 relu6`); as a statement each is a layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, Weightless


@dataclass(frozen=True, slots=True)
class ReLU(Weightless):
    """`relu`: Keras `ReLU()`, max(x, 0) in place."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "relu"
    keras_type = "ReLU"
    colour = "#fbe5d6"
    leaves_rank = None
    max_value = None

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "ReLU", (), (("max_value", self.max_value),) if self.max_value is not None else ()

    def statement(self, options=ALL_OPTIONS):
        return self.keyword

    def effect(self, shape, output):
        capped = f", capped at {self.max_value:g}" if self.max_value is not None else ""
        return f"Keeps each positive value and zeroes the rest{capped}, in place"

    @classmethod
    def example(cls, draw, st, shape, context):
        return cls.keyword, shape


@dataclass(frozen=True, slots=True)
class ReLU6(ReLU):
    """`relu6`: Keras `ReLU(max_value=6.0)`, as MobileNetV2 writes it."""

    keyword = "relu6"
    max_value = 6.0


@dataclass(frozen=True, slots=True)
class Activation(Weightless):
    """`activation NAME`: Keras `Activation(NAME)`, any of the activation names."""

    function: str
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "activation"
    keras_type = "Activation"
    colour = "#fbe5d6"
    leaves_rank = None

    def __post_init__(self):
        require_activation(self.function)

    @classmethod
    def from_statement(cls, statement, is_last):
        name = statement.args[0]  # an unknown name is blamed on itself, with the nearest known one
        return arguments.node(cls, statement, {"activation": name}, function=str(name), span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "Activation", (self.function,), ()

    def statement(self, options=ALL_OPTIONS):
        return f"activation {self.function}"

    def effect(self, shape, output):
        return f"Applies {self.function} to every value in place"

    @classmethod
    def example(cls, draw, st, shape, context):
        return f"activation {draw(st.sampled_from(ACTIVATIONS))}", shape
