"""`conv KhxKwxC [sN] [same|valid] [gG] [activation] [nobias]`: Keras `Conv2D`."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, InvalidField, Span, require_activation, require_padding, require_positive
from cnnspec.layers.shapes import conv_params, size_text
from cnnspec.layers.base import ALL_OPTIONS, Layer, ShapeMismatch, Sliding, feature_map
from cnnspec.layers.keras_args import SEEDED_WEIGHTS
from cnnspec.layers.windows import bias_call, fitted_output, window_example, window_words


@dataclass(frozen=True, slots=True)
class Conv(Layer):
    """2-D convolution, `conv KhxKwxC [sN] [same|valid] [gG] [activation] [nobias]`.

    Defaults are the report's: stride 1, `same` padding, ReLU, a bias; one group. `gG`
    splits the channels into G groups, each filter reading only its group's channels
    (Keras `groups=`); `nobias` drops the biases (`use_bias=False`, as before batchnorm).
    """

    filters: int
    kernel: tuple[int, int]
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    groups: int = 1
    use_bias: bool = True
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
        require_positive("groups", "number of groups", (self.groups,))
        if self.filters % self.groups:
            raise InvalidField("groups", f"the output channels must split evenly into the groups: {self.filters} "
                                         f"filters in {self.groups} groups; use a multiple of {self.groups} filters")

    @classmethod
    def from_statement(cls, statement, is_last):
        kh, kw, filters = arguments.numbers(
            statement.args[0], (3,), "conv takes kernel height x width x output channels, like 5x5x6"
        )
        found = arguments.options(statement, ("stride", "padding", "groups", "activation", "bias"))
        return arguments.node(
            cls, statement, found, filters=filters, kernel=(kh, kw), strides=arguments.stride(found, (1, 1)),
            padding=str(found.get("padding", "same")), activation=str(found.get("activation", "relu")),
            groups=arguments.count(found, "groups", 1), use_bias=arguments.switch(found, "bias"),
            span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        channels = feature_map(self, shape)[2]
        if channels % self.groups:
            raise ShapeMismatch(f"the input channels must split evenly into the groups: {channels} channels in "
                                f"{self.groups} groups; give it a multiple of {self.groups} channels")
        return (*fitted_output(self, shape, "kernel"), self.filters)

    def params(self, shape):
        return conv_params(self.kernel, shape[-1], self.filters, self.groups, self.use_bias), 0

    def macs(self, shape, output):
        return output[0] * output[1] * self.filters * self.kernel[0] * self.kernel[1] * (shape[-1] // self.groups)

    def reading(self):
        return Sliding(self.kernel, self.strides, self.padding)

    def keras_call(self, is_output):
        return "Conv2D", (self.filters, self.kernel), (
            ("strides", self.strides), ("padding", self.padding), *((("groups", self.groups),) if self.groups != 1 else ()),
            ("activation", self.activation), *bias_call(self), *SEEDED_WEIGHTS,
        )

    def statement(self, options=ALL_OPTIONS):
        return window_words(self, ["conv", size_text((*self.kernel, self.filters))], options)

    def effect(self, shape, output):
        return None  # the window's padding, centres and field say what it does

    def weights_text(self, shape, output):
        over = f"{shape[-1] // self.groups:,} channels (of {shape[-1]:,}, in {self.groups} groups)" if self.groups > 1 else f"{shape[-1]:,} channels"
        return (f"its {size_text(self.kernel)} kernels over {over} times {self.filters:,} "
                "filters; fewer filters or smaller kernels shrink it")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        # Groups that divide the input's channels, and filters a multiple of them.
        groups = draw(st.sampled_from([g for g in range(1, shape[2] + 1) if shape[2] % g == 0 and g <= context.max_channels]))
        filters = groups * draw(st.integers(1, max(1, context.max_channels // groups)))
        activation = draw(st.sampled_from(ACTIVATIONS)) if draw(st.booleans()) else None
        extra = ([f"g{groups}"] if groups > 1 or draw(st.integers(0, 5)) == 0 else []) + (["nobias"] if draw(st.booleans()) else [])
        return window_example(
            draw, st, shape, context, lambda draw, k: f"conv {size_text(k)}x{filters}", "same", (1, 1), filters, activation, extra,
        )
