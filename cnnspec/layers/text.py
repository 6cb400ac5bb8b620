"""The text form of values and of a spec's header, as the language writes them.

Each layer kind writes its own statement (`Layer.statement`) with these; the formatter
writes files with them, and explain/diff/draw label layers with them, so a layer always
reads the same way it would be typed.
"""

from __future__ import annotations

from cnnspec.layers.spec import Spec
from cnnspec.layers.shapes import size_text


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
    from decimal import Decimal  # only a dropout's text needs it, and it costs every start 1 ms

    text = format(Decimal(repr(rate)), "f")
    return text if "." in text else text + ".0"


def header_statements(spec: Spec) -> tuple[str, str]:
    """The name and input statements of a spec.

    >>> header_statements(Spec("Model 3"))
    ('name "Model 3"', 'input 28x28x1')
    """
    return f'name "{spec.name}"', f"input {size_text(spec.input_shape)}"
