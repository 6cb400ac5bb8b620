"""The static analysis against Keras itself, on generated specs (cnnspec.testing).

Law: for every valid spec, the model Keras builds in a fresh session, naming its layers
itself, has the analyzer's rows (name, type, output shape, trainable and non-trainable
params), totals, model name and printed summary. For a window one too big for its input,
the analyzer refuses the spec at that window's line and Keras refuses to build it (or
builds a zero-sized tensor); for one that just fits, both accept it and agree.
"""

import subprocess
import sys

import pytest
from hypothesis import given, settings

from cnnspec import Spec, SpecShapeError, analyze, parse
from cnnspec.errors import SpecFitError
from cnnspec.render import render_summary
from cnnspec.testing import near_invalid_specs, spec_texts, specs
from conftest import ROOT
from keras_views import analysis_rows, keras_summary, layer_rows

keras = pytest.importorskip("keras")
from cnnspec.compiler.build import build_in_fresh_session  # noqa: E402  (after the skip)


def assert_keras_agrees(analysis, model):
    assert layer_rows(model) == analysis_rows(analysis)
    assert model.count_params() == analysis.total_params
    assert sum(w.numpy().size for w in model.non_trainable_weights) == analysis.non_trainable_params
    assert model.name == analysis.spec.name
    assert keras_summary(model) == render_summary(analysis, "keras")


@given(spec_texts())
def test_every_valid_spec_builds_to_the_analyzed_rows(text):
    analysis = analyze(parse(text))
    assert_keras_agrees(analysis, build_in_fresh_session(analysis.spec))


@given(near_invalid_specs())
def test_a_window_one_too_big_is_refused_by_both_and_one_that_fits_by_neither(miss):
    spec = parse(miss.text)
    if miss.fits:
        analysis = analyze(spec)
        assert_keras_agrees(analysis, build_in_fresh_session(spec))
        return
    with pytest.raises(SpecShapeError) as refused:
        analyze(spec)
    assert refused.value.line == miss.line
    try:
        model = build_in_fresh_session(spec)
    except SpecFitError as error:
        assert isinstance(error.__cause__, ValueError)  # Keras's own refusal
        assert error.line == miss.line
    else:
        assert any(0 in layer.output.shape[1:] for layer in model.layers)


@given(specs())
def test_specs_strategy_gives_spec_objects_the_analyzer_accepts(spec):
    assert isinstance(spec, Spec)
    assert analyze(spec).rows


@settings(max_examples=15)
@given(spec_texts(max_side=6, max_layers=3))
def test_compiled_file_loads_back_as_the_same_model(tmp_path_factory, text):
    from cnnspec.compiler.build import save_model, to_keras

    analysis = analyze(parse(text))
    path = tmp_path_factory.mktemp("compiled") / "model.keras"
    save_model(to_keras(analysis.spec, analysis=analysis), path)
    keras.backend.clear_session()
    assert_keras_agrees(analysis, keras.models.load_model(path, safe_mode=True))


def test_importing_the_strategies_does_not_import_keras():
    code = "import sys, cnnspec.testing; print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
