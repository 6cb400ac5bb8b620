"""`depthwise KhxKw[xM] [sN] [same|valid] [activation] [nobias]`: Keras `DepthwiseConv2D`.

Each input channel gets its own M kernels (the depth multiplier, default 1), so C input
channels make C*M output channels; there is no mixing across channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_padding, require_positive
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, Layer, Sliding, feature_map
from cnnspec.layers.keras_args import TRUNCATED_NORMAL
from cnnspec.layers.windows import bias_call, fitted_output, window_example, window_words


def depthwise_params(kernel: tuple[int, int], in_channels: int, multiplier: int, bias: bool = True) -> int:
    """A kernel per input channel and multiplier, plus one bias per output channel.

    >>> depthwise_params((3, 3), 32, 1), depthwise_params((3, 3), 32, 1, bias=False)
    (320, 288)
    """
    return kernel[0] * kernel[1] * in_channels * multiplier + in_channels * multiplier * bias


@dataclass(frozen=True, slots=True)
class DepthwiseConv(Layer):
    """Depthwise 2-D convolution; defaults as `conv`: stride 1, `same`, ReLU, a bias."""

    kernel: tuple[int, int]
    multiplier: int = 1
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    use_bias: bool = True
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "depthwise"
    keras_type = "DepthwiseConv2D"
    colour = "#b4c7e7"
    leaves_rank = 3

    def __post_init__(self):
        require_positive("kernel", "kernel size", self.kernel)
        require_positive("multiplier", "depth multiplier", (self.multiplier,))
        require_positive("strides", "stride", self.strides)
        require_padding(self.padding)
        require_activation(self.activation)

    @classmethod
    def from_statement(cls, statement, is_last):
        sizes = arguments.numbers(
            statement.args[0], (2, 3), "depthwise takes kernel height x width [x depth multiplier], like 3x3 or 3x3x2"
        )
        found = arguments.options(statement, ("stride", "padding", "activation", "bias"))
        return arguments.node(
            cls, statement, found, kernel=sizes[:2], multiplier=sizes[2] if len(sizes) == 3 else 1,
            strides=arguments.stride(found, (1, 1)), padding=str(found.get("padding", "same")),
            activation=str(found.get("activation", "relu")), use_bias=arguments.switch(found, "bias"),
            span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        height, width, channels = feature_map(self, shape)
        return (*fitted_output(self, (height, width, channels), "kernel"), channels * self.multiplier)

    def params(self, shape):
        return depthwise_params(self.kernel, shape[-1], self.multiplier, self.use_bias), 0

    def macs(self, shape, output):
        return output[0] * output[1] * output[2] * self.kernel[0] * self.kernel[1]

    def reading(self):
        return Sliding(self.kernel, self.strides, self.padding)

    def keras_call(self, is_output):
        return "DepthwiseConv2D", (self.kernel,), (
            ("strides", self.strides), ("padding", self.padding), ("depth_multiplier", self.multiplier),
            ("activation", self.activation), *bias_call(self),
            ("depthwise_initializer", TRUNCATED_NORMAL), ("bias_initializer", TRUNCATED_NORMAL),
        )

    def statement(self, options=ALL_OPTIONS):
        sizes = self.kernel if self.multiplier == 1 else (*self.kernel, self.multiplier)
        return window_words(self, ["depthwise", size_text(sizes)], options)

    def effect(self, shape, output):
        return None  # the window's padding, centres and field say what it does

    def weights_text(self, shape, output):
        return (f"its {size_text(self.kernel)} kernels times {shape[-1]:,} channels times a depth multiplier of "
                f"{self.multiplier:,}; a smaller multiplier shrinks it")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        multiplier = draw(st.integers(1, max(1, min(3, context.max_channels // shape[2]))))
        activation = draw(st.sampled_from(ACTIVATIONS)) if draw(st.booleans()) else None

        def head(draw, k):
            return f"depthwise {size_text(k)}" + (f"x{multiplier}" if multiplier > 1 or draw(st.booleans()) else "")

        extra = ["nobias"] if draw(st.booleans()) else []
        return window_example(draw, st, shape, context, head, "same", (1, 1), shape[2] * multiplier, activation, extra)
