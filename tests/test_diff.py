"""diff: the report's 1.c vs 1.d vs 1.e comparison, alignment of added layers, every format."""

import csv
import io
import json

import pytest

from cnnspec import analyze, load, parse
from cnnspec.cli import main
from cnnspec.analysis.diff import diff
from cnnspec.render.diff import DIFF_FORMATS, render_diff
from conftest import SPECS
from latex_check import check_latex_table

EXERCISES = [SPECS / f"exercise1{x}.cnn" for x in "bde"]


def report_diff():
    return diff([analyze(load(path)) for path in EXERCISES])


def test_1c_1d_1e_in_one_comparison():
    first = report_diff().rows[0]
    assert [row.name for row in first.rows] == ["conv2d"] * 3
    assert first.changes == (
        ("padding same -> valid", "output 28x28x6 -> 24x24x6", "MACs 117,600 -> 86,400"),
        ("stride 1 -> 2", "output 28x28x6 -> 14x14x6", "MACs 117,600 -> 29,400"),
    )
    dense = report_diff().rows[3]
    assert dense.changes[0] == ("params 150,656 -> 110,720", "MACs 150,528 -> 110,592")
    assert report_diff().total_changes[1] == ("params 152,102 -> 39,206 (-74.2%)", "MACs 269,408 -> 68,312 (-74.6%)")


def test_added_layers_line_up_after_the_shared_ones():
    model1, deeper = (analyze(load(SPECS / f"{stem}.cnn")) for stem in ("model1", "exercise2b"))
    rows = diff([model1, deeper]).rows
    assert [(a.type if a else None, b.type if b else None) for a, b in (r.rows for r in rows)] == [
        ("Conv2D", "Conv2D"), ("MaxPooling2D", "MaxPooling2D"), ("Conv2D", "Conv2D"), ("MaxPooling2D", "MaxPooling2D"),
        (None, "Conv2D"), (None, "MaxPooling2D"),
        ("Flatten", "Flatten"), ("Dense", "Dense"), ("Dense", "Dense"),
    ]
    assert rows[4].changes == (("added conv 2x2x9 s1 same relu",),)


def test_removed_and_replaced_layers_are_named():
    a = analyze(parse("conv 3x3x4 | pool 2 | dropout 0.5 | dense 10"))
    b = analyze(parse("conv 3x3x4 | avgpool 2 | dense 10"))
    changes = [c for row in diff([a, b]).rows for c in row.changes[0]]
    assert "pool 2 s2 valid -> avgpool 2 s2 valid" in changes
    assert "removed dropout 0.5" in changes


def test_identical_specs_have_no_changes():
    a = analyze(load(SPECS / "model3.cnn"))
    result = diff([a, a])
    assert all(row.changes == ((),) for row in result.rows) and result.total_changes == ((),)


@pytest.mark.parametrize("fmt", DIFF_FORMATS)
def test_every_format_renders_the_report_comparison(fmt):
    text = render_diff(report_diff(), fmt)
    if fmt == "json":
        document = json.loads(text)
        assert [s["total_params"] for s in document["specs"]] == [152102, 112166, 39206]
        assert document["rows"][0]["changes"][0][0] == "padding same -> valid"
    elif fmt == "csv":
        records = list(csv.DictReader(io.StringIO(text)))
        assert records[0]["s2_layer"] == "conv 5x5x6 s1 valid relu" and records[-1]["s3_params"] == "39206"
    elif fmt == "latex":
        assert check_latex_table(text) == []
        assert r"padding same $\rightarrow$ valid" in text
    else:
        assert "padding same -> valid" in text
        assert "39,206" in text


def test_cli_diff_needs_two_specs(capsys):
    assert main(["diff", str(EXERCISES[0])]) == 2
    assert "at least two" in capsys.readouterr().err
    assert main(["diff", *map(str, EXERCISES), "--format", "markdown"]) == 0
    assert "| conv 5x5x6 s1 same relu |" in capsys.readouterr().out


def test_cli_diff_of_an_invalid_spec_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.cnn"
    bad.write_text("pool 29\n")
    assert main(["diff", str(EXERCISES[0]), str(bad)]) == 1
    assert "error: the 29x29 pool window does not fit" in capsys.readouterr().err


def _long_spec(layers: int, edited: bool) -> str:
    lines = ["conv 3x3x4"] * layers
    if edited:  # one change, one insertion and one removal, far apart
        lines[layers // 2] = "conv 5x5x4"
        lines.insert(layers // 5, "pool 1")
        del lines[4 * layers // 5]
    return "input 8x8x1\n" + "\n".join(lines) + "\ndense 10\n"


def test_two_10000_layer_specs_diff_in_seconds():
    import time

    base, edited = (analyze(parse(_long_spec(10_000, e))) for e in (False, True))
    start = time.process_time()
    result = diff([base, edited])
    assert time.process_time() - start < 10  # the quadratic alignment took minutes and gigabytes
    changed = [row.changes[0] for row in result.rows if row.changes[0]]
    assert len(result.rows) == 10_000 + 2 + 1
    assert sorted(change[0] for change in changed) == [
        "added pool 1 s1 valid", "kernel 3 -> 5", "removed conv 3x3x4 s1 same relu"]


@pytest.mark.parametrize("a, b", [("exercise1b", "exercise1d"), ("exercise1d", "exercise1e"), ("model1", "model3"),
                                  ("model2", "exercise2b"), ("model3", "model3")])
def test_the_anchored_alignment_agrees_with_the_exact_one_on_the_report_specs(a, b):
    from cnnspec.analysis import diff as diff_module

    base, other = (analyze(load(SPECS / f"{stem}.cnn")).rows for stem in (a, b))
    assert diff_module._anchored_alignment(base, other) == diff_module._exact_alignment(base, other)


def _lcs_length(a, b):
    row = [0] * (len(b) + 1)
    for x in a:
        previous = row[:]
        for j, y in enumerate(b):
            row[j + 1] = previous[j] + 1 if x == y else max(row[j], previous[j + 1])
    return row[-1]


def test_myers_finds_a_longest_common_subsequence():
    from hypothesis import given, strategies as st

    from cnnspec.analysis.diff import _myers

    @given(st.lists(st.integers(0, 3), max_size=30), st.lists(st.integers(0, 3), max_size=30))
    def check(a, b):
        pairs = _myers(a, b, 100)
        assert all(a[i] == b[j] for i, j in pairs)
        assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(pairs, pairs[1:]))
        assert len(pairs) == _lcs_length(a, b)

    check()
