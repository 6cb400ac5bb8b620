"""Every registered layer kind goes through every pass; a kind missing a behaviour fails here.

The law: for each kind in `cnnspec.layers.KINDS`, a statement its own `example` draws
parses to that kind, analyzes to the output shape the example claims (computed with the
tests' window count, not cnnspec's), and then survives `fmt`, `explain` (text and JSON),
lints, `diff`, `draw`, `emit` and `verify` against a Keras model built from it. A kind
whose outputs have no receptive field explain can state (upsampling, transposed
convolution, a reshape onto a new grid) must make explain refuse at its line instead. The
strategies of `cnnspec.testing` draw every kind, so the differential tests cover it.
"""

import importlib.util
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnspec import analyze, parse
from cnnspec.render.diagram import layout
from cnnspec.analysis.diff import diff
from cnnspec.language.formatter import format_text
from cnnspec.layers import BY_KEYWORD, KINDS, Conv, Layer, missing_behaviours
from cnnspec.layers.base import BEHAVIOURS
from cnnspec.analysis.lints import lint
from cnnspec.analysis.receptive_field import UNFOLLOWED, explain
from cnnspec.errors import SpecShapeError
from cnnspec.render import svg
from cnnspec.render.explain import render_json, render_text
from cnnspec.testing import MAP_KINDS, MERGE_KINDS, OUTPUT_KIND, TO_VECTOR_KINDS, VECTOR_KINDS, ExampleContext

INPUT = (28, 28, 1)  # MNIST's, so that `emit` writes a script for every spec here


def spec_around(statement: str) -> str:
    return f"input {'x'.join(map(str, INPUT))}\n{statement}\ndense 10 softmax\n"


def kind_row(analysis, kind):
    """The row of the statement under test: the first of its kind (the spec's own output dense comes last)."""
    return next(row for row in analysis.rows if type(row.layer) is kind and not getattr(row.layer, "implicit", False))


def static_passes(kind, text: str, expected_shape) -> None:
    """Everything that needs no Keras; raises where a kind cannot answer."""
    spec = parse(text)
    analysis = analyze(spec)
    row = kind_row(analysis, kind)
    assert row.output_shape == expected_shape
    assert row.type == kind.keras_type
    # fmt: the canonical text, and each layer's own statement, read back as the same spec
    assert parse(format_text(text)) == spec
    assert parse(format_text(text, explicit=True)) == spec
    assert parse("input 28x28x1\n" + "\n".join(layer.statement() for layer in spec.layers)) == spec
    if row.layer.reading() in UNFOLLOWED:  # explain refuses, at the layer, rather than guess
        with pytest.raises(SpecShapeError, match=f":{row.layer.span.line}:.*explain cannot follow {re.escape(row.layer.statement())}"):
            explain(analysis)
    else:
        fields = explain(analysis)
        assert row.layer.statement() in render_text(analysis, fields)
        render_json(analysis, fields)
    lint(analysis)
    assert row.layer.weights_text(row.input_shape, row.output_shape)  # the dominant-layer lint's wording
    without = analyze(parse(spec_around("")))
    changes = [change for line in diff([without, analysis]).rows for changes in line.changes for change in changes]
    if spec != without.spec:  # an explicit flatten equals the one cnnspec inserts
        assert any(row.layer.statement() in change for change in changes)  # added, or in place of a flatten
    drawing = layout(analysis)
    assert " ".join(row.layer.statement().split()[:2]) in drawing.labels
    svg.render(drawing)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.keyword)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_static_pass_handles_every_kind(kind, data):
    statement, shape = data.draw(st.composite(lambda draw: kind.example(draw, st, INPUT, ExampleContext(8)))())
    static_passes(kind, spec_around(statement), shape)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.keyword)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_keras_builds_emits_and_verifies_every_kind(kind, data, tmp_path_factory):
    pytest.importorskip("keras")
    from cnnspec import to_keras
    from cnnspec.training.keras_script import generate
    from cnnspec.compiler.verify import compare, keras_rows, verify

    statement, _ = data.draw(st.composite(lambda draw: kind.example(draw, st, INPUT, ExampleContext(8)))())
    analysis = analyze(parse(spec_around(statement)))
    assert verify(analysis).agrees
    script = tmp_path_factory.mktemp("emit") / "model.py"
    script.write_text(generate(analysis))
    module_spec = importlib.util.spec_from_file_location("emitted", script)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    assert keras_rows(module.build_model()) == keras_rows(to_keras(analysis.spec))
    assert compare(analysis, module.build_model()).agrees


def test_the_strategies_draw_every_kind():
    assert set(MAP_KINDS + TO_VECTOR_KINDS + VECTOR_KINDS + MERGE_KINDS + (OUTPUT_KIND,)) == set(KINDS)


def test_every_kind_answers_for_every_behaviour():
    assert {kind: missing_behaviours(kind) for kind in KINDS} == {kind: () for kind in KINDS}
    assert len(BY_KEYWORD) == len(KINDS)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_kind_missing_a_behaviour_fails_the_conformance_test(behaviour, monkeypatch):
    """A conv that lost one behaviour: registration refuses it, and the passes raise at once."""
    untaught = type("Untaught", (Conv,), {behaviour: vars(Layer)[behaviour]})
    assert missing_behaviours(untaught) == (behaviour,)
    monkeypatch.setitem(BY_KEYWORD, "conv", untaught)
    with pytest.raises(NotImplementedError, match="Untaught has no"):
        if behaviour == "example":
            untaught.example(None, st, INPUT, ExampleContext(8))  # raises before it draws
        elif behaviour == "keras_call":
            from cnnspec.compiler.calls import layer_calls

            layer_calls(parse(spec_around("conv 3x3x2")), None)
        else:
            static_passes(untaught, spec_around("conv 3x3x2 s2"), (14, 14, 2))
