"""`gap [keepdims]` and `gmp [keepdims]`: Keras `GlobalAveragePooling2D` and `GlobalMaxPooling2D`."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, WHOLE_MAP, Weightless, feature_map


@dataclass(frozen=True, slots=True)
class GlobalAvgPool(Weightless):
    """`gap`: an HxWxC map becomes the C channel means (a vector, so no flatten is needed);
    `keepdims` keeps them as a 1x1xC map (Keras `keepdims=True`, as MobileNetV3 uses)."""

    keepdims: bool = False
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "gap"
    keras_type = "GlobalAveragePooling2D"
    colour = "#f4cccc"
    leaves_rank = 1
    statistic = "mean"

    def rank_left(self):
        return 3 if self.keepdims else 1

    @classmethod
    def from_statement(cls, statement, is_last):
        found = arguments.options(statement, ("keepdims",), first=0)
        return cls(keepdims=arguments.switch(found, "keepdims", False), span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        channels = feature_map(self, shape)[2]
        return (1, 1, channels) if self.keepdims else (channels,)

    def reading(self):
        return WHOLE_MAP

    def keras_call(self, is_output):
        return self.keras_type, (), (("keepdims", True),) if self.keepdims else ()

    def statement(self, options=ALL_OPTIONS):
        return f"{self.keyword} keepdims" if self.keepdims else self.keyword

    def effect(self, shape, output):
        kept = " (kept as a 1x1 map)" if self.keepdims else ""
        return (f"Each of the {output[-1]:,} values{kept} is one channel's {self.statistic} over the whole "
                f"{size_text(shape[:2])} map")

    @classmethod
    def example(cls, draw, st, shape, context):
        if len(shape) != 3:
            return None
        if draw(st.integers(0, 3)) == 0:
            return f"{cls.keyword} keepdims", (1, 1, shape[2])
        return cls.keyword, (shape[2],)


@dataclass(frozen=True, slots=True)
class GlobalMaxPool(GlobalAvgPool):
    """`gmp`: each channel's maximum over the whole map; `keepdims` as `gap`."""

    keyword = "gmp"
    keras_type = "GlobalMaxPooling2D"
    colour = "#f4b8b8"
    statistic = "maximum"
