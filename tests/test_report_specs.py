"""The report's networks: every row and total of its figures, in all three formats."""

import json

import pytest

from cnnspec import analyze, load
from cnnspec.render import render_summary
from report_figures import FIGURES, TOTAL_PARAMS
from conftest import SPECS


@pytest.mark.parametrize("stem", sorted(FIGURES))
def test_rows_equal_the_report_figure(stem):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    rows = [(r.name, r.type, r.output_shape, r.params) for r in analysis.rows]
    assert rows == FIGURES[stem]


@pytest.mark.parametrize("stem", sorted(TOTAL_PARAMS))
def test_totals_equal_the_report(stem):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    assert analysis.total_params == analysis.trainable_params == TOTAL_PARAMS[stem]
    assert analysis.non_trainable_params == 0


@pytest.mark.parametrize("stem", sorted(FIGURES))
def test_json_summary_carries_the_figure(stem):
    summary = json.loads(render_summary(analyze(load(SPECS / f"{stem}.cnn")), "json"))
    assert [(l["name"], l["type"], tuple(l["output_shape"]), l["params"]) for l in summary["layers"]] == [
        (name, kind, (None, *shape), params) for name, kind, shape, params in FIGURES[stem]
    ]
    assert summary["input_shape"] == [28, 28, 1]
    assert summary["total_params"] == TOTAL_PARAMS[stem]
    assert summary["non_trainable_params"] == 0
    assert all(isinstance(layer["line"], int) and layer["line"] > 0 for layer in summary["layers"])


@pytest.mark.parametrize("stem", sorted(FIGURES))
@pytest.mark.parametrize("fmt", ["keras", "markdown"])
def test_text_summaries_show_every_row(stem, fmt):
    text = render_summary(analyze(load(SPECS / f"{stem}.cnn")), fmt)
    for name, kind, shape, params in FIGURES[stem]:
        line = next(l for l in text.splitlines() if f"{name} (" in l)
        assert ", ".join(map(str, shape)) + ")" in line and f"{params:,}" in line
    assert f"Total params: {TOTAL_PARAMS[stem]:,}" in text


def test_model3_macs_match_the_layer_formulas():
    analysis = analyze(load(SPECS / "model3.cnn"))
    conv1 = 28 * 28 * 16 * 7 * 7 * 1
    conv2 = 14 * 14 * 32 * 5 * 5 * 16
    dense = 7 * 7 * 32 * 256 + 256 * 128 + 128 * 10
    assert analysis.total_macs == conv1 + conv2 + dense == 3_558_912
