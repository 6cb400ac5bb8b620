"""What every layer kind answers for, and the shapes of those answers.

A kind is a frozen dataclass (its IR node) subclassing `Layer`, in a module of its own
that owns everything about it: its statement (keyword, options, defaults), output shape,
parameters, MACs, window, Keras call, text form, diagram colour, `explain` wording and
example statements for property tests. Every pass asks the node; the base class answers
nothing, so a kind that misses a behaviour fails at once, in the conformance test.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # `typing` costs a `check` 3 ms to import; only type checkers need it
if TYPE_CHECKING:
    from typing import ClassVar

from cnnspec.layers.arguments import OPTION_ROLES
from cnnspec.layers.shapes import size_text

ALL_OPTIONS = frozenset(OPTION_ROLES)
WEIGHT_BYTES = 4  # a float32 weight


class ShapeMismatch(Exception):
    """The layer cannot take the shape it is given; the message says why and what to do."""


class NeedsFeatureMap(ShapeMismatch):
    """The layer needs an HxWxC map but got a vector; the analyzer says where that came from."""

    def __init__(self, keyword: str):
        super().__init__(keyword)
        self.keyword = keyword


def feature_map(layer: "Layer", shape: tuple[int, ...]) -> tuple[int, int, int]:
    """`shape` as (height, width, channels), or `NeedsFeatureMap`."""
    if len(shape) != 3:
        raise NeedsFeatureMap(layer.keyword)
    return shape


def vector(layer: "Layer", shape: tuple[int, ...]) -> int:
    if len(shape) != 1:
        raise ShapeMismatch(f"{layer.keyword} needs a vector; flatten the {size_text(shape)} input first")
    return shape[0]


# How a layer reads its input's positions, for receptive fields, explain and lints.
@dataclass(frozen=True, slots=True)
class Sliding:
    """A window moved over rows and columns (convolution, pooling)."""

    size: tuple[int, int]
    strides: tuple[int, int]
    padding: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One of the ways a layer reads values that is not a sliding window."""

    name: str


@dataclass(frozen=True, slots=True)
class Padded:
    """Zeros added around the map: each output reads the input pixel `before` places up and
    left of it (or a zero), so the receptive field's start moves back by `before` pixels."""

    before: tuple[int, int]  # zero rows above, zero columns to the left
    after: tuple[int, int]


POINTWISE = Reading("pointwise")  # each output from the value at its own place
REARRANGE = Reading("rearrange")  # values moved, none combined: each keeps its field
WHOLE_MAP = Reading("whole map")  # each output from every position of its input
# Each input value feeds a block of outputs (upsampling, transposed convolution): the
# outputs are closer together than one input pixel and their fields differ in size, so
# receptive fields and explain's sentences cannot follow it yet; they say so and stop.
SPREAD = Reading("spread")
REGRID = Reading("regrid")  # values laid out on a new grid: an output's place is no place of its input


class Layer:
    """Base of the IR nodes. Subclasses are frozen dataclasses with a `span` field, and
    slots: made for every statement of every spec, they are faster to build without a
    `__dict__` (and it takes every class of the chain having `__slots__`)."""

    __slots__ = ()
    keyword: ClassVar[str]  # the statement that builds it
    keras_type: ClassVar[str]  # the Keras layer class it becomes
    colour: ClassVar[str]  # its output's fill in diagrams
    # Shape rank the layer leaves behind (3: a map, 1: a vector, None: its input's);
    # a layer that needs a vector after a map gets the Flatten Keras would need.
    leaves_rank: ClassVar[int | None]
    needs_vector: ClassVar[bool] = False
    # A merge reads several tensors: its output_shape, params and macs take the tuple of
    # their shapes (cnnspec.layers.merge); every other kind reads one.
    merges: ClassVar[bool] = False

    def weight_bytes(self, shape: tuple[int, ...]) -> tuple[int, int]:
        """(trainable, non-trainable) bytes of its weights: float32, unless a kind keeps
        another dtype (Normalization's sample count is an int64)."""
        trainable, non_trainable = self.params(shape)
        return WEIGHT_BYTES * trainable, WEIGHT_BYTES * non_trainable

    def rank_left(self) -> int | None:
        """The rank this node leaves: `leaves_rank`, unless an option changes it (`gap keepdims`)."""
        return self.leaves_rank

    @classmethod
    def from_statement(cls, statement, is_last: bool) -> "Layer":
        """The node a statement builds, defaults resolved; `Misuse` at the token to blame."""
        raise NotImplementedError(f"{cls.__name__} has no statement")

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The output for one sample of input `shape`, or `ShapeMismatch`."""
        raise NotImplementedError(f"{type(self).__name__} has no output shape")

    def params(self, shape: tuple[int, ...]) -> tuple[int, int]:
        """(trainable, non-trainable) parameters for input `shape`."""
        raise NotImplementedError(f"{type(self).__name__} has no parameter count")

    def macs(self, shape: tuple[int, ...], output: tuple[int, ...]) -> int:
        """Multiply-accumulates for one sample."""
        raise NotImplementedError(f"{type(self).__name__} has no MAC count")

    def reading(self) -> Sliding | Reading:
        """How it reads positions: a `Sliding` window or a `Reading`."""
        raise NotImplementedError(f"{type(self).__name__} has no reading of its input")

    def keras_call(self, is_output: bool) -> tuple[str, tuple, tuple]:
        """(Keras layer class, args, kwargs); `is_output`: the network's output layer."""
        raise NotImplementedError(f"{type(self).__name__} has no Keras call")

    def statement(self, options=ALL_OPTIONS) -> str:
        """The canonical statement, writing only the options named (stride, padding, activation)."""
        raise NotImplementedError(f"{type(self).__name__} has no text form")

    def effect(self, shape: tuple[int, ...], output: tuple[int, ...]) -> str | None:
        """`explain`'s sentence for what it does (None: its window's arithmetic says it all)."""
        raise NotImplementedError(f"{type(self).__name__} has no explain wording")

    def weights_text(self, shape: tuple[int, ...], output: tuple[int, ...]) -> str:
        """Where its parameters come from and how to have fewer (for the dominant-layer lint)."""
        raise NotImplementedError(f"{type(self).__name__} has no weights wording")

    @classmethod
    def example(cls, draw, st, shape: tuple[int, ...], context):
        """A hypothesis-drawn statement valid on `shape` and the output shape it gives, or
        None where the kind cannot follow `shape`. Output sizes come from
        `context.positions(size, window, stride, padding)`, `cnnspec.testing`'s own window
        count (not `cnnspec.layers.shapes`), so the examples can serve as an oracle;
        `context.max_channels` bounds the channels a layer makes."""
        raise NotImplementedError(f"{cls.__name__} has no example statements")



class Weightless(Layer):
    """A kind with no weights and no multiply-accumulates (pooling, padding, reshaping,
    activations, dropout): it says so once by deriving from this class."""

    __slots__ = ()

    def params(self, shape):
        return 0, 0

    def macs(self, shape, output):
        return 0

    def weights_text(self, shape, output):
        return "it has no weights"


BEHAVIOURS = ("from_statement", "output_shape", "params", "macs", "reading", "keras_call", "statement", "effect",
              "weights_text", "example")
DECLARATIONS = ("keyword", "keras_type", "colour", "leaves_rank")


def missing_behaviours(kind: type) -> tuple[str, ...]:
    """What `kind` does not answer for itself: declarations it lacks and behaviours it
    leaves to `Layer`, which answers none.

    >>> missing_behaviours(Layer)[:2]
    ('keyword', 'keras_type')
    """
    lacking = tuple(name for name in DECLARATIONS if not hasattr(kind, name))
    return lacking + tuple(name for name in BEHAVIOURS if _definition(kind, name) is vars(Layer)[name])


def _definition(kind: type, name: str):
    """The attribute as the class nearest `kind` in its MRO defines it (a raw classmethod too)."""
    return next(vars(cls)[name] for cls in kind.__mro__ if name in vars(cls))
