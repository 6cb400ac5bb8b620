"""Training a sweep: the chosen variants, each epoch reported once, and a tiny sweep trained end
to end in process and on a local Ray, whose results must agree (same seed, same recipe).

Training tests read real MNIST from $CNNSPEC_MNIST and are skipped without it; the Ray test
is marked `ray` and skipped when Ray is not installed (`pip install 'cnnspec[ray]'`).
"""

from __future__ import annotations

import csv
import json
import os
import time

import pytest

from cnnspec.cli import main
from cnnspec.training.data import MNIST_ENV
from cnnspec.errors import RunError, SpecShapeError
from cnnspec.language.grid import parse_grid
from cnnspec.training.runs import EpochMetrics, metrics_csv
from cnnspec.analysis.sweep import sweep
from cnnspec.training.sweeps import chosen, training_jobs
from conftest import SPECS

REAL_MNIST = os.environ.get(MNIST_ENV)
needs_mnist = pytest.mark.skipif(
    not REAL_MNIST, reason=f"real MNIST not available: set {MNIST_ENV} to a Keras-layout mnist.npz")

# Two variants, the smallest networks that train: one epoch on 500 images takes seconds.
TINY = "conv 3x3x{2,4} | pool 2\ndense 10\n"
TINY_ARGS = ["--epochs", "1", "--limit", "500"]


def test_top_k_takes_the_cheapest_on_the_frontier_and_none_takes_every_survivor():
    grid = parse_grid("conv {3,5}x{3,5}x{4,8} | pool 2\n[dense 32]?\ndense 10\n", "g.cnn")
    result = sweep(grid)
    assert chosen(result) == result.survivors
    frontier = [r for r in result.survivors if r.frontier]
    for k in (1, 2, len(frontier) + 3):
        assert chosen(result, k) == tuple(frontier[:k])


def test_jobs_are_named_after_their_variant_ids():
    result = sweep(parse_grid('name "Net"\nconv 3x3x{2,4} | dense 10\n', "g.cnn"))
    assert [(job.id, job.spec.name) for job in training_jobs(result)] == [("v0", "Net v0"), ("v1", "Net v1")]
    plain = sweep(parse_grid((SPECS / "model1.cnn").read_text(), "model1.cnn"))
    assert [job.spec.name for job in training_jobs(plain)] == ["Model 1"]


def test_each_epoch_is_reported_once_as_metrics_csv_grows(tmp_path):
    from cnnspec.training.ray_sweep import EpochReporter

    reported = []
    metrics = tmp_path / "metrics.csv"
    reporter = EpochReporter(metrics, reported.append)
    reporter("before any epoch")
    rows = [EpochMetrics(epoch, 2.0 / epoch, 0.1 * epoch, 2.1 / epoch, 0.1, 1.5) for epoch in (1, 2, 3)]
    for finished in (1, 1, 3):  # a line logged twice after epoch 1; two epochs at once
        metrics.write_text(metrics_csv(rows[:finished]))
        reporter("a line")
    assert [report["epoch"] for report in reported] == [1, 2, 3]
    assert reported[1] == {"epoch": 2, "loss": 1.0, "accuracy": 0.2, "val_loss": 1.05, "val_accuracy": 0.1, "seconds": 1.5}


def test_a_failed_trial_raises_its_own_error():
    from cnnspec.training.ray_sweep import _trial_error
    from cnnspec.errors import Diagnostic

    own = SpecShapeError(Diagnostic("the kernel does not fit", 2, 1, "g.cnn"))

    class Wrapped(Exception):  # as Ray wraps an exception raised in a task
        def __init__(self, cause):
            super().__init__("Traceback ...\nSpecShapeError: the kernel does not fit")
            self.cause = cause

    assert _trial_error(Wrapped(own), 1, 2) is own
    both = _trial_error(Wrapped(own), 2, 2)
    assert "2 of 2 Ray trials failed" in str(both) and "the kernel does not fit" in str(both)
    other = _trial_error(RuntimeError("worker died\nOOM"), 1, 3)
    assert isinstance(other, RunError) and "1 of 3 Ray trials failed; the first: OOM" in str(other)


def test_training_options_need_train_and_train_needs_out(tmp_path):
    grid = tmp_path / "g.cnn"
    grid.write_text(TINY)
    assert main(["sweep", str(grid), "--top", "1"]) == 2
    assert main(["sweep", str(grid), "--train"]) == 2


def table(out):
    with open(out / "table.csv", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "runs"
    grid = out.parent / "tiny.cnn"
    grid.write_text(TINY)
    assert main(["sweep", str(grid), "--train", "--out", str(out), "--data", REAL_MNIST, *TINY_ARGS]) == 0
    return grid, out


@needs_mnist
@pytest.mark.slow
def test_a_tiny_sweep_trains_end_to_end_in_process(sequential, capsys):
    grid, out = sequential
    rows = table(out)
    assert [row["model"] for row in rows] == ["tiny v0", "tiny v1"]
    assert [int(row["total_params"]) for row in rows] == [3950, 7890]
    for row, variant in zip(rows, ("v0", "v1")):
        assert row["run_dir"] == str(out / variant)
        results = json.loads((out / variant / "results.json").read_text())
        assert results["epochs_done"] == 1 and results["split_sizes"]["train"] == 500
    assert [line.split(" | ")[0] for line in (out / "table.md").read_text().splitlines()[2:]] == ["| tiny v0", "| **tiny v1** (best)"]
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The same command again reuses the finished runs instead of training them again.
    before = [(out / v / "results.json").stat().st_mtime_ns for v in ("v0", "v1")]
    capsys.readouterr()
    assert main(["sweep", str(grid), "--train", "--out", str(out), "--data", REAL_MNIST, *TINY_ARGS]) == 0
    assert "already finished" in capsys.readouterr().err
    assert [(out / v / "results.json").stat().st_mtime_ns for v in ("v0", "v1")] == before


@needs_mnist
@pytest.mark.slow
@pytest.mark.ray
def test_a_tiny_sweep_trains_on_a_local_ray_with_one_report_per_epoch(sequential, tmp_path, capsys):
    pytest.importorskip("ray", reason="Ray is not installed: pip install 'cnnspec[ray]' to run the Ray executor's test")
    grid, in_process = sequential
    out = tmp_path / "ray"
    start = time.perf_counter()
    assert main(["sweep", str(grid), "--train", "--out", str(out), "--data", REAL_MNIST, *TINY_ARGS,
                 "--ray", "--ray-cpus", "2"]) == 0
    seconds = time.perf_counter() - start
    print(f"local Ray sweep of 2 variants, 1 epoch each: {seconds:.1f} s")
    stdout = capsys.readouterr().out
    assert "| tiny v0 |" in stdout and "Configuration for experiment" not in stdout  # Tune's own output on stderr
    # One Tune result per epoch per trial, carrying the epoch's metrics.
    reports = {}
    for result_file in (out / "ray-tune").glob("*/result.json"):
        lines = [json.loads(line) for line in result_file.read_text().splitlines()]
        reports[lines[0]["config"]["variant"]] = [(line["epoch"], line["loss"]) for line in lines]
    assert sorted(reports) == ["v0", "v1"] and all(len(epochs) == 1 for epochs in reports.values())
    # Same seed, same recipe, same data: the Ray runs equal the in-process ones.
    ray_rows, own_rows = table(out), table(in_process)
    assert [(r["model"], r["val_loss"], r["test_accuracy"]) for r in ray_rows] == \
           [(r["model"], r["val_loss"], r["test_accuracy"]) for r in own_rows]
    for variant, epochs in reports.items():
        metrics = (out / variant / "metrics.csv").read_text().splitlines()
        assert float(metrics[1].split(",")[1]) == epochs[0][1]


@needs_mnist
@pytest.mark.slow
def test_json_output_stays_one_document_when_training(sequential, capsys):
    """With --format json, stdout is the static report alone; the finished runs are reused."""
    grid, out = sequential
    assert main(["sweep", str(grid), "--train", "--out", str(out), "--data", REAL_MNIST, *TINY_ARGS,
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2
