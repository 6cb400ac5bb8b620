"""`separable KhxKwxC [mM] [sN] [same|valid] [activation] [nobias]`: Keras `SeparableConv2D`.

A depthwise convolution (each input channel its own M kernels, M the depth multiplier,
default 1) then a 1x1 convolution mixing the C*M results into C filters, in one layer
(Xception's building block).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_padding, require_positive
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, Layer, Sliding, feature_map
from cnnspec.layers.keras_args import TRUNCATED_NORMAL
from cnnspec.layers.windows import bias_call, fitted_output, window_example, window_words


def separable_params(kernel: tuple[int, int], in_channels: int, multiplier: int, filters: int, bias: bool = True) -> int:
    """Depthwise kernels, then the pointwise 1x1 weights, then one bias per filter.

    >>> separable_params((3, 3), 64, 1, 128)   # Xception's block 2: 576 + 8,192 + 128
    8896
    """
    return kernel[0] * kernel[1] * in_channels * multiplier + in_channels * multiplier * filters + filters * bias


@dataclass(frozen=True, slots=True)
class SeparableConv(Layer):
    """Depthwise-separable convolution; defaults as `conv`: stride 1, `same`, ReLU, a bias."""

    filters: int
    kernel: tuple[int, int]
    multiplier: int = 1
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    use_bias: bool = True
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "separable"
    keras_type = "SeparableConv2D"
    colour = "#9dc3e6"
    leaves_rank = 3

    def __post_init__(self):
        require_positive("kernel", "kernel size", self.kernel)
        require_positive("filters", "number of output channels", (self.filters,))
        require_positive("multiplier", "depth multiplier", (self.multiplier,))
        require_positive("strides", "stride", self.strides)
        require_padding(self.padding)
        require_activation(self.activation)

    @classmethod
    def from_statement(cls, statement, is_last):
        kh, kw, filters = arguments.numbers(
            statement.args[0], (3,), "separable takes kernel height x width x output channels, like 3x3x64"
        )
        found = arguments.options(statement, ("multiplier", "stride", "padding", "activation", "bias"))
        return arguments.node(
            cls, statement, found, filters=filters, kernel=(kh, kw), multiplier=arguments.count(found, "multiplier", 1),
            strides=arguments.stride(found, (1, 1)), padding=str(found.get("padding", "same")),
            activation=str(found.get("activation", "relu")), use_bias=arguments.switch(found, "bias"),
            span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        return (*fitted_output(self, feature_map(self, shape), "kernel"), self.filters)

    def params(self, shape):
        return separable_params(self.kernel, shape[-1], self.multiplier, self.filters, self.use_bias), 0

    def macs(self, shape, output):
        middle = shape[-1] * self.multiplier
        return output[0] * output[1] * middle * (self.kernel[0] * self.kernel[1] + self.filters)

    def reading(self):
        return Sliding(self.kernel, self.strides, self.padding)

    def keras_call(self, is_output):
        return "SeparableConv2D", (self.filters, self.kernel), (
            ("strides", self.strides), ("padding", self.padding), ("depth_multiplier", self.multiplier),
            ("activation", self.activation), *bias_call(self),
            ("depthwise_initializer", TRUNCATED_NORMAL), ("pointwise_initializer", TRUNCATED_NORMAL),
            ("bias_initializer", TRUNCATED_NORMAL),
        )

    def statement(self, options=ALL_OPTIONS):
        words = ["separable", size_text((*self.kernel, self.filters))] + ([f"m{self.multiplier}"] if self.multiplier != 1 else [])
        return window_words(self, words, options)

    def effect(self, shape, output):
        return None  # the window's padding, centres and field say what it does

    def weights_text(self, shape, output):
        return (f"its {size_text(self.kernel)} kernels per channel ({shape[-1]:,} channels times a depth multiplier "
                f"of {self.multiplier:,}) and the 1x1 weights mixing them into {self.filters:,} filters; "
                "fewer filters shrink it")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        filters = draw(st.integers(1, context.max_channels))
        multiplier = draw(st.integers(1, 2))
        activation = draw(st.sampled_from(ACTIVATIONS)) if draw(st.booleans()) else None
        extra = ([f"m{multiplier}"] if multiplier > 1 or draw(st.booleans()) else []) + (["nobias"] if draw(st.booleans()) else [])
        return window_example(
            draw, st, shape, context, lambda draw, k: f"separable {size_text(k)}x{filters}", "same", (1, 1), filters,
            activation, extra,
        )
