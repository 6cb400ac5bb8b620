"""`conv KhxKwxC [sN] [same|valid] [activation]`: Keras `Conv2D`."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_padding, require_positive
from cnnspec.layers.shapes import conv_params, size_text
from cnnspec.layers.base import ALL_OPTIONS, Layer, Sliding, feature_map
from cnnspec.layers.keras_args import SEEDED_WEIGHTS
from cnnspec.layers.windows import fitted_output, window_example, window_words


@dataclass(frozen=True)
class Conv(Layer):
    """2-D convolution, `conv KhxKwxC [sN] [same|valid] [activation]`.

    Defaults are the report's: stride 1, `same` padding, ReLU.
    """

    filters: int
    kernel: tuple[int, int]
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "conv"
    keras_type = "Conv2D"
    colour = "#8fb8de"
    leaves_rank = 3

    def __post_init__(self):
        require_positive("kernel", "kernel size", self.kernel)
        require_positive("filters", "number of output channels", (self.filters,))
        require_positive("strides", "stride", self.strides)
        require_padding(self.padding)
        require_activation(self.activation)

    @classmethod
    def from_statement(cls, statement, is_last):
        kh, kw, filters = arguments.numbers(
            statement.args[0], (3,), "conv takes kernel height x width x output channels, like 5x5x6"
        )
        found = arguments.options(statement, ("stride", "padding", "activation"))
        return arguments.node(
            cls, statement, found, filters=filters, kernel=(kh, kw), strides=arguments.stride(found, (1, 1)),
            padding=str(found.get("padding", "same")), activation=str(found.get("activation", "relu")),
            span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        return (*fitted_output(self, feature_map(self, shape), "kernel"), self.filters)

    def params(self, shape):
        return conv_params(self.kernel, shape[-1], self.filters), 0

    def macs(self, shape, output):
        return output[0] * output[1] * self.filters * self.kernel[0] * self.kernel[1] * shape[-1]

    def reading(self):
        return Sliding(self.kernel, self.strides, self.padding)

    def keras_call(self, is_output):
        return "Conv2D", (self.filters, self.kernel), (
            ("strides", self.strides), ("padding", self.padding), ("activation", self.activation), *SEEDED_WEIGHTS,
        )

    def statement(self, options=ALL_OPTIONS):
        return window_words(self, ["conv", size_text((*self.kernel, self.filters))], options)

    def effect(self, shape, output):
        return None  # the window's padding, centres and field say what it does

    def weights_text(self, shape, output):
        return (f"its {size_text(self.kernel)} kernels over {shape[-1]:,} channels times {self.filters:,} "
                "filters; fewer filters or smaller kernels shrink it")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        filters = draw(st.integers(1, context.max_channels))
        activation = draw(st.sampled_from(ACTIVATIONS)) if draw(st.booleans()) else None
        return window_example(
            draw, st, shape, context, lambda draw, k: f"conv {size_text(k)}x{filters}", "same", (1, 1), filters, activation,
        )
