"""IR -> the Keras layer call each node becomes, as plain data: one node, one call.

Each kind names its own call (`Layer.keras_call`); `to_keras` makes these calls and
`cnnspec emit` writes them out as Python, so the model built in memory and the one an
emitted script builds are the same by construction. Nothing here imports Keras or
computes a shape: sizes are Keras's business, names the analyzer's.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnspec.layers.spec import Spec
from cnnspec.layers import Dense, Layer


@dataclass(frozen=True)
class LayerCall:
    """`keras.layers.<layer>(*args, **dict(kwargs))`, made for the IR node `node`."""

    layer: str
    args: tuple
    kwargs: tuple[tuple[str, object], ...]
    node: Layer


def output_dense_index(spec: Spec) -> int:
    """Position of the output layer, the last dense one (-1 when there is none).

    >>> from cnnspec import parse
    >>> output_dense_index(parse("input 4 | dense 8 | dense 10 | dropout 0.5"))
    1
    """
    return max((i for i, layer in enumerate(spec.layers) if isinstance(layer, Dense)), default=-1)


def layer_calls(spec: Spec, names: tuple[str, ...] | None) -> tuple[LayerCall, ...]:
    """The Keras layer call for each of the spec's layers, named `names[i]` (by Keras if None)."""
    output = output_dense_index(spec)
    calls = []
    for index, node in enumerate(spec.layers):
        layer, args, kwargs = node.keras_call(index == output)
        named = () if names is None else (("name", names[index]),)
        calls.append(LayerCall(layer, args, (*kwargs, *named), node))
    return tuple(calls)
