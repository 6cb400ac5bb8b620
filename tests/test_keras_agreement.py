"""The analyzer against Keras itself: the report's specs build to the same rows and print
the same `model.summary()` table, byte for byte."""

import pytest

from cnnspec import analyze, load, parse, to_keras
from cnnspec.render import render_summary
from conftest import SPECS
from keras_views import keras_summary
from report_figures import FIGURES, TOTAL_PARAMS

keras = pytest.importorskip("keras")

REPORT_SPECS = sorted(SPECS.glob("*.cnn"))


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("columns", ["80", "200", "60"])
def test_keras_format_equals_model_summary(path, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    spec = load(path)
    analysis = analyze(spec)
    assert render_summary(analysis, "keras") == keras_summary(to_keras(spec))


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_every_row_equals_the_keras_layer(path):
    spec = load(path)
    analysis = analyze(spec)
    model = to_keras(spec)
    keras_rows = [
        (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers
        if type(layer).__name__ != "InputLayer"  # a graph's functional model lists its input
    ]
    rows = analysis.rows
    if spec.inputs:  # and its layers in Keras's own order, which the analysis knows
        from cnnspec.analysis.graph import keras_order

        rows = [rows[index] for index in keras_order(spec) if index >= 0]
    assert keras_rows == [(r.name, r.type, r.output_shape, r.params) for r in rows]
    assert model.count_params() == analysis.total_params
    assert model.name == spec.name


def test_batchnorm_and_dropout_agree_with_keras(monkeypatch):
    from cnnspec import parse

    monkeypatch.setenv("COLUMNS", "100")
    spec = parse('name "bn"\ninput 15x9x3\nconv 3x2x5 s2x1 valid | batchnorm | avgpool 2x3 s1 same\ndropout 0.25 | dense 7 tanh | batchnorm | dense 10')
    analysis = analyze(spec)
    model = to_keras(spec)
    assert render_summary(analysis, "keras") == keras_summary(model)
    assert sum(int(w.numpy().size) for w in model.non_trainable_weights) == analysis.non_trainable_params == 2 * 5 + 2 * 7


@pytest.mark.parametrize("stem", sorted(TOTAL_PARAMS))
def test_compiled_report_models_equal_the_report(stem):
    """Keras's own rows and totals for the compiled specs are the report's Figures 2, 3, 4
    and 6 and the parameter counts of Tables 1 and 2 (as corrected in specs/model2.cnn)."""
    model = to_keras(load(SPECS / f"{stem}.cnn"))
    if stem in FIGURES:
        rows = [(layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
        assert rows == FIGURES[stem]
    assert model.count_params() == TOTAL_PARAMS[stem]
    assert not model.non_trainable_weights


@pytest.mark.parametrize("name", ["a[b]", "[bold]x", "back\\\\slash [i]", "a:smile:"])
def test_a_name_with_markup_characters_prints_as_keras_prints_it(name, monkeypatch):
    from cnnspec import parse

    monkeypatch.setenv("COLUMNS", "100")
    spec = parse(f'name "{name}"\ninput 4 | dense 10')
    assert render_summary(analyze(spec), "keras") == keras_summary(to_keras(spec))


def test_a_name_ending_in_a_backslash_prints_as_keras_prints_it():
    """Keras prints rich.markup.escape(name) as markup: a trailing backslash comes out doubled."""
    spec = parse('name "\\\\" | input 1x1x1 | dropout 0 | dense 1')
    assert render_summary(analyze(spec), "keras") == keras_summary(to_keras(spec))
