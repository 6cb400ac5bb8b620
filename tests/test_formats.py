"""Every summary format renders every report spec, with MACs = FLOPs / 2 in each; LaTeX
passes a parse-level check, CSV reads back, the keras format is unchanged (see
test_keras_agreement for byte equality with Keras)."""

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnspec import analyze, load, parse
from cnnspec.cli import main
from cnnspec.analysis.costs import training_memory
from cnnspec.render import SUMMARY_FORMATS, render_summary
from cnnspec.testing import specs
from cnnspec.render.table import Column, Table, to_latex, to_markdown
from conftest import SPECS
from latex_check import check_latex_table

REPORT_SPECS = sorted(SPECS.glob("*.cnn"))


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", sorted(SUMMARY_FORMATS))
def test_every_format_renders_every_report_spec(path, fmt):
    analysis = analyze(load(path))
    text = render_summary(analysis, fmt)
    assert text.endswith("\n")
    wraps = fmt == "keras" and analysis.spec.inputs  # a graph's narrow columns wrap long names, as Keras's do
    for row in analysis.rows:
        assert row.name.replace("_", "\\_" if fmt == "latex" else "_")[: 12 if wraps else None] in text
    if fmt != "keras":
        assert str(analysis.total_macs) in text.replace(",", "")
        assert str(2 * analysis.total_macs) in text.replace(",", "")


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_json_adds_macs_and_flops_and_keeps_the_keras_keys(path):
    analysis = analyze(load(path))
    document = json.loads(render_summary(analysis, "json"))
    assert {"name", "input_shape", "layers", "total_params", "trainable_params", "non_trainable_params"} <= set(document)
    assert document["total_macs"] == analysis.total_macs
    assert document["total_flops"] == 2 * analysis.total_macs
    for entry, row in zip(document["layers"], analysis.rows):
        assert {"name", "type", "output_shape", "params", "trainable_params", "non_trainable_params", "line"} <= set(entry)
        assert (entry["macs"], entry["flops"]) == (row.macs, 2 * row.macs)
    memory = training_memory(analysis)
    assert document["training_memory"]["total_bytes"] == memory.total_bytes
    assert document["training_memory"]["assumptions"] == list(memory.assumptions)


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_csv_reads_back_to_the_analysis(path):
    analysis = analyze(load(path))
    records = list(csv.DictReader(io.StringIO(render_summary(analysis, "csv"))))
    *layers, total = records
    assert [(r["layer"], int(r["params"]), int(r["macs"]), int(r["flops"])) for r in layers] == [
        (f"{row.name} ({row.type})", row.params, row.macs, 2 * row.macs) for row in analysis.rows
    ]
    assert [int(r["activation_bytes"]) for r in layers] == [4 * row.activations for row in analysis.rows]
    assert (total["layer"], int(total["params"]), int(total["macs"])) == ("Total", analysis.total_params, analysis.total_macs)


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_latex_is_a_well_formed_booktabs_table(path):
    text = render_summary(analyze(load(path)), "latex")
    assert check_latex_table(text) == []
    assert "\\usepackage{booktabs}" in text.split("\n")[0]


def test_latex_escapes_whatever_a_name_holds():
    nasty = parse('name "a_b & 50% #1 {x} ~^\\\\ <$> -> z"\nconv 3x3x2 | dense 10')
    text = render_summary(analyze(nasty), "latex")
    assert check_latex_table(text) == []
    assert r"a\_b \& 50\% \#1 \{x\} \textasciitilde{}\textasciicircum{}\textbackslash{}" in text


def test_the_latex_checker_catches_what_tex_would_reject():
    good = to_latex(Table("t", (Column("a", "a"), Column("b", "b")), (("1", "2"),)))
    assert check_latex_table(good) == []
    assert check_latex_table(good.replace("1 & 2", "1 & 2 & 3"))
    assert check_latex_table(good.replace("\\end{tabular}", ""))
    assert check_latex_table(good.replace("1 & 2", "1_x & 2"))
    assert check_latex_table(good.replace("1 & 2", "$x^2$ & 2"))


def test_markdown_rows_have_as_many_cells_as_the_header():
    table = Table("a|b", (Column("x|y", "x"), Column("n", "n", True)), (("p|q", 1), ("r", 2)), (("Total", 3),))
    lines = [line for line in to_markdown(table).split("\n") if line.startswith("|")]
    counts = {len(line.replace("\\|", "").split("|")) for line in lines}
    assert len(counts) == 1


def test_text_summary_prints_the_memory_estimate_and_every_assumption(capsys):
    assert main(["summary", str(SPECS / "model3.cnn"), "--format", "text", "--batch", "32", "--optimizer", "adam"]) == 0
    out = capsys.readouterr().out
    memory = training_memory(analyze(load(SPECS / "model3.cnn")), 32, "adam")
    assert "Training memory for a batch of 32 with adam" in out
    assert all(assumption in out for assumption in memory.assumptions)
    assert "FLOPs = 2 x MACs" in out


@pytest.mark.parametrize("argv", [["--batch", "0"], ["--batch", "x"], ["--optimizer", "lbfgs"]])
def test_summary_rejects_a_bad_memory_setting(argv):
    assert main(["summary", str(SPECS / "model3.cnn"), "-f", "text", *argv]) == 2


# The keras table is drawn row by row without rich's layout engine (rich took 8 s for
# 10,000 layers); rich still draws the header and any table whose cells wrap. Both must
# give the same bytes as rich itself, which Keras uses.
def _rich_table(analysis, line_length):
    from cnnspec.render import keras_table

    return keras_table.render(analysis, line_length, fast=False)


@given(specs(max_layers=6), st.integers(20, 200))
def test_the_keras_table_drawn_directly_equals_rich(spec, line_length):
    from cnnspec.render.keras_table import render

    analysis = analyze(spec)
    assert render(analysis, line_length) == _rich_table(analysis, line_length)


def test_a_name_with_markup_characters_prints_as_written():
    from cnnspec.render.keras_table import render

    text = render(analyze(parse('name "a[b] [bold]c\\\\"\ndense 10')), 88)
    assert text.splitlines()[0] == 'Model: "a[b] [bold]c\\\\"'


def test_the_keras_table_of_10000_layers_costs_about_what_the_text_one_does():
    import time

    analysis = analyze(parse("input 8x8x1\n" + "conv 3x3x4\n" * 10_000 + "dense 10"))

    def seconds(fmt):
        start = time.process_time()
        render_summary(analysis, fmt)
        return time.process_time() - start

    keras, text = min(seconds("keras") for _ in range(2)), min(seconds("text") for _ in range(2))
    assert keras < 2 * text + 0.1, (keras, text)


def test_one_table_serves_compare_and_sweep_cells():
    """Cells that read one way in prose and stay raw in CSV, a marked best, a CSV-only
    column, a centred column and an untitled table: what compare and sweep render with."""
    from cnnspec.render.table import Column, Marked, Shown, Table, to_csv, to_markdown, to_text

    table = Table(None, (Column("", "f", centred=True), Column("model", "model"),
                         Column("time", "seconds", True), Column("dir", "run_dir", csv_only=True)),
                  (("*", Marked("M|3", "best"), Shown("19:53", 1193.0), "runs/m3"),))
    assert to_markdown(table).splitlines() == ["|  | model | time |", "|:-:|:--|--:|",
                                               "| * | **M\\|3** (best) | 19:53 |"]
    assert to_text(table).splitlines()[0] == "   model        time"
    assert to_csv(table).splitlines() == ["f,model,seconds,run_dir", "*,M|3,1193.0,runs/m3"]
