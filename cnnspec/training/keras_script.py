"""Analysed spec -> a standalone Python script in plain Keras 3 that builds, trains and tests it.

The layers are `cnnspec.compiler.calls` written out as source, the same calls `to_keras`
makes, so the script's `build_model()` is the compiled model (weights included). The
training part uses the report's recipe (`cnnspec.training.recipe`) on MNIST.
"""

from __future__ import annotations

from string import Template

from cnnspec.analysis.analyzer import Analysis, LayerRow
from cnnspec.compiler.calls import LayerCall, layer_calls
from cnnspec.layers.keras_args import Seed, Seeded
from cnnspec.render.keras_table import shape_text
from cnnspec.training.recipe import LOSS, MNIST_CLASSES, PIXEL_SCALE, Recipe, check_trainable_on_mnist
from cnnspec.training.script_lines import LINE_LENGTH, wrapped

LAYER_INDENT = " " * 12

_SCRIPT = Template('''\
"""$title in plain Keras 3: build it, train it on MNIST, evaluate it.

Written by `cnnspec emit` from $source. Training follows the study report:
pixels scaled to [0, 1], one-hot labels, categorical cross-entropy, plain SGD with
learning rate $learning_rate, batch size $batch_size, $epochs epochs, and one seed ($seed)
for all random initialisation.

Run `python <this file>`. MNIST comes from keras.datasets.mnist.load_data(), or from the
Keras-layout .npz file that the CNNSPEC_MNIST environment variable names.
"""

import os

import keras
import numpy as np
from keras import initializers, layers

SEED = $seed
EPOCHS = $epochs
BATCH_SIZE = $batch_size
LEARNING_RATE = $learning_rate
INPUT_SHAPE = $input_shape
CLASSES = $classes


${functions}def build_model():
    """The network: $total_params parameters ($trainable_params trainable)."""
    # One seed for all random initialisation, as in the report; it also fixes the output
    # layer's default initialiser, which takes no seed of its own.
    keras.utils.set_random_seed(SEED)
$model


def load_mnist():
    """MNIST as ((x_train, y_train), (x_test, y_test)) uint8 arrays."""
    path = os.environ.get("CNNSPEC_MNIST")
    if path:
        with np.load(path) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    return keras.datasets.mnist.load_data()


def prepare(images, labels):
    """Pixels scaled to [0, 1] in the model's input shape, and one-hot labels."""
    x = images.reshape((len(images), *INPUT_SHAPE)).astype("float32") / $pixel_scale
    return x, keras.utils.to_categorical(labels, CLASSES)


def main():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train, y_train = prepare(x_train, y_train)
    x_test, y_test = prepare(x_test, y_test)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
        loss=$loss,
        metrics=["accuracy"],
    )
    model.summary()
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=BATCH_SIZE, verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.2%}")


if __name__ == "__main__":
    main()
''')


_SEQUENTIAL = Template('''\
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
$layers
        ],
        name=$name,
    )''')


def generate(analysis: Analysis, setup: Recipe = Recipe()) -> str:
    """The script's text, training with `setup`'s hyperparameters; a `SpecFitError` if
    MNIST does not fit the spec's input or output."""
    check_trainable_on_mnist(analysis)
    spec = analysis.spec
    calls = layer_calls(spec, tuple(row.name for row in analysis.rows))
    functions, model = _model(spec, calls, analysis.rows)
    return _SCRIPT.substitute(
        title=_prose(spec.name) or "A network",
        source=_prose(spec.source),
        name=python_literal(spec.name),
        input_shape=python_literal(spec.input_shape),
        classes=MNIST_CLASSES,
        seed=setup.seed,
        epochs=setup.epochs,
        batch_size=setup.batch_size,
        learning_rate=python_literal(setup.lr),
        loss=python_literal(LOSS),
        pixel_scale=PIXEL_SCALE,
        total_params=f"{analysis.total_params:,}",
        trainable_params=f"{analysis.trainable_params:,}",
        model=model,
        functions=functions,
    )


def _model(spec, calls, rows) -> tuple[str, str]:
    """(functions, build_model's body): one function per block where the spec has blocks
    (`block_script`), else a Sequential list of layers for a chain, one assignment per
    layer for a graph (`graph_script`)."""
    if any(spec.calls):
        from cnnspec.language.blocks import definitions
        from cnnspec.training.block_plan import NotContiguous
        from cnnspec.training.block_script import block_functions

        try:
            functions, body = block_functions(spec, calls, rows, _comment, _call_text, python_literal,
                                              definitions(spec.text, spec.source))
            if spec.inputs:
                return functions, body
            return functions, _SEQUENTIAL.substitute(layers=body, name=python_literal(spec.name))
        except NotContiguous:
            pass
    if not spec.inputs:
        layers = "\n".join(_layer(call, row) for call, row in zip(calls, rows))
        return "", _SEQUENTIAL.substitute(layers=layers, name=python_literal(spec.name))
    from cnnspec.training.graph_script import functional_model

    return "", functional_model(spec, calls, rows, _comment, _call_text, python_literal)


def python_literal(value) -> str:
    """A value as Python source, strings in double quotes where that needs no escape.

    >>> python_literal("same"), python_literal("it's"), python_literal((5, 5)), python_literal(0.25)
    ('"same"', '"it\\'s"', '(5, 5)', '0.25')
    """
    if isinstance(value, Seeded):
        return f"initializers.{value.initializer}(seed=SEED)"
    if isinstance(value, Seed):
        return "SEED"
    literal = repr(value)
    if isinstance(value, str) and literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _comment(row: LayerRow, indent: str) -> str:
    """The row as `model.summary()` shows it, as a comment."""
    params = f"{row.params:,} param{'s' * (row.params != 1)}"
    if row.non_trainable_params:
        params += f" ({row.non_trainable_params:,} non-trainable)"
    where = f"line {row.line}: " if row.line else ""
    return f"{indent}# {where}{shape_text(row.output_shape)}, {params}"


def _call_text(call: LayerCall, indent: str, before: str = "", after: str = "") -> str:
    """`{before}layers.X(args){after}` on one line, or wrapped within LINE_LENGTH."""
    pieces = [python_literal(arg) for arg in call.args] + [f"{key}={python_literal(v)}" for key, v in call.kwargs]
    one_line = f"{indent}{before}layers.{call.layer}({', '.join(pieces)}){after}"
    if len(one_line) <= LINE_LENGTH:
        return one_line
    return f"{indent}{before}layers.{call.layer}(\n{wrapped(pieces, indent + '    ')}\n{indent}){after}"


def _layer(call: LayerCall, row: LayerRow) -> str:
    """One list item: a comment with the row as `model.summary()` shows it, then the call."""
    return f"{_comment(row, LAYER_INDENT)}\n{_call_text(call, LAYER_INDENT, after=',')}"


def _prose(text: str) -> str:
    """Text safe inside the script's docstring: printable, no backslash or closing quotes."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown.replace("\\", "/").replace('"""', "'''")
