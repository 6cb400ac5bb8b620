"""`add`, `concat`, `multiply`: Keras `Add`, `Concatenate`, `Multiply`, the kinds with several inputs.

`add @a` merges the tensor named `a` with the line above (in that order, as Keras's
ResNets write `Add()([shortcut, x])`); `add @a @b` merges exactly the tensors named.
A merge's `output_shape`, `params` and `macs` take the tuple of its input shapes
(`Layer.merges`); the shapes' agreement is checked here, both shapes in the message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnnspec.layers import arguments
from cnnspec.layers.arguments import Misuse
from cnnspec.layers.base import ALL_OPTIONS, POINTWISE, REARRANGE, Layer, ShapeMismatch
from cnnspec.layers.shapes import size_text
from cnnspec.layers.spec import NOWHERE, Span


def _shapes_text(shapes) -> str:
    return " and ".join(size_text(shape) for shape in shapes)


@dataclass(frozen=True)
class Merge(Layer):
    """Several tensors into one; `sources` are the names written after the keyword."""

    sources: tuple[str, ...] = ()
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    leaves_rank = None
    merges = True

    @classmethod
    def from_statement(cls, statement, is_last):
        refs = tuple(token[1:] for token in statement.args if token.type == "REF")
        if not refs:
            raise Misuse(statement.keyword, f"{cls.keyword} merges tensors: name one or more with @name, like "
                                            f"'{cls.keyword} @shortcut' (it is merged with the line above)")
        return cls(sources=refs, span=arguments.span(statement.keyword))

    def params(self, shapes):
        return 0, 0

    def statement(self, options=ALL_OPTIONS):
        return " ".join((self.keyword, *("@" + source for source in self.sources)))

    def keras_call(self, is_output):
        return self.keras_type, (), ()

    def weights_text(self, shape, output):
        return "it has no weights"

    @classmethod
    def example(cls, draw, st, shape, context):
        """`<kind> @input` merges the input with itself: valid right after `input`, where
        `shape` is the input's (the conformance test's place; graph strategies draw more)."""
        return f"{cls.keyword} @input", cls._oracle((shape, shape))


@dataclass(frozen=True)
class _Elementwise(Merge):
    def output_shape(self, shapes):
        ranks = {len(shape) for shape in shapes}
        if len(ranks) != 1:
            raise ShapeMismatch(f"{self.keyword} needs inputs of one shape, got {_shapes_text(shapes)}")
        out = []
        for sizes in zip(*shapes):
            wide = {size for size in sizes if size != 1}
            if len(wide) > 1:  # Keras broadcasts a size of 1 and nothing else
                raise ShapeMismatch(f"{self.keyword} needs inputs of one shape, got {_shapes_text(shapes)}")
            out.append(wide.pop() if wide else 1)
        return tuple(out)

    def reading(self):
        return POINTWISE

    @classmethod
    def _oracle(cls, shapes):
        return shapes[0]


@dataclass(frozen=True)
class Add(_Elementwise):
    """`add @a [@b ...]`: the element-wise sum."""

    keyword = "add"
    keras_type = "Add"
    colour = "#c9daf8"

    def macs(self, shapes, output):
        return 0

    def effect(self, shape, output):
        return "Adds its inputs value by value (a residual connection)"


@dataclass(frozen=True)
class Multiply(_Elementwise):
    """`multiply @a [@b ...]`: the element-wise product (squeeze-and-excite's gate)."""

    keyword = "multiply"
    keras_type = "Multiply"
    colour = "#d9ead3"

    def macs(self, shapes, output):
        return (len(shapes) - 1) * math.prod(output)

    def effect(self, shape, output):
        return "Multiplies its inputs value by value (a gate)"


@dataclass(frozen=True)
class Concat(Merge):
    """`concat @a [@b ...]`: the inputs side by side along the channels."""

    keyword = "concat"
    keras_type = "Concatenate"
    colour = "#fce5cd"

    def output_shape(self, shapes):
        if len({shape[:-1] for shape in shapes}) != 1:
            raise ShapeMismatch(f"concat needs inputs that differ only in channels, got {_shapes_text(shapes)}")
        return (*shapes[0][:-1], sum(shape[-1] for shape in shapes))

    def macs(self, shapes, output):
        return 0

    def reading(self):
        return REARRANGE

    def effect(self, shape, output):
        return f"Puts its inputs side by side: {output[-1]:,} channels"

    @classmethod
    def _oracle(cls, shapes):
        return (*shapes[0][:-1], sum(shape[-1] for shape in shapes))
