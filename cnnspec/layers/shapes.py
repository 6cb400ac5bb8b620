"""Shape and parameter arithmetic as Keras (TensorFlow backend) does it: pure integer functions.

The analyzer (and explain's window arithmetic) call these; nothing else re-derives a shape.
"""

from __future__ import annotations


def size_text(values: tuple[int, ...]) -> str:
    """Sizes joined by 'x', as the language writes them.

    >>> size_text((28, 28, 1))
    '28x28x1'
    """
    return "x".join(map(str, values))


def conv_output_size(size: int, window: int, stride: int, padding: str) -> int:
    """Output length of a convolution or pooling along one axis.

    `same` keeps ceil(size / stride) positions; `valid` keeps the windows that fit whole.

    >>> conv_output_size(28, 5, 1, "same"), conv_output_size(28, 5, 1, "valid")
    (28, 24)
    >>> conv_output_size(28, 5, 2, "same"), conv_output_size(7, 2, 2, "valid")
    (14, 3)
    >>> conv_output_size(4, 5, 1, "valid")
    0
    """
    if padding == "same":
        return -(-size // stride)
    return max((size - window) // stride + 1, 0)


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """Zeros TensorFlow adds before and after one axis under `same` padding.

    total = max((out - 1) * stride + window - size, 0); the smaller half goes first.

    >>> same_padding(28, 5, 1), same_padding(28, 4, 2), same_padding(7, 2, 2)
    ((2, 2), (1, 1), (0, 1))
    """
    out = conv_output_size(size, window, stride, "same")
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def conv_params(kernel: tuple[int, int], in_channels: int, filters: int) -> int:
    """Weights plus one bias per filter.

    >>> conv_params((5, 5), 1, 6)
    156
    """
    return kernel[0] * kernel[1] * in_channels * filters + filters


def dense_params(inputs: int, units: int) -> int:
    """Weights plus one bias per unit.

    >>> dense_params(1176, 128)
    150656
    """
    return inputs * units + units


def batchnorm_params(channels: int) -> tuple[int, int]:
    """(trainable, non-trainable): gamma and beta learn; the moving mean and variance do not.

    >>> batchnorm_params(6)
    (12, 12)
    """
    return 2 * channels, 2 * channels

