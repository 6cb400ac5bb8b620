"""Hypothesis strategies for .cnn specs, to property-test cnnspec and tools built on it.

Needs the test extra (`pip install 'cnnspec[test]'`), which brings Hypothesis; nothing
here imports Keras.

- `spec_texts()`: .cnn source texts that are valid by construction, written in the
  language's many spellings (`|` or new lines, comments, omitted defaults, non-square
  sizes and strides), so a test over them exercises the parser too.
- `specs()`: the same texts, parsed into `cnnspec.Spec` objects.
- `near_invalid_specs()`: `NearMiss(text, fits, line)`: a network whose last
  convolution or pooling window is one off either side of its input's size, with
  `fits` known by construction rather than by cnnspec's arithmetic.

Validity is tracked with this module's own window count (`window_positions`), written
independently of `cnnspec.layers.shapes`, so the strategies can serve as an oracle:

    from hypothesis import given
    from cnnspec import analyze, parse
    from cnnspec.testing import spec_texts

    @given(spec_texts())
    def test_every_generated_spec_analyzes(text):
        analyze(parse(text))
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from cnnspec.layers.spec import Spec
from cnnspec.layers import KINDS, Dense
from cnnspec.language.loading import parse

__all__ = ["NearMiss", "near_invalid_specs", "spec_texts", "specs", "window_positions"]

DEFAULT_INPUT = (28, 28, 1)  # what a spec without `input` gets


def window_positions(size: int, window: int, stride: int, padding: str) -> int:
    """How many places a window takes along an axis of `size`: one per output element.

    `valid` counts the start positions 0, stride, 2*stride, ... that leave the whole
    window inside; `same` pads so that every stride-th position of the input is a start.

    >>> window_positions(28, 5, 1, "valid"), window_positions(28, 5, 2, "same"), window_positions(4, 5, 1, "valid")
    (24, 14, 0)
    """
    if padding == "same":
        return len(range(0, size, stride))
    return len(range(0, size - window + 1, stride))


def _size(values: tuple[int, ...]) -> str:
    return "x".join(map(str, values))


@dataclass(frozen=True)
class ExampleContext:
    """What a kind's `example` may use: the window count above and a channel bound."""

    max_channels: int

    def positions(self, size: int, window: int, stride: int, padding: str) -> int:
        return window_positions(size, window, stride, padding)


# The kinds by where a chain may use them: on a map and keeping one, from a map to a
# vector, and on a vector. Every registered kind is in one (a test checks it).
MAP_KINDS = tuple(kind for kind in KINDS if kind.leaves_rank in (3, None) and not kind.merges)
TO_VECTOR_KINDS = tuple(kind for kind in KINDS if kind.leaves_rank == 1 and not kind.needs_vector)
VECTOR_KINDS = tuple(kind for kind in KINDS if kind.leaves_rank is None and not kind.merges)
MERGE_KINDS = tuple(kind for kind in KINDS if kind.merges)  # drawn by the graph strategies
OUTPUT_KIND = Dense  # every spec that is not all map layers ends in a dense stack


def _example(draw, kinds, shape, context) -> tuple[str, tuple[int, ...]]:
    """A statement of one of `kinds` that follows `shape`, and its output shape."""
    found = draw(st.sampled_from(kinds)).example(draw, st, shape, context)
    if found is None:  # pragma: no cover - every kind in these lists follows its shapes
        raise AssertionError(f"a kind in {kinds} cannot follow {shape}")
    return found


@st.composite
def _statements(draw, max_side: int, max_channels: int, max_layers: int) -> list[str]:
    context = ExampleContext(max_channels)
    statements = []
    if draw(st.booleans()):
        name = draw(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters='"/'), max_size=12).filter(str.strip))
        statements.append(f'name "{name}"')
    input_kind = draw(st.sampled_from(["image", "image", "image", "vector", "default"]))
    if input_kind == "image":
        shape = (draw(st.integers(1, max_side)), draw(st.integers(1, max_side)), draw(st.integers(1, max_channels)))
        statements.append(f"input {_size(shape)}")
    elif input_kind == "vector":
        shape = (draw(st.integers(1, max_side * max_side)),)
        statements.append(f"input {shape[0]}")
    else:
        shape = DEFAULT_INPUT

    layers = []
    if input_kind != "vector":
        for _ in range(draw(st.integers(0, max_layers))):
            text, shape = _example(draw, MAP_KINDS, shape, context)
            layers.append(text)
        if draw(st.booleans()):  # else dense inserts a flatten by itself
            text, shape = _example(draw, TO_VECTOR_KINDS, shape, context)
            layers.append(text)
    dense_count = draw(st.integers(0 if layers else 1, 3))
    for _ in range(dense_count):
        if draw(st.integers(0, 2)) == 0:  # some change the size they are given (pointwise)
            text, shape = _example(draw, VECTOR_KINDS, shape, context)
            layers.append(text)
        text, shape = OUTPUT_KIND.example(draw, st, shape, context)
        layers.append(text)
    if draw(st.integers(0, 4)) == 0:
        layers.append(_example(draw, VECTOR_KINDS, shape, context)[0])
    if not layers:
        layers.append("flatten")
    return statements + layers


@st.composite
def _layout(draw, statements: list[str]) -> str:
    """Statements joined by '|' or new lines, with comments, blank lines and odd spacing."""
    space = draw(st.sampled_from([" ", "  ", "\t"]))
    pieces = []
    if draw(st.booleans()):
        pieces.append("# generated by cnnspec.testing\n")
    for index, statement in enumerate(statements):
        pieces.append(statement.replace(" ", space) if not statement.startswith("name") else statement)
        if index == len(statements) - 1:
            break
        separator = draw(st.sampled_from([" | ", "|", "\n", "\n", "\n\n", "  # a comment\n", "\r\n"]))
        pieces.append(separator)
    if draw(st.booleans()):
        pieces.append("\n")
    return "".join(pieces)


def spec_texts(*, max_side: int = 12, max_channels: int = 4, max_layers: int = 5) -> st.SearchStrategy[str]:
    """Valid .cnn texts: inputs up to `max_side` per side (or the 28x28x1 default, or a
    vector), up to `max_layers` layers of any kind that keeps a map (convolutions, pooling,
    padding, upsampling, normalisations, activations...) with kernels and strides square
    or not in both paddings, then maybe one that makes a vector, then a dense stack with
    the kinds that act on a vector between."""
    return _statements(max_side, max_channels, max_layers).flatmap(_layout)


def specs(**sizes) -> st.SearchStrategy[Spec]:
    """`spec_texts(**sizes)`, parsed: valid `Spec` objects."""
    return spec_texts(**sizes).map(parse)


@dataclass(frozen=True)
class NearMiss:
    """A spec whose window on line `line` just fits its input (`fits`) or just does not."""

    text: str
    fits: bool
    line: int


_HALVING = ["pool 2", "avgpool 2", "pool 2x2 s2 valid", "conv 3x3x{c} s2", "avgpool 2 s2 same", "pool 1 s2"]
_KEEPING = ["conv 3x3x{c}", "conv 1x1x{c} valid", "conv 2x4x{c} s1 same tanh", "pool 1", "avgpool 3 s1 same", "batchnorm", "dropout 0.5"]


@st.composite
def near_invalid_specs(draw, *, max_halvings: int = 2) -> NearMiss:
    """Windows one off the size they meet: `fits` is True iff neither side is too big.

    The input is (h * 2**k, w * 2**k, c); k layers that halve an even size (a 2-window or
    stride 2) bring it to h x w, mixed with layers that keep it (stride 1 with `same`, or
    a 1-window). The last window is (h + dh) x (w + dw) with dh, dw in {-1, 0, 1} and
    `valid` padding, which fits iff dh <= 0 and dw <= 0, whatever its stride.
    """
    height, width = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    halvings = draw(st.integers(0, max_halvings))
    channels = draw(st.integers(1, 3))
    lines = [f"input {height * 2**halvings}x{width * 2**halvings}x{channels}"]
    steps = ["halve"] * halvings + ["keep"] * draw(st.integers(0, 2))
    for step in draw(st.permutations(steps)):
        template = draw(st.sampled_from(_HALVING if step == "halve" else _KEEPING))
        lines.append(template.format(c=draw(st.integers(1, 3))))
    grow_h, grow_w = draw(st.integers(-1, 1)), draw(st.integers(-1, 1))
    window = (max(height + grow_h, 1), max(width + grow_w, 1))
    kind = draw(st.sampled_from(["conv", "pool", "avgpool"]))
    size = _size(window) + (f"x{draw(st.integers(1, 3))}" if kind == "conv" else "")
    stride = draw(st.integers(1, 3))
    lines.append(f"{kind} {size} s{stride} valid")
    window_line = len(lines)
    if draw(st.booleans()):
        lines.append("dense 10")
    return NearMiss("\n".join(lines) + "\n", grow_h <= 0 and grow_w <= 0, window_line)
