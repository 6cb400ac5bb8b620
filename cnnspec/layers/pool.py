"""`pool N[xM] [sK[xL]] [same|valid]` and `avgpool`: Keras `MaxPooling2D` and `AveragePooling2D`."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span, require_padding, require_positive
from cnnspec.layers.text import pair_text
from cnnspec.layers.base import ALL_OPTIONS, Sliding, Weightless, feature_map
from cnnspec.layers.windows import fitted_output, window_example, window_words


@dataclass(frozen=True, slots=True)
class Pool(Weightless):
    """Max pooling, `pool N[xM] [sK[xL]] [same|valid]`; stride defaults to the window."""

    window: tuple[int, int]
    strides: tuple[int, int]
    padding: str = "valid"
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "pool"
    keras_type = "MaxPooling2D"
    colour = "#f4b183"
    leaves_rank = 3
    verb = "Takes the maximum"

    def __post_init__(self):
        require_positive("window", f"{self.keyword} window", self.window)
        require_positive("strides", "stride", self.strides)
        require_padding(self.padding)

    @classmethod
    def from_statement(cls, statement, is_last):
        window = arguments.pair(arguments.numbers(statement.args[0], (1, 2), f"{cls.keyword} takes a window N or NxM"))
        found = arguments.options(statement, ("stride", "padding"))
        return arguments.node(
            cls, statement, found, window=window, strides=arguments.stride(found, window),
            padding=str(found.get("padding", "valid")), span=arguments.span(statement.keyword),
        )

    def output_shape(self, shape):
        height, width, channels = feature_map(self, shape)
        return (*fitted_output(self, (height, width, channels), "pool window"), channels)

    def reading(self):
        return Sliding(self.window, self.strides, self.padding)

    def keras_call(self, is_output):
        return self.keras_type, (self.window,), (("strides", self.strides), ("padding", self.padding))

    def statement(self, options=ALL_OPTIONS):
        return window_words(self, [self.keyword, pair_text(self.window)], options)

    def effect(self, shape, output):
        return None  # the window's padding, centres and field say what it does

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None

        def head(draw, k):
            return f"{cls.keyword} {k[0]}" if k[0] == k[1] and draw(st.booleans()) else f"{cls.keyword} {k[0]}x{k[1]}"

        return window_example(draw, st, shape, context, head, "valid", None, None, None)


@dataclass(frozen=True, slots=True)
class AvgPool(Pool):
    """Average pooling, `avgpool`; the same arguments as `pool`."""

    keyword = "avgpool"
    keras_type = "AveragePooling2D"
    colour = "#f8cbad"
