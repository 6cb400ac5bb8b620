"""Laws of the shape arithmetic, each checked against an independent oracle."""

from hypothesis import given
from hypothesis import strategies as st

from cnnspec.layers.shapes import batchnorm_params, conv_output_size, conv_params, dense_params, same_padding

sizes = st.integers(1, 300)
windows = st.integers(1, 40)
strides = st.integers(1, 12)


def window_starts(size, window, stride, padding):
    """Oracle: enumerate where windows start, the way one would by hand."""
    if padding == "same":
        return range(0, size, stride)  # one output per stride step, padded at the edge
    return range(0, size - window + 1, stride)  # only windows that fit whole


@given(sizes, windows, strides)
def test_same_padding_gives_ceil_of_size_over_stride(size, window, stride):
    out = conv_output_size(size, window, stride, "same")
    assert out == len(window_starts(size, window, stride, "same"))
    assert out * stride >= size > (out - 1) * stride  # i.e. out == ceil(size / stride)


@given(sizes, windows, strides)
def test_valid_padding_counts_the_windows_that_fit(size, window, stride):
    out = conv_output_size(size, window, stride, "valid")
    assert out == len(window_starts(size, window, stride, "valid"))
    if out:
        last_start = (out - 1) * stride
        assert last_start + window <= size < last_start + stride + window


@given(sizes, windows, strides)
def test_same_padding_covers_exactly_the_windows(size, window, stride):
    before, after = same_padding(size, window, stride)
    out = conv_output_size(size, window, stride, "same")
    assert before <= after <= before + 1
    # the last window ends on the last padded pixel, or padding is not needed at all
    assert (out - 1) * stride + window == size + before + after or before + after == 0


@given(st.integers(1, 15), st.integers(1, 15), st.integers(1, 64), st.integers(1, 64))
def test_conv_params_are_one_weight_per_tap_and_channel_pair_plus_bias(kh, kw, cin, filters):
    weights = sum(1 for _ in range(kh) for _ in range(kw)) * cin * filters
    assert conv_params((kh, kw), cin, filters) == weights + filters


@given(st.integers(1, 5000), st.integers(1, 500))
def test_dense_params_are_a_full_matrix_plus_bias(inputs, units):
    assert dense_params(inputs, units) == (inputs + 1) * units


@given(st.integers(1, 1000))
def test_batchnorm_has_two_trainable_and_two_moving_values_per_channel(channels):
    assert batchnorm_params(channels) == (2 * channels, 2 * channels)
