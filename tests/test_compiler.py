"""The Keras compiler: the report's initialisers and seed, `compile`, `emit` and `verify`."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from cnnspec import analyze, load, parse, to_keras
from cnnspec.cli import main
from cnnspec.errors import RunError, SpecFitError
from cnnspec.render import render_summary
from conftest import ROOT, SPECS
from keras_views import keras_summary

keras = pytest.importorskip("keras")

from cnnspec.compiler.build import build  # noqa: E402  (after the skip)
from cnnspec.compiler.verify import SummaryRow, compare, compare_rows, report  # noqa: E402

REPORT_SEED = 6570518
# Every layer kind, non-square windows and strides, both paddings, two hidden dense layers.
EVERY_LAYER = """name "every layer"
input 28x28x1
conv 5x3x4 s2x1 valid tanh | batchnorm | avgpool 2x3 s1 same
conv 3x3x6 | pool 2 | dropout 0.25
flatten | dense 16 | batchnorm | dense 12 relu | dropout 0.5
dense 10
"""


def weights_equal(first, second) -> bool:
    return len(first.weights) == len(second.weights) and all(
        np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights())
    )


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- initial weights ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [EVERY_LAYER, (SPECS / "model3.cnn").read_text()], ids=["every-layer", "model3"])
def test_one_spec_and_one_seed_give_identical_initial_weights(text):
    spec = parse(text)
    first = to_keras(spec)
    keras.utils.set_random_seed(1)  # whatever the global state was, to_keras resets it
    assert weights_equal(first, to_keras(spec))
    other = to_keras(spec, seed=REPORT_SEED + 1)
    # Every seeded weight moves with the seed (zero-initialised biases and batchnorm
    # statistics cannot); so does the output layer's unseeded default kernel.
    moved = [not np.array_equal(a, b) for a, b in zip(first.get_weights(), other.get_weights())]
    assert sum(moved) == sum(np.any(w != w.flat[0]) for w in first.get_weights())


def test_initialisers_are_the_reports():
    model = to_keras(parse(EVERY_LAYER))
    seeded = {layer.name for layer in model.layers if hasattr(layer, "kernel_initializer")} - {"dense_2"}
    assert seeded == {"conv2d", "conv2d_1", "dense", "dense_1"}
    for name in seeded:
        layer = model.get_layer(name)
        for initializer in (layer.kernel_initializer, layer.bias_initializer):
            assert type(initializer) is keras.initializers.TruncatedNormal
            assert initializer.seed == REPORT_SEED
    output = model.get_layer("dense_2")  # the report left the output layer at Keras's defaults
    assert type(output.kernel_initializer) is keras.initializers.GlorotUniform
    assert type(output.bias_initializer) is keras.initializers.Zeros


def test_a_layer_keras_refuses_is_an_error_at_its_line():
    with pytest.raises(SpecFitError) as refused:  # a spec error: it has a line and column
        build(parse("input 4x4x1\nconv 3x3x2\npool 5 s1"))
    assert (refused.value.line, refused.value.column) == (3, 1)
    assert "Keras cannot build MaxPooling2D here: Computed output size would be zero or negative" in refused.value.message
    assert "\x1b" not in str(refused.value)


# --- compile ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [EVERY_LAYER, (SPECS / "exercise2b.cnn").read_text()], ids=["every-layer", "exercise2b"])
def test_compile_writes_a_model_that_loads_back_the_same(tmp_path, text, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    spec_path = write(tmp_path, "net.cnn", text)
    out = tmp_path / "net.keras"
    assert main(["compile", spec_path, "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"{out}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.cnn", "net.keras"]  # no temporary left
    loaded = keras.models.load_model(out, safe_mode=True)
    analysis = analyze(load(spec_path))
    assert keras_summary(loaded) == render_summary(analysis, "keras")
    assert weights_equal(loaded, to_keras(analysis.spec))


def test_compile_defaults_to_the_spec_name_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["compile", str(SPECS / "exercise1e.cnn")]) == 0
    assert (tmp_path / "exercise1e.keras").is_file()
    assert capsys.readouterr().out == "exercise1e.keras: exercise1e: 5 layers, 39,206 params, untrained (seed 6570518)\n"


def test_compile_of_standard_input_is_named_model(tmp_path, monkeypatch, capsys):
    import io
    import sys

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"input 4 | dense 10\n")))
    assert main(["compile", "-"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]  # not "-.keras"


def test_compile_of_an_invalid_spec_leaves_the_old_file(tmp_path, capsys):
    out = tmp_path / "net.keras"
    out.write_bytes(b"old")
    assert main(["compile", write(tmp_path, "bad.cnn", "input 4x4x1\npool 5"), "-o", str(out)]) == 1
    assert "bad.cnn:2:1: error: the 5x5 pool window does not fit" in capsys.readouterr().err
    assert out.read_bytes() == b"old"


def test_compile_to_a_missing_folder_or_wrong_suffix(tmp_path, capsys):
    spec = str(SPECS / "exercise1b.cnn")
    missing = tmp_path / "no" / "net.keras"
    assert main(["compile", spec, "-o", str(missing)]) == 1
    assert f"{missing}: error: cannot write the model: No such file or directory" in capsys.readouterr().err
    assert main(["compile", spec, "-o", str(tmp_path / "net.h5")]) == 2
    assert "Keras 3 saves models as .keras files" in capsys.readouterr().err


# --- emit ---------------------------------------------------------------------------------


def import_script(path):
    """The emitted script as a module: defining it runs nothing (main() is guarded)."""
    module_spec = importlib.util.spec_from_file_location(f"emitted_{path.stem}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


EMIT_CASES = {path.stem: path.read_text() for path in sorted(SPECS.glob("*.cnn"))}
EMIT_CASES["every-layer"] = EVERY_LAYER
EMIT_CASES["vector"] = 'name "it\'s a vector"\ninput 784\ndense 32 | dropout 0.2 | dense 10'


@pytest.mark.parametrize("stem", sorted(EMIT_CASES))
def test_emitted_script_builds_the_compiled_model(stem, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    spec_path = write(tmp_path, f"{stem}.cnn", EMIT_CASES[stem])
    script = tmp_path / "emitted.py"
    assert main(["emit", spec_path, "-o", str(script)]) == 0
    assert main(["emit", spec_path]) == 0
    assert capsys.readouterr().out.endswith(script.read_text())  # -o writes what stdout shows
    model = import_script(script).build_model()
    analysis = analyze(load(spec_path))
    assert keras_summary(model) == render_summary(analysis, "keras")
    assert weights_equal(model, to_keras(analysis.spec))


def test_emitted_script_trains_and_evaluates(tmp_path, monkeypatch, capsys):
    """The whole script on a tiny stand-in for MNIST, one epoch: it loads, prepares, fits, tests."""
    rng = np.random.default_rng(0)
    data = tmp_path / "tiny-mnist.npz"
    np.savez(
        data,
        x_train=rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, 200, dtype=np.uint8),
        x_test=rng.integers(0, 256, (50, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 50, dtype=np.uint8),
    )
    script = tmp_path / "exercise2b.py"
    assert main(["emit", str(SPECS / "exercise2b.cnn"), "-o", str(script)]) == 0
    module = import_script(script)
    assert (module.SEED, module.EPOCHS, module.BATCH_SIZE, module.LEARNING_RATE) == (6570518, 50, 100, 0.05)
    monkeypatch.setenv("CNNSPEC_MNIST", str(data))
    monkeypatch.setattr(module, "EPOCHS", 1)
    x, y = module.prepare(*module.load_mnist()[1])
    assert x.shape == (50, 28, 28, 1) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.shape == (50, 10) and (y.sum(axis=1) == 1).all()
    module.main()
    out = capsys.readouterr().out
    assert "2/2 - " in out and "test accuracy" in out  # one epoch of 200 images in batches of 100


def test_emit_refuses_a_spec_mnist_does_not_fit(tmp_path, capsys):
    assert main(["emit", write(tmp_path, "c.cnn", "input 32x32x3\nconv 3x3x4\ndense 12\n")]) == 1
    err = capsys.readouterr().err
    assert "c.cnn:1:1: error: MNIST: the data are 28x28x1 with 10 classes; the spec's input is 32x32x3" in err
    assert "c.cnn:3:1: error: MNIST: the data are 28x28x1 with 10 classes, and the recipe trains a softmax" in err


@pytest.mark.parametrize("shape", ["28x14x2", "14x56x1", "784x1x1"])
def test_emit_refuses_mnist_in_another_shape_of_784_values(tmp_path, capsys, shape):
    # Issue 12: these used to be accepted, the images reshaped so neighbouring pixels became channels.
    assert main(["emit", write(tmp_path, "c.cnn", f"name \"x\"\ninput {shape}\nconv 1x1x4\ndense 10\n")]) == 1
    err = capsys.readouterr().err
    assert f"c.cnn:2:1: error: MNIST: the data are 28x28x1 with 10 classes; the spec's input is {shape}" in err
    assert "    input" in err and "    ^" in err


def test_emit_accepts_the_flattened_vector_input(tmp_path, capsys):
    assert main(["emit", write(tmp_path, "v.cnn", "input 784\ndense 32\ndense 10\n")]) == 0


# --- verify -------------------------------------------------------------------------------


def test_verify_agrees_on_every_report_spec(capsys):
    assert main(["verify", str(SPECS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8  # the report's seven and the residual network
    assert f"{SPECS / 'model3.cnn'}: Model 3: all 8 rows agree with Keras (449,482 params, 0 non-trainable)" in lines
    assert f"{SPECS / 'residual.cnn'}: Residual MNIST: all 17 rows agree with Keras (33,162 params, 0 non-trainable)" in lines


def test_verify_prints_the_differing_rows_and_exits_1(tmp_path, monkeypatch, capsys):
    """Keras is handed a different network than the analysed one (conv 5x5 instead of 3x3)."""
    import cnnspec.compiler.build as backend

    real = backend.build_in_fresh_session
    monkeypatch.setattr(backend, "build_in_fresh_session", lambda spec, seed: real(parse("input 8x8x1\nconv 5x5x2 valid | dense 10", "x")))
    spec_path = write(tmp_path, "x.cnn", "input 8x8x1\nconv 3x3x2 valid | dense 10")
    assert main(["verify", spec_path]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{spec_path}: x: 3 of 3 rows differ from Keras",
        "  row 1, conv2d (Conv2D): output shape: cnnspec (None, 6, 6, 2), Keras (None, 4, 4, 2)",
        "  row 1, conv2d (Conv2D): trainable params: cnnspec 20, Keras 52",
        "  row 2, flatten (Flatten): output shape: cnnspec (None, 72), Keras (None, 32)",
        "  row 3, dense (Dense): trainable params: cnnspec 730, Keras 330",
        "  totals (trainable, non-trainable): cnnspec 750, 0; Keras 382, 0",
    ]


def test_compare_reports_missing_rows_and_names():
    row = SummaryRow("dense", "Dense", (10,), 1290, 0)
    extra = SummaryRow("dropout", "Dropout", (10,), 0, 0)
    differences = compare_rows((row,), (row, extra))
    assert [(d.index, d.cnnspec, d.keras, d.fields) for d in differences] == [(1, None, extra, ("row",))]
    analysis = analyze(parse('name "a"\ninput 4\ndense 10'))
    verification = compare(analysis, to_keras(parse('name "b"\ninput 4\ndense 10')))
    assert not verification.agrees and not verification.differences
    assert report(verification, "a.cnn").splitlines() == [
        "a.cnn: a: its 1 row agrees, but the model does not",
        "  model name: cnnspec 'a', Keras 'b'",
    ]


def test_verify_of_an_invalid_spec_exits_1(tmp_path, capsys):
    assert main(["verify", write(tmp_path, "bad.cnn", "input 4x4x1 | conv 5x5x1 valid"), str(SPECS / "exercise1b.cnn")]) == 1
    captured = capsys.readouterr()
    assert "bad.cnn:1:15: error: the 5x5 kernel does not fit" in captured.err
    assert "exercise1b: all 5 rows agree" in captured.out


def test_keras_commands_print_no_tensorflow_noise(tmp_path):
    """TensorFlow's start-up log lines stay hidden unless TF_CPP_MIN_LOG_LEVEL is set."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out = tmp_path / "m.keras"
    code = (
        "from cnnspec.cli import main\n"
        f"assert main(['verify', {str(SPECS / 'exercise1b.cnn')!r}]) == 0\n"
        f"assert main(['compile', {str(SPECS / 'exercise1b.cnn')!r}, '-o', {str(out)!r}]) == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("argv", [["compile"], ["emit"], ["verify"], ["compile", "x.cnn", "--seed", "one"]])
def test_misuse_of_the_keras_commands_exits_2(argv):
    assert main(argv) == 2
