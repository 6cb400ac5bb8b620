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


def conv_params(kernel: tuple[int, int], in_channels: int, filters: int, groups: int = 1, bias: bool = True) -> int:
    """Weights plus one bias per filter; with `groups`, each filter reads only its group's
    in_channels / groups channels (Keras `Conv2D(groups=...)`).

    >>> conv_params((5, 5), 1, 6), conv_params((3, 3), 8, 16, groups=4), conv_params((1, 1), 8, 16, bias=False)
    (156, 304, 128)
    """
    return kernel[0] * kernel[1] * (in_channels // groups) * filters + filters * bias


def deconv_output_size(size: int, window: int, stride: int, padding: str) -> int:
    """Output length of a transposed convolution along one axis (Keras `Conv2DTranspose`).

    `same` makes size * stride; `valid` adds the part of the last window past that.

    >>> deconv_output_size(7, 3, 2, "same"), deconv_output_size(7, 3, 2, "valid"), deconv_output_size(7, 1, 2, "valid")
    (14, 15, 14)
    """
    if padding == "same":
        return size * stride
    return size * stride + max(window - stride, 0)


def padded_size(size: int, before: int, after: int) -> int:
    """An axis with zeros added on both sides (Keras `ZeroPadding2D`).

    >>> padded_size(224, 3, 3), padded_size(112, 0, 1)
    (230, 113)
    """
    return size + before + after


def dense_params(inputs: int, units: int, bias: bool = True) -> int:
    """Weights plus one bias per unit.

    >>> dense_params(1176, 128), dense_params(1176, 128, bias=False)
    (150656, 150528)
    """
    return inputs * units + units * bias


def batchnorm_params(channels: int, center: bool = True, scale: bool = True) -> tuple[int, int]:
    """(trainable, non-trainable): gamma (`scale`) and beta (`center`) learn; the moving
    mean and variance do not.

    >>> batchnorm_params(6), batchnorm_params(6, scale=False)
    ((12, 12), (6, 12))
    """
    return channels * (center + scale), 2 * channels

