"""IR -> Keras 3 model: one IR node, one Keras layer call; no shape is computed here.

Layers are built as the report built them (its exercise scripts): TruncatedNormal
initialisers seeded with the report's seed for convolutions and hidden dense layers, and
Keras's defaults for the output layer, which the report's code left untouched.
"""

from __future__ import annotations

from .analyzer import Analysis, analyze
from .ir import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Pool, Spec

REPORT_SEED = 6570518


def to_keras(spec: Spec, seed: int = REPORT_SEED, analysis: Analysis | None = None):
    """A `keras.Sequential` named after the spec, its layers named as the analyzer names them."""
    import keras

    analysis = analysis or analyze(spec)
    last_dense = max((i for i, layer in enumerate(spec.layers) if isinstance(layer, Dense)), default=-1)

    def seeded():
        return {
            "kernel_initializer": keras.initializers.TruncatedNormal(seed=seed),
            "bias_initializer": keras.initializers.TruncatedNormal(seed=seed),
        }

    layers = [keras.Input(shape=spec.input_shape)]
    for index, (layer, row) in enumerate(zip(spec.layers, analysis.rows)):
        if isinstance(layer, Conv):
            built = keras.layers.Conv2D(
                layer.filters, layer.kernel, strides=layer.strides, padding=layer.padding,
                activation=layer.activation, name=row.name, **seeded(),
            )
        elif isinstance(layer, Pool):
            pooling = keras.layers.AveragePooling2D if isinstance(layer, AvgPool) else keras.layers.MaxPooling2D
            built = pooling(layer.window, strides=layer.strides, padding=layer.padding, name=row.name)
        elif isinstance(layer, Dense):
            initialisers = {} if index == last_dense else seeded()
            built = keras.layers.Dense(layer.units, activation=layer.activation, name=row.name, **initialisers)
        elif isinstance(layer, Flatten):
            built = keras.layers.Flatten(name=row.name)
        elif isinstance(layer, Dropout):
            built = keras.layers.Dropout(layer.rate, seed=seed, name=row.name)
        elif isinstance(layer, BatchNorm):
            built = keras.layers.BatchNormalization(name=row.name)
        else:  # pragma: no cover - every IR node is handled above
            raise TypeError(f"no Keras layer for {type(layer).__name__}")
        layers.append(built)
    return keras.Sequential(layers, name=spec.name)
