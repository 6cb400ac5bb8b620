"""How the tests read a Keras model, straight from its layers (independent of cnnspec.compiler.verify)."""

import math


def keras_summary(model) -> str:
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text))
    return "".join(lines)


def layer_rows(model) -> list[tuple]:
    """(name, type, output shape without the batch axis, trainable, non-trainable) per layer."""
    return [
        (
            layer.name,
            type(layer).__name__,
            tuple(layer.output.shape[1:]),
            sum(math.prod(w.shape) for w in layer.trainable_weights),
            sum(math.prod(w.shape) for w in layer.non_trainable_weights),
        )
        for layer in model.layers
    ]


def analysis_rows(analysis) -> list[tuple]:
    return [(r.name, r.type, r.output_shape, r.trainable_params, r.non_trainable_params) for r in analysis.rows]
