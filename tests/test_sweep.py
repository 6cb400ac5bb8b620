"""Sweeps: invalid and over-budget variants filtered as each variant's own analysis says, and the CLI."""

import csv
import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnspec import SpecError, analyze, parse
from cnnspec.cli import main
from cnnspec.language.grid import parse_grid
from cnnspec.analysis.costs import activation_bytes
from cnnspec.analysis.sweep import Budget, sweep
from conftest import ROOT, SPECS

FAMILY = SPECS / "grids" / "family.cnn"
# Some kernels do not fit once 'valid' padding and pooling have shrunk the map, one
# activation is misspelt: a grid with invalid variants of both kinds.
MIXED = """\
conv {3,9}x{3,9}x4 {same,valid} | pool 2
conv {5,11}x5x8 valid {relu,sigmod}
[dense 32]?
dense 10
"""


def _analyses(grid_text):
    """Each variant analysed on its own: id -> (params, macs), or None when it is invalid."""
    costs = {}
    for variant in parse_grid(grid_text).variants():
        try:
            analysis = analyze(parse(variant.text))
            costs[variant.id] = (analysis.total_params, analysis.total_macs)
        except SpecError:
            costs[variant.id] = None
    return costs


MIXED_COSTS = _analyses(MIXED)


def oracle(budget):
    """Ids of the invalid, over-budget and surviving variants of MIXED."""
    invalid, over, survivors = set(), set(), {}
    for id_, costs in MIXED_COSTS.items():
        if costs is None:
            invalid.add(id_)
            continue
        params, macs = costs
        if (budget.max_params is not None and params > budget.max_params) or (budget.max_macs is not None and macs > budget.max_macs):
            over.add(id_)
        else:
            survivors[id_] = (params, macs)
    return invalid, over, survivors


@settings(max_examples=60)  # each example sweeps all 64 variants
@given(st.one_of(st.none(), st.integers(0, 60_000)), st.one_of(st.none(), st.integers(0, 2_000_000)))
def test_budgets_and_invalid_variants_are_filtered_as_each_variant_analyses(max_params, max_macs):
    budget = Budget(max_params, max_macs)
    result = sweep(parse_grid(MIXED), budget)
    invalid, over, survivors = oracle(budget)
    assert {r.variant.id for r in result.invalid} == invalid
    assert {r.variant.id for r in result.over_budget} == over
    assert {r.variant.id: (r.params, r.macs) for r in result.survivors} == survivors
    assert len(result.invalid) + len(result.over_budget) + len(result.survivors) == result.total == 64


def test_survivors_are_ranked_by_params_then_macs_then_id():
    ranked = [(r.params, r.macs, r.variant.index) for r in sweep(parse_grid(MIXED)).survivors]
    assert ranked == sorted(ranked) and ranked


def test_frontier_only_among_survivors():
    """A budget removes variants from the frontier's competition: the cheapest survivor is on it."""
    unbounded = sweep(parse_grid(MIXED))
    budget = Budget(max_params=sorted(r.params for r in unbounded.survivors)[-1] - 1)
    bounded = sweep(parse_grid(MIXED), budget)
    assert all(r.survivor for r in bounded.results if r.frontier)
    assert bounded.survivors[0].frontier


def test_memory_is_four_bytes_per_output_value():
    analysis = analyze(parse((SPECS / "model1.cnn").read_text()))
    # 28*28*16 + 14*14*16 + 14*14*32 + 7*7*32 + 1568 + 128 + 10 values, float32
    assert activation_bytes(analysis) == 4 * (12544 + 3136 + 6272 + 1568 + 1568 + 128 + 10)


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.cnn")), ids=lambda p: p.stem)
def test_memory_agrees_with_the_cost_module(path):
    from cnnspec.analysis.costs import totals

    analysis = analyze(parse(path.read_text()))
    assert activation_bytes(analysis) == totals(analysis).activation_bytes


def test_sweep_json_follows_the_schema_with_one_entry_per_variant(capsys):
    assert main(["sweep", str(FAMILY), "--max-params", "300000", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"total", "invalid", "over_budget", "variants"}
    assert (report["total"], report["invalid"], report["over_budget"]) == (8, 0, 4)
    assert [v["id"] for v in report["variants"]] == [f"v{i}" for i in range(8)]
    for entry in report["variants"]:
        assert set(entry) == {"id", "spec", "params", "macs", "valid", "error", "frontier"}
        assert entry["params"] == analyze(parse(entry["spec"])).total_params
    assert [v["id"] for v in report["variants"] if v["frontier"]] == ["v1"]  # Model 1


def test_sweep_json_reports_invalid_variants_with_their_error(tmp_path, capsys):
    grid = tmp_path / "g.cnn"
    grid.write_text("conv 3x3x4 | pool {2,29} | dense 10\n")
    assert main(["sweep", str(grid), "-f", "json"]) == 0
    bad = json.loads(capsys.readouterr().out)["variants"][1]
    assert (bad["valid"], bad["params"], bad["macs"], bad["frontier"]) == (False, None, None, False)
    assert bad["error"].startswith(f"{grid}:1:14: error: variant v1 (29): the 29x29 pool window does not fit")


def test_sweep_text_marks_the_frontier_and_shows_the_first_errors(tmp_path, capsys):
    grid = tmp_path / "mixed.cnn"
    grid.write_text(MIXED)
    assert main(["sweep", str(grid), "--max-macs", "1000000"]) == 0
    out = capsys.readouterr().out
    result = sweep(parse_grid(MIXED, str(grid)), Budget(max_macs=1_000_000))
    assert out.startswith(f"{grid}: 64 variants: {len(result.invalid)} invalid, {len(result.over_budget)} over budget (MACs <= 1,000,000), ")
    assert f"{grid}:2:29: error: variant v" in out and "unknown activation 'sigmod'" in out
    frontier_rows = [line.split()[1] for line in out.splitlines() if line.startswith("*  ")]
    assert frontier_rows == [r.variant.id for r in result.frontier]


def test_sweep_csv_has_a_row_per_variant(capsys):
    assert main(["sweep", str(FAMILY), "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["id"] for row in rows] == [f"v{i}" for i in range(8)]
    assert rows[6]["params"] == "449482" and rows[6]["choices"] == "7x7 5x5 +dense 256 sigmoid"


def test_sweep_markdown_lists_the_survivors(capsys):
    assert main(["sweep", str(FAMILY), "-f", "markdown", "--max-params", "210000"]) == 0
    out = capsys.readouterr().out
    assert "| * | v1 | 5x5 3x3 -dense 256 sigmoid | 207,178 | 1,418,752 |" in out
    assert "449,482" not in out


def test_sweep_of_a_plain_spec_is_one_variant(capsys):
    assert main(["sweep", str(SPECS / "model3.cnn"), "-f", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == 1 and report["variants"][0]["params"] == 449482


def test_no_survivor_exits_1(capsys):
    assert main(["sweep", str(FAMILY), "--max-params", "1000"]) == 1
    assert "0 surviving" in capsys.readouterr().out


@pytest.mark.parametrize("text, where", [("conv {3,5 | dense 10\n", ":1:6: error: '{' is not closed"),
                                         ("dense 10?\n", ":1:9: error: '?' marks")])
def test_grid_syntax_errors_exit_1_with_the_place(tmp_path, capsys, text, where):
    grid = tmp_path / "bad.cnn"
    grid.write_text(text)
    assert main(["sweep", str(grid)]) == 1
    assert capsys.readouterr().err.startswith(f"{grid}{where}")


@pytest.mark.parametrize("argv", [["sweep"], ["sweep", "x.cnn", "--max-params", "many"], ["sweep", "x.cnn", "-f", "pdf"]])
def test_sweep_misuse_exits_2(argv):
    assert main(argv) == 2


def test_sweep_never_imports_tensorflow():
    code = (
        "import sys; from cnnspec.cli import main\n"
        f"assert main(['sweep', {str(FAMILY)!r}, '-f', 'json']) == 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'ray'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def test_readme_shows_the_real_sweep_of_the_family(capsys, monkeypatch):
    """The README's table is this command's output, not a copy edited by hand."""
    readme = (ROOT / "README.md").read_text()
    command = "$ cnnspec sweep specs/grids/family.cnn\n"
    shown = readme[readme.index(command) + len(command):].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    assert main(["sweep", "specs/grids/family.cnn"]) == 0
    assert capsys.readouterr().out == shown
