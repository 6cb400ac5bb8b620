"""explain: the report's sections 1.c-1.e and 2.b in numbers, golden files for every report
spec, the JSON schema, and the command line."""

import json
import os

import pytest

from cnnspec import analyze, parse
from cnnspec.cli import main
from cnnspec.analysis.receptive_field import axis_windows, explain
from cnnspec.render.explain import explain_dict, render_json, render_text
from conftest import ROOT, SPECS

GOLDEN = ROOT / "tests" / "golden" / "explain"
REPORT_STEMS = sorted(p.stem for p in SPECS.glob("*.cnn"))


def report(stem):
    """A report spec, its source named relative to the repository so golden text is portable."""
    return analyze(parse((SPECS / f"{stem}.cnn").read_text("utf-8"), f"specs/{stem}.cnn"))


def layer(stem, index):
    analysis = report(stem)
    return explain_dict(analysis, explain(analysis))["layers"][index]


def test_1c_same_padding_with_stride_1_centres_a_window_on_every_pixel():
    conv = layer("exercise1b", 0)
    assert conv["padding"] == {"top": 2, "bottom": 2, "left": 2, "right": 2}
    assert conv["centres"] == {"rows": list(range(28)), "cols": list(range(28))}
    assert conv["dropped"] == {"rows": [], "cols": []}


def test_1d_without_padding_the_centres_are_pixels_3_to_26_counting_from_1():
    conv = layer("exercise1d", 0)
    assert conv["padding"] == {"top": 0, "bottom": 0, "left": 0, "right": 0}
    assert conv["centres"]["rows"] == conv["centres"]["cols"] == list(range(2, 26))
    text = render_text(report("exercise1d"), explain(report("exercise1d")), only=1)
    assert "Window centres: rows and columns 3, 4, ..., 26 of its 28x28 input." in text


def test_1e_stride_2_same_padding_centres_the_windows_on_the_even_pixels():
    # The report says the uneven pixels; TensorFlow pads 1 before and 2 after
    # (total (14 - 1) * 2 + 5 - 28 = 3), so the first window is centred on pixel 2.
    conv = layer("exercise1e", 0)
    assert conv["padding"] == {"top": 1, "bottom": 2, "left": 1, "right": 2}
    assert conv["centres"]["rows"] == conv["centres"]["cols"] == list(range(1, 28, 2))
    assert conv["receptive_field"] == {"size": [5, 5], "jump": [2, 2], "start": [1, 1]}
    text = render_text(report("exercise1e"), explain(report("exercise1e")), only=1)
    assert "rows and columns 2, 4, ..., 28" in text
    assert "1 above and 2 below, 1 left and 2 right" in text


def test_2b_pooling_7x7_to_3x3_drops_the_last_row_and_column():
    pool = layer("exercise2b", 3)
    assert pool["name"] == "max_pooling2d_1"
    assert pool["dropped"] == {"rows": [6], "cols": [6]}
    assert pool["centres"] == {"rows": [0.5, 2.5, 4.5], "cols": [0.5, 2.5, 4.5]}
    last_pool = layer("exercise2b", 5)
    assert last_pool["dropped"] == {"rows": [2], "cols": [2]}
    text = render_text(report("exercise2b"), explain(report("exercise2b")), only=4)
    assert "Never read: row and column 7 (floor rounding: a window from 7 to 8 would not fit)." in text


def test_receptive_fields_of_model3_follow_the_textbook_recurrence():
    # conv 7 s1: 7; pool 2: 8 (jump 2); conv 5: 8 + 4 * 2 = 16; pool 2: 18 (jump 4);
    # the dense layer sees all 7 positions: 18 + 6 * 4 = 42.
    sizes = [layer("model3", i)["receptive_field"]["size"][0] for i in range(6)]
    jumps = [layer("model3", i)["receptive_field"]["jump"][0] for i in range(6)]
    assert sizes == [7, 8, 16, 18, 18, 42]
    assert jumps == [1, 2, 2, 4, 4, 0]


def test_json_has_exactly_the_documented_keys():
    analysis = report("exercise2b")
    document = json.loads(render_json(analysis, explain(analysis)))
    assert set(document) == {"name", "layers"}
    assert len(document["layers"]) == len(analysis.rows)
    for entry in document["layers"]:
        assert set(entry) == {"name", "padding", "receptive_field", "centres", "dropped"}
        assert set(entry["padding"]) == {"top", "bottom", "left", "right"}
        assert set(entry["receptive_field"]) == {"size", "jump", "start"}
        assert set(entry["centres"]) == set(entry["dropped"]) == {"rows", "cols"}


def test_even_windows_have_half_pixel_centres():
    windows = axis_windows(6, 2, 2, "valid")
    assert list(windows.centres) == [0.5, 2.5, 4.5] and windows.dropped == ()


@pytest.mark.parametrize("stem", REPORT_STEMS)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_output_equals_the_golden_file(stem, fmt):
    """Golden files pin the whole output; regenerate deliberately with
    CNNSPEC_OVERWRITE_GOLDEN=1 and read the diff before committing it."""
    analysis = report(stem)
    output = (render_text if fmt == "text" else render_json)(analysis, explain(analysis))
    path = GOLDEN / f"{stem}.{'txt' if fmt == 'text' else 'json'}"
    if os.environ.get("CNNSPEC_OVERWRITE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, "utf-8")
    assert output == path.read_text("utf-8")


def test_cli_explains_one_layer_by_number_or_name(capsys):
    spec = str(SPECS / "exercise2b.cnn")
    assert main(["explain", spec, "--layer", "4"]) == 0
    by_number = capsys.readouterr().out
    assert main(["explain", spec, "--layer", "max_pooling2d_1"]) == 0
    assert capsys.readouterr().out == by_number
    assert "4. max_pooling2d_1 (MaxPooling2D)" in by_number and "1. conv2d" not in by_number
    assert main(["explain", spec, "--layer", "2", "--format", "json"]) == 0
    assert [l["name"] for l in json.loads(capsys.readouterr().out)["layers"]] == ["max_pooling2d"]


@pytest.mark.parametrize("choice", ["0", "10", "conv9"])
def test_cli_rejects_a_layer_that_is_not_there(choice, capsys):
    assert main(["explain", str(SPECS / "exercise2b.cnn"), "--layer", choice]) == 2
    assert "has layers 1 to 9" in capsys.readouterr().err


def test_a_vector_input_lists_its_layers_with_no_rows_to_follow(tmp_path, capsys):
    # issue 12: this was an error (exit 1) on a valid spec
    spec = tmp_path / "vector.cnn"
    spec.write_text("input 784 | dense 128 | dense 10\n")
    assert main(["explain", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "a vector: there are no rows or columns to follow" in out
    assert "1. dense (Dense), line 1: dense 128 sigmoid, 784 -> 128" in out
    assert "2. dense_1 (Dense), line 1: dense 10 softmax, 128 -> 10" in out
    assert main(["explain", str(spec), "--format", "json"]) == 0
    assert '"name": "dense_1"' in capsys.readouterr().out


def test_an_invalid_spec_is_an_error_not_a_traceback(tmp_path, capsys):
    spec = tmp_path / "bad.cnn"
    spec.write_text("pool 29\n")
    assert main(["explain", str(spec)]) == 1
    assert ":1:1: error: the 29x29 pool window does not fit" in capsys.readouterr().err
