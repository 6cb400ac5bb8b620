"""A run's life after its first start (issue 12, items 11 and the NaN directory).

Laws: a finished run of E epochs resumed with N > E trains epochs E+1..N and ends with the
metrics of one run of N epochs, to the bit (`seconds` aside), whether extended from Python
(README's example), from the command line or after an interrupted extension; N == E
changes nothing; N < E is an error. A run stopped by a NaN loss in its first epoch leaves
nothing, never an empty directory (after finished epochs: tests/test_training.py). Tiny data: exercise2b on 300 images, through cnnspec's loader from
$CNNSPEC_MNIST (skipped without it).
"""

from __future__ import annotations

import dataclasses
import os
import re

import pytest

from cnnspec import parse
from cnnspec.cli import main
from cnnspec.training.data import MNIST_ENV
from cnnspec.errors import RunError
from cnnspec.training.runs import RunPaths, read_metrics, read_state
from cnnspec.training.trainer import TrainConfig, resume_config, train
from conftest import ROOT, SPECS

REAL_MNIST = os.environ.get(MNIST_ENV)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REAL_MNIST, reason=f"real MNIST not available: set {MNIST_ENV}"),
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword"
                               ":DeprecationWarning"),
]

SPEC_TEXT = (SPECS / "exercise2b.cnn").read_text()


def tiny(out, **changes) -> TrainConfig:
    out = None if out is None else str(out)
    return TrainConfig(**{"epochs": 2, "limit": 300, "data": REAL_MNIST, "out": out, **changes})


def metrics_without_timing(run_dir) -> list[list[str]]:
    """metrics.csv as written, less its `seconds` column (wall time is never repeatable)."""
    rows = [line.split(",") for line in RunPaths(run_dir).metrics.read_text().splitlines()]
    drop = rows[0].index("seconds")
    return [row[:drop] + row[drop + 1:] for row in rows]


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """Two epochs in one go: what every extended run must equal."""
    out = tmp_path_factory.mktemp("straight") / "run"
    return train(parse(SPEC_TEXT, "exercise2b.cnn"), tiny(out))


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "exercise2b.cnn"
    path.write_text(SPEC_TEXT)
    return path


def test_readme_python_example_extends_a_finished_run(straight, spec_file, tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = next(block for block in re.findall(r"```python\n(.*?)```", readme, re.S)
                   if "resume_config(" in block)
    run = tmp_path / "m3"
    for old, new in ((
            '"specs/model3.cnn"', repr(str(spec_file))),
            ("epochs=3, limit=6000, out=\"runs/m3\"", f"epochs=1, limit=300, data={REAL_MNIST!r}, "
                                                     f"out={str(run)!r}"),
            ('resume_config("runs/m3", epochs=10)', f"resume_config({str(run)!r}, epochs=2)")):
        assert old in example, f"README's example changed: adapt this test ({old})"
        example = example.replace(old, new)
    exec(example, {"print": lambda *args: None})  # the README's own lines, on tiny data
    assert metrics_without_timing(run) == metrics_without_timing(straight.run_dir)
    assert [row.epoch for row in read_metrics(RunPaths(run).metrics)] == [1, 2]
    assert not RunPaths(run).checkpoint.exists() and RunPaths(run).results.is_file()


def test_train_resume_epochs_extends_a_finished_run_from_the_command_line(
        straight, spec_file, tmp_path, capsys):
    out = tmp_path / "run"
    base = ["train", str(spec_file), "--out", str(out), "--data", REAL_MNIST]
    assert main(base + ["--limit", "300", "--epochs", "1"]) == 0
    assert main(base + ["--resume", "--epochs", "2"]) == 0
    assert "resuming" in capsys.readouterr().out
    assert metrics_without_timing(out) == metrics_without_timing(straight.run_dir)
    finished = RunPaths(out).results.read_text()
    # As many epochs as it has: nothing to do, said so; fewer: a clear error, nothing changed.
    assert main(base + ["--resume", "--epochs", "2"]) == 0
    assert "already finished its 2 epochs; nothing to train" in capsys.readouterr().out
    assert main(base + ["--resume", "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{out}: error: the run has already finished 2 epochs; --epochs 1" in err
    assert RunPaths(out).results.read_text() == finished


def test_an_interrupted_extension_resumes_where_it_stopped(straight, tmp_path, monkeypatch):
    from cnnspec.training import trainer as training
    spec = parse(SPEC_TEXT, "exercise2b.cnn")
    paths = RunPaths(tmp_path / "run")
    train(spec, tiny(paths.root, epochs=1))
    real_checkpoint = training._checkpoint

    def checkpoint_then_interrupt(model, paths, config, spec_sha256, history):
        real_checkpoint(model, paths, config, spec_sha256, history)
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "_checkpoint", checkpoint_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        train(spec, resume_config(paths.root, epochs=3))
    monkeypatch.undo()
    # The first finish is still on record; the checkpoint holds the epoch after it.
    assert '"epochs_done": 1' in paths.results.read_text()
    assert read_state(paths).epochs_done == 2
    resumed = train(spec, dataclasses.replace(resume_config(paths.root), epochs=2))
    assert resumed.results["epochs_done"] == 2
    assert metrics_without_timing(paths.root) == metrics_without_timing(straight.run_dir)


# --- NaN -------------------------------------------------------------------------------


def test_nan_in_the_first_epoch_leaves_no_run_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = parse(SPEC_TEXT, "exercise2b.cnn")
    for out in (str(tmp_path / "given" / "run"), None):  # --out, and the default under runs/
        with pytest.raises(RunError, match="became nan in epoch 1, so training stopped; no epoch"):
            train(spec, tiny(out, lr=1e30, split="full", epochs=1))
    assert list(tmp_path.iterdir()) == []



def test_a_spec_with_a_very_long_name_trains_into_a_short_default_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "long.cnn"
    spec.write_text(SPEC_TEXT.replace('name "exercise2b"', f'name "{"long name " * 40}"'))
    assert main(["train", str(spec), "--limit", "300", "--epochs", "1", "--split", "full",
                 "--data", REAL_MNIST]) == 0  # was: "File name too long", and an empty runs/
    run_dir, = (tmp_path / "runs").iterdir()
    assert len(run_dir.name) < 100 and RunPaths(run_dir).results.is_file()
