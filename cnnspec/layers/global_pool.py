"""`gap`: Keras `GlobalAveragePooling2D`, each channel averaged over the whole map."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.spec import NOWHERE, Span
from cnnspec.layers.shapes import size_text
from cnnspec.layers.base import ALL_OPTIONS, WHOLE_MAP, Layer, feature_map


@dataclass(frozen=True)
class GlobalAvgPool(Layer):
    """`gap`: an HxWxC map becomes the C channel means (a vector, so no flatten is needed)."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)

    keyword = "gap"
    keras_type = "GlobalAveragePooling2D"
    colour = "#f4cccc"
    leaves_rank = 1

    @classmethod
    def from_statement(cls, statement, is_last):
        return cls(span=arguments.span(statement.keyword))

    def output_shape(self, shape):
        return (feature_map(self, shape)[2],)

    def params(self, shape):
        return 0, 0

    def macs(self, shape, output):
        return 0

    def reading(self):
        return WHOLE_MAP

    def keras_call(self, is_output):
        return "GlobalAveragePooling2D", (), ()

    def statement(self, options=ALL_OPTIONS):
        return "gap"

    def effect(self, shape, output):
        return f"Each of the {output[0]:,} values is one channel's mean over the whole {size_text(shape[:2])} map"

    def weights_text(self, shape, output):
        return "it has no weights"

    @classmethod
    def example(cls, draw, st, shape, context):
        return ("gap", (shape[2],)) if len(shape) == 3 else None
