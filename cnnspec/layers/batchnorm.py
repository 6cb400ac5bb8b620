"""`batchnorm [nocenter] [noscale]`: Keras `BatchNormalization` over the last axis."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.shapes import batchnorm_params
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, Layer


@dataclass(frozen=True, slots=True)
class BatchNorm(Layer):
    """`batchnorm` over the last axis (channels, or units after a dense layer).

    `nocenter` drops the learned shift (beta) and `noscale` the learned scale (gamma), as
    Keras's `center=False` / `scale=False` do (ResNet's and MobileNet's use both); the
    moving mean and variance are always kept.
    """

    center: bool = True
    scale: bool = True
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "batchnorm"
    keras_type = "BatchNormalization"
    colour = "#fff2a8"
    leaves_rank = None

    @classmethod
    def from_statement(cls, statement, is_last):
        found = arguments.options(statement, ("center", "scale"), first=0)
        return cls(center=arguments.switch(found, "center"), scale=arguments.switch(found, "scale"),
                   span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return shape

    def params(self, shape):
        return batchnorm_params(shape[-1], self.center, self.scale)

    def macs(self, shape, output):
        return 0

    def reading(self):
        return POINTWISE

    def keras_call(self, is_output):
        return "BatchNormalization", (), (("center", False),) * (not self.center) + (("scale", False),) * (not self.scale)

    def statement(self, options=ALL_OPTIONS):
        return " ".join(["batchnorm"] + ["nocenter"] * (not self.center) + ["noscale"] * (not self.scale))

    def effect(self, shape, output):
        return "Normalises every value in place with its channel's mean and variance"

    def weights_text(self, shape, output):
        parts = ["a scale"] * self.scale + ["a shift"] * self.center + ["two running statistics"]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{listed} for each of its {shape[-1]:,} channels"

    @classmethod
    def example(cls, draw, st, shape, context):
        switches = draw(st.lists(st.sampled_from(["nocenter", "noscale"]), unique=True, max_size=2))
        return " ".join(["batchnorm", *switches]), shape
