"""Receptive fields, window centres and dropped pixels against brute force.

The oracle follows single positions through the index arithmetic itself: output i of a
window layer reads inputs i * stride - pad_before + t for t < window (TensorFlow's rule:
total padding max((out - 1) * stride + window - size, 0), the smaller half first). An
impulse walked back from an output to the network's input gives its field: size = span,
start = the span's centre, jump = how far the field of output 1 starts from output 0's.
"""

import math

from hypothesis import given
from hypothesis import strategies as st

from cnnspec import analyze
from cnnspec.layers.spec import Spec
from cnnspec.layers import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Pool
from cnnspec.analysis.receptive_field import axis_windows, explain


def tf_pad_before(size, window, stride, padding):
    if padding == "valid":
        return 0
    out = math.ceil(size / stride)
    return max((out - 1) * stride + window - size, 0) // 2


@st.composite
def window_chains(draw):
    """A valid spec of conv/pool layers (with some per-pixel layers) and maybe a dense head."""
    height, width = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    size = [height, width]
    layers = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["conv", "pool", "avgpool", "batchnorm", "dropout"]))
        if kind in ("batchnorm", "dropout"):
            layers.append(BatchNorm() if kind == "batchnorm" else Dropout(0.5))
            continue
        padding = draw(st.sampled_from(["same", "valid"]))
        limit = [7 if padding == "same" else min(7, n) for n in size]
        window = (draw(st.integers(1, limit[0])), draw(st.integers(1, limit[1])))
        strides = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        if kind == "conv":
            layers.append(Conv(draw(st.integers(1, 3)), window, strides, padding))
        else:
            layers.append((Pool if kind == "pool" else AvgPool)(window, strides, padding))
        size = [
            math.ceil(n / s) if padding == "same" else (n - k) // s + 1
            for n, k, s in zip(size, window, strides)
        ]
    if draw(st.booleans()):
        layers += [Flatten(), Dense(draw(st.integers(1, 8)), "relu"), Dense(3, "softmax")]
    return Spec("random", (height, width, draw(st.integers(1, 3))), tuple(layers))


def chain_of(analysis, upto, axis):
    """(window, stride, pad_before, input size) of every layer up to `upto` along `axis`."""
    chain = []
    for row in analysis.rows[: upto + 1]:
        layer = row.layer
        if len(row.input_shape) != 3:
            continue
        if isinstance(layer, (Conv, Pool)):
            window = (layer.kernel if isinstance(layer, Conv) else layer.window)[axis]
            stride = layer.strides[axis]
            n = row.input_shape[axis]
            chain.append((window, stride, tf_pad_before(n, window, stride, layer.padding), n))
        else:
            chain.append((1, 1, 0, row.input_shape[axis]))
    return chain


def impulse_field(analysis, upto, axis, output):
    """Input positions (padding included) that output `output` of layer `upto` reads."""
    rows = analysis.rows[: upto + 1]
    chain = chain_of(analysis, upto, axis)
    if any(len(row.input_shape) == 1 and isinstance(row.layer, Dense) for row in rows):
        positions = set(range(_last_map_size(analysis, upto, axis)))  # a dense unit reads the whole map
    else:
        positions = {output}
    for window, stride, pad_before, _ in reversed(chain):
        positions = {i * stride - pad_before + t for i in positions for t in range(window)}
    return positions


def _last_map_size(analysis, upto, axis):
    maps = [row.output_shape for row in analysis.rows[: upto + 1] if len(row.output_shape) == 3]
    return maps[-1][axis] if maps else analysis.spec.input_shape[axis]


@given(window_chains())
def test_receptive_field_equals_the_impulse_walked_back_to_the_input(spec):
    analysis = analyze(spec)
    for index, found in enumerate(explain(analysis)):
        for axis in (0, 1):
            first = impulse_field(analysis, index, axis, 0)
            second = impulse_field(analysis, index, axis, 1)
            field = found.fields[axis]
            assert field.size == max(first) - min(first) + 1
            assert field.start == (max(first) + min(first)) / 2
            assert field.jump == min(second) - min(first)


def _is_same(layer):
    return isinstance(layer, (Conv, Pool)) and layer.padding == "same"


@given(window_chains())
def test_centres_and_dropped_pixels_equal_the_windows_enumerated(spec):
    analysis = analyze(spec)
    for found in explain(analysis):
        if found.windows is None:
            continue
        for axis, windows in enumerate(found.windows):
            (window, stride, pad_before, size), = chain_of(analysis, analysis.rows.index(found.row), axis)[-1:]
            out = math.ceil(size / stride) if _is_same(found.row.layer) else (size - window) // stride + 1
            if len(found.row.output_shape) == 3:
                assert out == found.row.output_shape[axis]
            covered = [range(i * stride - pad_before, i * stride - pad_before + window) for i in range(out)]
            assert list(windows.centres) == [(r.start + r.stop - 1) / 2 for r in covered]
            read = {p for r in covered for p in r if 0 <= p < size}
            assert windows.dropped == tuple(sorted(set(range(size)) - read))
            assert windows.padding[0] == pad_before
            # floor rounding loses only what one more window would read; other unread
            # pixels are gaps, which only a stride larger than the window leaves
            following = range(out * stride - pad_before, out * stride - pad_before + window)
            assert set(windows.trailing_dropped) <= set(following)
            assert windows.gap_count == 0 or stride > window
            assert list(windows.iter_gaps()) == [p for p in windows.dropped if p not in windows.trailing_dropped]
            assert windows.gap_count == len(list(windows.iter_gaps()))


@given(st.integers(1, 60), st.integers(1, 9), st.integers(1, 5), st.sampled_from(["same", "valid"]))
def test_padding_splits_the_tensorflow_total_smaller_half_first(size, window, stride, padding):
    if padding == "valid" and window > size:
        return
    windows = axis_windows(size, window, stride, padding)
    before, after = windows.padding
    if padding == "valid":
        assert (before, after) == (0, 0)
    else:
        total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
        assert (before, after) == (total // 2, total - total // 2)
    assert windows.centres.count == windows.outputs
