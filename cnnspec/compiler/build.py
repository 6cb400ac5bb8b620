"""IR -> Keras 3 model: the only module that imports Keras to build one.

Each IR node becomes the one Keras layer call `cnnspec.compiler.calls` names for it; no shape
is computed here. `to_keras` names the layers as the analyzer does, so a model is named
the same in any session; `build_in_fresh_session` lets Keras name them, to check that claim.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from cnnspec.analysis.analyzer import INPUT_NAME, Analysis, analyze
from cnnspec.atomic import atomic_path
from cnnspec.errors import SpecFitError, cannot_write
from cnnspec.layers.spec import Spec
from cnnspec.compiler.calls import LayerCall, layer_calls
from cnnspec.layers.keras_args import Seed, Seeded
from cnnspec.report import REPORT_SEED


def import_keras():
    """`keras`, without TensorFlow's start-up log lines unless the user asked for them.

    TF_CPP_MIN_LOG_LEVEL=3 hides TensorFlow's C++ info and warnings; the oneDNN notice is
    printed while the library loads, before that setting is read, so stderr is muted for
    the import alone. A user who sets TF_CPP_MIN_LOG_LEVEL gets exactly what they chose.
    """
    if "keras" in sys.modules or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        import keras

        return keras
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with _stderr_muted():
        import keras

    return keras


@contextlib.contextmanager
def _stderr_muted():
    """File descriptor 2 points at /dev/null inside the block (C libraries write there)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to mute
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def to_keras(spec: Spec, seed: int = REPORT_SEED, analysis: Analysis | None = None):
    """A `keras.Sequential` (a functional `keras.Model` for a graph) named after the spec,
    its layers named as the analyzer names them.

    The analysis runs first, so a spec whose sizes don't fit fails with cnnspec's own
    `SpecShapeError` before Keras is imported.
    """
    analysis = analysis or analyze(spec)
    return build(spec, seed, tuple(row.name for row in analysis.rows))


def build_in_fresh_session(spec: Spec, seed: int = REPORT_SEED):
    """The model with no analysis first and the layer names Keras itself gives them.

    Clears the Keras session (its per-class name counters), as in a new process, which is
    where the analyzer's names claim to hold.
    """
    # Without free_memory, it skips a gc.collect() that takes ~0.5 s once TensorFlow is loaded.
    import_keras().backend.clear_session(free_memory=False)
    return build(spec, seed, names=None)


def build(spec: Spec, seed: int = REPORT_SEED, names: tuple[str, ...] | None = None):
    """The model with no analysis first: Keras alone judges the sizes (and names, if None).

    `keras.utils.set_random_seed(seed)` comes first, as in the report ("the number 6570518
    is used as a seed for all random variable initialisation"): it also fixes the output
    layer's unseeded default initialiser, so one spec and one seed give one set of weights.
    A layer Keras refuses raises `SpecFitError` at its line, with Keras's reason.
    """
    keras = import_keras()
    keras.utils.set_random_seed(seed)
    calls = layer_calls(spec, names)
    layers = [_make(keras, call, seed) for call in calls]
    if spec.inputs:
        return _functional(keras, spec, calls, layers)
    try:
        # All layers at once: Sequential.add() rebuilds the whole model after every layer.
        return keras.Sequential([keras.Input(shape=spec.input_shape), *layers], name=spec.name)
    except ValueError as error:
        index, reason = _first_refusal(keras, spec, layers, error)
        raise _refused(spec, calls[index], reason) from reason


def _functional(keras, spec: Spec, calls, layers):
    """A graph through Keras's functional API: each layer called on the tensors it reads."""
    tensors = {-1: keras.Input(shape=spec.input_shape, name=INPUT_NAME)}
    for index, layer in enumerate(layers):
        read = [tensors[source] for source in spec.inputs[index]]
        try:
            tensors[index] = layer(read if spec.layers[index].merges else read[0])
        except ValueError as error:
            raise _refused(spec, calls[index], error) from error
    return keras.Model(tensors[-1], tensors[len(layers) - 1], name=spec.name)


def _make(keras, call: LayerCall, seed: int):
    def value(argument):
        if isinstance(argument, Seeded):
            return getattr(keras.initializers, argument.initializer)(seed=seed)
        return seed if isinstance(argument, Seed) else argument

    return getattr(keras.layers, call.layer)(*call.args, **{key: value(v) for key, v in call.kwargs})


def _first_refusal(keras, spec: Spec, layers: list, error: ValueError) -> tuple[int, ValueError]:
    """Which layer Keras refused, found by calling them in turn on the input."""
    tensor = keras.Input(shape=spec.input_shape)
    for index, layer in enumerate(layers):
        try:
            tensor = layer(tensor)
        except ValueError as refusal:
            return index, refusal
    return 0, error  # no single layer refuses: blame the first


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _refused(spec: Spec, call: LayerCall, error: ValueError) -> SpecFitError:
    # Keras wraps a layer's own message in "Exception encountered when calling ..." and
    # colour codes; the first other line is the reason.
    lines = [line.strip() for line in _ANSI.sub("", str(error)).splitlines()]
    reason = next((line for line in lines if line and not line.startswith("Exception encountered")), str(error))
    return SpecFitError(spec.diagnostic(f"Keras cannot build {call.layer} here: {reason}", call.node.span))


def save_model(model, path: str | Path) -> None:
    """Write `model` to a .keras file atomically; a file that cannot be written is a `RunError`."""
    try:
        with atomic_path(path) as temp:
            model.save(temp)
    except OSError as error:
        raise cannot_write("the model", path, error) from None
