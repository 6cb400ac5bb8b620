"""What the sliding-window kinds (convolutions and pooling) share: fitting a window to its
input, their options' text, the report's seeded weights, and example statements."""

from __future__ import annotations

from cnnspec.layers.shapes import conv_output_size, size_text
from cnnspec.layers.text import pair_text
from cnnspec.layers.base import ALL_OPTIONS, ShapeMismatch


def fitted_output(layer, shape: tuple[int, int, int], what: str) -> tuple[int, int]:
    """Rows and columns after `layer`'s window (`what`: 'kernel', 'pool window'), or why not."""
    height, width = shape[0], shape[1]
    window = layer.reading()
    (rows, columns), (row_stride, column_stride) = window.size, window.strides
    # Two calls, not a generator over the axes: every conv and pooling layer of every analysis comes here.
    out = (conv_output_size(height, rows, row_stride, window.padding),
           conv_output_size(width, columns, column_stride, window.padding))
    if 0 in out:
        raise ShapeMismatch(
            f"the {size_text(window.size)} {what} does not fit its {height}x{width} input with "
            f"'valid' padding (the output would be {size_text(out)}); use a smaller window, "
            "'same' padding, or fewer size-reducing layers before it"
        )
    return out


def window_words(layer, words: list[str], options=ALL_OPTIONS) -> str:
    """`words` then the options named, in the canonical order stride, padding, activation;
    groups and a missing bias change what the layer is, so they are always written."""
    if "stride" in options:
        words.append("s" + pair_text(layer.strides))
    if "padding" in options:
        words.append(layer.padding)
    if getattr(layer, "groups", 1) != 1:
        words.append(f"g{layer.groups}")
    if "activation" in options and hasattr(layer, "activation"):
        words.append(layer.activation)
    if not getattr(layer, "use_bias", True):
        words.append("nobias")
    return " ".join(words)


def bias_call(layer) -> tuple:
    """Keras's `use_bias=False` when the layer has none (left out otherwise, as Keras's default)."""
    return () if layer.use_bias else (("use_bias", False),)


def window_example(draw, st, shape, context, head, default_padding, default_stride, channels, activation, extra=()):
    """A statement `head(draw, window)` with drawn stride and padding that fits `shape`, and its output.

    `default_stride` None means the window (pooling's default); `activation` None leaves it
    out; `extra` options (`nobias`, `g2`) are written in any order with the others.
    """
    height, width, depth = shape
    padding = draw(st.sampled_from([None, "same", "valid"]))
    resolved = padding or default_padding
    # `valid` needs the window inside the map; `same` pads, so a window may overhang it.
    high_h, high_w = (min(side, 5) if resolved == "valid" else 5 for side in (height, width))
    kernel_h = draw(st.integers(1, high_h))
    kernel_w = kernel_h if kernel_h <= high_w and draw(st.booleans()) else draw(st.integers(1, high_w))
    stride, stride_text = draw(st.one_of(st.just((None, "")), pair_example(st, 1, 3, prefix="s")))
    options = [stride_text] if stride_text else []
    if padding:
        options.append(padding)
    if activation:
        options.append(activation)
    options += extra
    resolved_stride = stride or default_stride or (kernel_h, kernel_w)
    out = (
        context.positions(height, kernel_h, resolved_stride[0], resolved),
        context.positions(width, kernel_w, resolved_stride[1], resolved),
    )
    words = [head(draw, (kernel_h, kernel_w))] + list(draw(st.permutations(options)))
    return " ".join(words), (*out, channels or depth)


def pair_example(st, low: int, high: int, *, prefix: str = ""):
    """(a, b) and how it is written: `N` for a square pair (sometimes `NxN`), else `NxM`."""

    @st.composite
    def pairs(draw):
        first = draw(st.integers(low, high))
        second = draw(st.one_of(st.just(first), st.integers(low, high)))
        if first == second and draw(st.booleans()):
            return (first, first), f"{prefix}{first}"
        return (first, second), f"{prefix}{first}x{second}"

    return pairs()
