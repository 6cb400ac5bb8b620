"""`deconv KhxKwxC [sN] [same|valid] [activation] [nobias]`: Keras `Conv2DTranspose`.

The transpose of a convolution: each input pixel adds its kernel, times its value, into
a window of the output, windows `stride` apart; so a stride makes the map larger
(`same`: size * stride; `valid`: that plus what the last window overhangs). Encoder-
decoder networks use it to grow maps back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import ACTIVATIONS, NOWHERE, Span, require_activation, require_padding, require_positive
from cnnspec.layers.shapes import conv_params, deconv_output_size, size_text
from cnnspec.layers.base import ALL_OPTIONS, SPREAD, Layer, feature_map
from cnnspec.layers.keras_args import SEEDED_WEIGHTS
from cnnspec.layers.windows import bias_call, pair_example, window_words


@dataclass(frozen=True, slots=True)
class Deconv(Layer):
    """Transposed 2-D convolution; defaults as `conv`: stride 1, `same`, ReLU, a bias."""

    filters: int
    kernel: tuple[int, int]
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    use_bias: bool = True
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "deconv"
    keras_type = "Conv2DTranspose"
    colour = "#bdd7ee"
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
            statement.args[0], (3,), "deconv takes kernel height x width x output channels, like 3x3x32"
        )
        found = arguments.options(statement, ("stride", "padding", "activation", "bias"))
        return arguments.node(
            cls, statement, found, filters=filters, kernel=(kh, kw), strides=arguments.stride(found, (1, 1)),
            padding=str(found.get("padding", "same")), activation=str(found.get("activation", "relu")),
            use_bias=arguments.switch(found, "bias"), span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        height, width, _ = feature_map(self, shape)
        sides = (deconv_output_size(n, k, s, self.padding) for n, k, s in zip((height, width), self.kernel, self.strides))
        return (*sides, self.filters)

    def params(self, shape):
        return conv_params(self.kernel, shape[-1], self.filters, bias=self.use_bias), 0

    def macs(self, shape, output):
        return shape[0] * shape[1] * shape[2] * self.kernel[0] * self.kernel[1] * self.filters

    def reading(self):
        return SPREAD

    def keras_call(self, is_output):
        return "Conv2DTranspose", (self.filters, self.kernel), (
            ("strides", self.strides), ("padding", self.padding), ("activation", self.activation), *bias_call(self),
            *SEEDED_WEIGHTS,
        )

    def statement(self, options=ALL_OPTIONS):
        return window_words(self, ["deconv", size_text((*self.kernel, self.filters))], options)

    def effect(self, shape, output):
        return (f"Each input pixel adds a {size_text(self.kernel)} window of the output, windows {self.strides[0]}x"
                f"{self.strides[1]} apart: {size_text(shape[:2])} becomes {size_text(output[:2])}")

    def weights_text(self, shape, output):
        return (f"its {size_text(self.kernel)} kernels over {shape[-1]:,} channels times {self.filters:,} "
                "filters; fewer filters or smaller kernels shrink it")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        filters = draw(st.integers(1, context.max_channels))
        kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        most = 2 if max(shape[:2]) <= 16 else 1  # keeps the maps the differential tests build small
        stride, stride_text = draw(st.one_of(st.just(((1, 1), "")), pair_example(st, 1, most, prefix="s")))
        padding = draw(st.sampled_from([None, "same", "valid"]))
        options = [o for o in (stride_text, padding) if o] + (["nobias"] if draw(st.booleans()) else [])
        activation = draw(st.sampled_from(ACTIVATIONS)) if draw(st.booleans()) else None
        options += [activation] if activation else []
        # The oracle: a transposed window puts `stride` outputs per input, plus (valid) the last window's overhang.
        grown = tuple(n * s + (max(k - s, 0) if padding == "valid" else 0) for n, k, s in zip(shape[:2], kernel, stride))
        return " ".join([f"deconv {kernel[0]}x{kernel[1]}x{filters}", *draw(st.permutations(options))]), (*grown, filters)
