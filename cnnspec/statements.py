"""IR -> .cnn text: each node written as the statement that builds it, in canonical order.

The formatter writes files with it, and explain/diff/draw label layers with it, so a layer
always reads the same way it would be typed.
"""

from __future__ import annotations

from decimal import Decimal

from .ir import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Layer, Pool, Spec
from .shapes import size_text

ALL_OPTIONS = frozenset({"stride", "padding", "activation"})


def pair_text(pair: tuple[int, int]) -> str:
    """A window or stride, in the short form when both axes agree.

    >>> pair_text((2, 2)), pair_text((2, 3))
    ('2', '2x3')
    """
    return str(pair[0]) if pair[0] == pair[1] else size_text(pair)


def rate_text(rate: float) -> str:
    """The shortest decimal that reads back as the same float, always with a point.

    >>> rate_text(0.5), rate_text(1e-05), rate_text(0.0)
    ('0.5', '0.00001', '0.0')
    """
    text = format(Decimal(repr(rate)), "f")
    return text if "." in text else text + ".0"


def layer_statement(layer: Layer, options=ALL_OPTIONS) -> str:
    """The statement for `layer`, writing only the optional parts named in `options`
    (stride, padding, activation), always in that order.

    >>> layer_statement(Conv(6, (5, 5)))
    'conv 5x5x6 s1 same relu'
    >>> layer_statement(Pool((2, 2), (2, 2)), options={"padding"})
    'pool 2 valid'
    """
    if isinstance(layer, Conv):
        words = ["conv", size_text((*layer.kernel, layer.filters))]
    elif isinstance(layer, Pool):
        words = ["avgpool" if isinstance(layer, AvgPool) else "pool", pair_text(layer.window)]
    elif isinstance(layer, Dense):
        words = ["dense", str(layer.units)]
    elif isinstance(layer, Dropout):
        return f"dropout {rate_text(layer.rate)}"
    elif isinstance(layer, Flatten):
        return "flatten"
    elif isinstance(layer, BatchNorm):
        return "batchnorm"
    else:  # pragma: no cover - every IR node is handled above
        raise TypeError(f"no statement for {type(layer).__name__}")
    if "stride" in options and isinstance(layer, (Conv, Pool)):
        words.append("s" + pair_text(layer.strides))
    if "padding" in options and isinstance(layer, (Conv, Pool)):
        words.append(layer.padding)
    if "activation" in options and isinstance(layer, (Conv, Dense)):
        words.append(layer.activation)
    return " ".join(words)


def header_statements(spec: Spec) -> tuple[str, str]:
    """The name and input statements of a spec.

    >>> header_statements(Spec("Model 3"))
    ('name "Model 3"', 'input 28x28x1')
    """
    return f'name "{spec.name}"', f"input {size_text(spec.input_shape)}"
