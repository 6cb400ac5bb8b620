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
independently of `cnnspec.shapes`, so the strategies can serve as an oracle:

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

from .ir import ACTIVATIONS, Spec
from .loading import parse

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


@st.composite
def _pair_text(draw, low: int, high: int, *, prefix: str = "") -> tuple[tuple[int, int], str]:
    """(a, b) and how it is written: `N` for a square pair (sometimes `NxN`), else `NxM`."""
    first = draw(st.integers(low, high))
    second = draw(st.one_of(st.just(first), st.integers(low, high)))
    if first == second and draw(st.booleans()):
        return (first, first), f"{prefix}{first}"
    return (first, second), f"{prefix}{first}x{second}"


@st.composite
def _window_layer(draw, height: int, width: int, max_channels: int):
    """A conv, pool or avgpool statement that fits a height x width map; its output size."""
    kind = draw(st.sampled_from(["conv", "pool", "avgpool"]))
    default_padding = "same" if kind == "conv" else "valid"
    padding = draw(st.sampled_from([None, "same", "valid"]))
    resolved = padding or default_padding
    # `valid` needs the window inside the map; `same` pads, so a window may overhang it.
    high_h, high_w = (min(side, 5) if resolved == "valid" else 5 for side in (height, width))
    kernel_h = draw(st.integers(1, high_h))
    kernel_w = kernel_h if kernel_h <= high_w and draw(st.booleans()) else draw(st.integers(1, high_w))
    stride, stride_text = draw(st.one_of(st.just((None, "")), _pair_text(1, 3, prefix="s")))
    words = []
    if kind == "conv":
        filters = draw(st.integers(1, max_channels))
        words.append(f"conv {kernel_h}x{kernel_w}x{filters}")
        channels = filters
        resolved_stride = stride or (1, 1)
    else:
        words.append(f"{kind} {kernel_h}" if kernel_h == kernel_w and draw(st.booleans()) else f"{kind} {kernel_h}x{kernel_w}")
        channels = None
        resolved_stride = stride or (kernel_h, kernel_w)  # pooling strides default to the window
    options = [stride_text] if stride_text else []
    if padding:
        options.append(padding)
    if kind == "conv" and draw(st.booleans()):
        options.append(draw(st.sampled_from(ACTIVATIONS)))
    words += draw(st.permutations(options))
    out = (
        window_positions(height, kernel_h, resolved_stride[0], resolved),
        window_positions(width, kernel_w, resolved_stride[1], resolved),
    )
    return " ".join(words), out, channels


def _rate_text(rate: float, style: int) -> str:
    """A dropout rate in one of the spellings the grammar accepts (it needs a '.' or a whole 0)."""
    if rate == 0:
        return ("0", "0.0", ".0")[style]
    return (f"{rate:.2f}", f"{rate:.2f}".lstrip("0"), f"{rate * 100:.0f}.0e-2")[style]


@st.composite
def _between_layer(draw):
    """batchnorm or dropout: layers that keep whatever shape they get."""
    if draw(st.booleans()):
        return "batchnorm"
    rate = draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9]))
    return f"dropout {_rate_text(rate, draw(st.integers(0, 2)))}"


@st.composite
def _statements(draw, max_side: int, max_channels: int, max_layers: int) -> list[str]:
    statements = []
    if draw(st.booleans()):
        name = draw(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters='"/'), max_size=12).filter(str.strip))
        statements.append(f'name "{name}"')
    input_kind = draw(st.sampled_from(["image", "image", "image", "vector", "default"]))
    if input_kind == "image":
        height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
        channels = draw(st.integers(1, max_channels))
        statements.append(f"input {height}x{width}x{channels}")
    elif input_kind == "vector":
        statements.append(f"input {draw(st.integers(1, max_side * max_side))}")
    else:
        height, width, channels = DEFAULT_INPUT

    layers = []
    if input_kind != "vector":
        for _ in range(draw(st.integers(0, max_layers))):
            if draw(st.integers(0, 3)) == 0:
                layers.append(draw(_between_layer()))
                continue
            text, (height, width), new_channels = draw(_window_layer(height, width, max_channels))
            layers.append(text)
            channels = new_channels or channels
        if draw(st.booleans()):
            layers.append("flatten")  # else dense inserts one by itself
    dense_count = draw(st.integers(0 if layers else 1, 3))
    for index in range(dense_count):
        if draw(st.integers(0, 2)) == 0:
            layers.append(draw(_between_layer()))
        units = draw(st.integers(1, 8)) if index < dense_count - 1 else draw(st.sampled_from([1, 2, 5, 10]))
        activation = draw(st.one_of(st.none(), st.sampled_from(ACTIVATIONS)))
        layers.append(f"dense {units}" + (f" {activation}" if activation else ""))
    if draw(st.integers(0, 4)) == 0:
        layers.append(draw(_between_layer()))
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
    vector), up to `max_layers` convolution/pooling layers with kernels and strides square
    or not in both paddings, batchnorm and dropout anywhere, then a dense stack."""
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
