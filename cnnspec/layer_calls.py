"""IR -> the Keras layer call each node becomes, as plain data: one node, one call.

`to_keras` makes these calls and `cnnspec emit` writes them out as Python, so the model
built in memory and the one an emitted script builds are the same by construction.
Nothing here imports Keras or computes a shape: sizes are Keras's business, names the
analyzer's.

The report's conventions (its exercise scripts): convolutions and hidden dense layers
draw kernels and biases from TruncatedNormal seeded with the run's seed; the output dense
layer keeps Keras's defaults, which the report's code left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Layer, Pool, Spec


@dataclass(frozen=True)
class Seed:
    """Stands for the run's seed: an int in `to_keras`, the constant `SEED` in a script."""


SEED = Seed()


@dataclass(frozen=True)
class Seeded:
    """A fresh `keras.initializers.<initializer>(seed=SEED)` for each use.

    Keras 3 initialisers given an int seed draw the same values on every call, so two
    layers of one shape start equal; that is how the report's code behaved, and kept.
    """

    initializer: str


TRUNCATED_NORMAL = Seeded("TruncatedNormal")
SEEDED_WEIGHTS = (("kernel_initializer", TRUNCATED_NORMAL), ("bias_initializer", TRUNCATED_NORMAL))


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


def _conv(layer: Conv, is_output: bool):
    return "Conv2D", (layer.filters, layer.kernel), (
        ("strides", layer.strides), ("padding", layer.padding), ("activation", layer.activation), *SEEDED_WEIGHTS,
    )


def _pool(layer: Pool, is_output: bool):
    kind = "AveragePooling2D" if isinstance(layer, AvgPool) else "MaxPooling2D"
    return kind, (layer.window,), (("strides", layer.strides), ("padding", layer.padding))


def _dense(layer: Dense, is_output: bool):
    return "Dense", (layer.units,), (("activation", layer.activation), *(() if is_output else SEEDED_WEIGHTS))


def _flatten(layer: Flatten, is_output: bool):
    return "Flatten", (), ()


def _dropout(layer: Dropout, is_output: bool):
    # The report used no dropout; seeding its masks too keeps a whole run repeatable.
    return "Dropout", (layer.rate,), (("seed", SEED),)


def _batchnorm(layer: BatchNorm, is_output: bool):
    return "BatchNormalization", (), ()


_CALLS = {Conv: _conv, Pool: _pool, AvgPool: _pool, Dense: _dense, Flatten: _flatten, Dropout: _dropout, BatchNorm: _batchnorm}


def layer_calls(spec: Spec, names: tuple[str, ...] | None) -> tuple[LayerCall, ...]:
    """The Keras layer call for each of the spec's layers, named `names[i]` (by Keras if None)."""
    output = output_dense_index(spec)
    calls = []
    for index, node in enumerate(spec.layers):
        layer, args, kwargs = _CALLS[type(node)](node, index == output)
        named = () if names is None else (("name", names[index]),)
        calls.append(LayerCall(layer, args, (*kwargs, *named), node))
    return tuple(calls)
