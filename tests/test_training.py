"""Training on real MNIST with the report's recipe, kept small (a --limit, a few epochs).

Laws: the recipe learns (well above the 10% of chance); a run leaves every file, well
formed, and its model.keras is the trained model; the same seed gives the same losses; a
run interrupted (in-process or by SIGINT) and resumed equals one never interrupted, each
epoch once; a NaN loss stops with a clear error and keeps the finished epochs; bad data,
bad specs and mismatched resumes are clear errors. MNIST comes through cnnspec's loader
from $CNNSPEC_MNIST, as users get it; without it these tests are skipped.

The report's recipe starts slowly (exercise1b: 11% test accuracy after one epoch of 6,000
images, 84% after two epochs of 12,000), so the accuracy test uses two epochs of 12,000.
"""

from __future__ import annotations

import dataclasses
import json
import math
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from cnnspec import load, parse
from cnnspec.cli import main
from cnnspec.training.data import MNIST_ENV
from cnnspec.errors import RunError, SpecFitError
from cnnspec.training.runs import CheckpointState, RunPaths, read_metrics, read_state, write_state
from cnnspec.training.trainer import TrainConfig, resume_config, train
from conftest import KERAS_SAVE_WARNING, REAL_MNIST, ROOT, SPECS, needs_mnist

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings(KERAS_SAVE_WARNING)]

# exercise2b under a name with spaces, which TensorFlow refuses as a scope name unless the
# trainer copes ("Model 3" is the same case).
DEEP_AND_LIGHT = (SPECS / "exercise2b.cnn").read_text().replace(
    'name "exercise2b"', 'name "deep and light"')


def small(out, **changes) -> TrainConfig:
    settings = {"epochs": 3, "limit": 1000, "data": REAL_MNIST, "out": str(out)}
    return TrainConfig(**{**settings, **changes})


def loss_columns(run_dir):
    return [(row.loss, row.val_loss) for row in read_metrics(RunPaths(run_dir).metrics)]


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    """exercise1b, two epochs of 12,000 images: the recipe's first steep drop in loss."""
    out = tmp_path_factory.mktemp("learned") / "run"
    return train(load(SPECS / "exercise1b.cnn"), small(out, epochs=2, limit=12000))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted 3-epoch run of the small network: what reruns and resumes must equal."""
    out = tmp_path_factory.mktemp("reference") / "run"
    return train(parse(DEEP_AND_LIGHT, "deep.cnn"), small(out))


# --- learning, outputs -------------------------------------------------------------------


@needs_mnist
def test_recipe_learns_well_above_chance(learned):
    assert learned.results["test_accuracy"] > 0.6
    assert learned.results["val_accuracy"] > 0.6
    assert learned.history[1].loss < learned.history[0].loss


@needs_mnist
def test_run_directory_holds_every_file_well_formed(learned):
    paths = RunPaths(learned.run_dir)
    assert [row.epoch for row in read_metrics(paths.metrics)] == [1, 2]
    assert all(math.isfinite(v) and v > 0 for row in learned.history
               for v in (row.loss, row.val_loss, row.seconds))
    results = json.loads(paths.results.read_text())
    assert results == learned.results
    assert results["spec"]["name"] == "exercise1b"
    assert results["params"]["total"] == 152102 and results["macs"] > 0
    assert results["split_sizes"] == {"train": 12000, "validation": 12000, "test": 10000}
    assert results["hyperparameters"]["lr"] == 0.05 and results["hyperparameters"]["seed"] == 6570518
    assert results["data"]["verified"] is True
    assert results["val_loss"] == learned.history[-1].val_loss
    assert results["samples_per_second"] > 0 and results["train_seconds"] > 0
    assert {"tensorflow", "keras"} <= results["versions"].keys() and results["device"]["cpu"]
    assert paths.plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not paths.checkpoint.exists()  # model.keras replaces it once the run is done
    assert not [p for p in paths.root.rglob(".*") if p.is_file()]  # no temporary file left


@needs_mnist
def test_tensorboard_logs_hold_the_epoch_losses(learned):
    import tensorflow as tf

    for part, column in (("train", "loss"), ("validation", "val_loss")):
        logged = {}
        for event_file in (RunPaths(learned.run_dir).logs / part).glob("events.out.tfevents.*"):
            for event in tf.compat.v1.train.summary_iterator(str(event_file)):
                for value in event.summary.value:
                    if value.tag == "epoch_loss":
                        logged[event.step] = float(tf.make_ndarray(value.tensor))
        expected = {row.epoch - 1: getattr(row, column) for row in learned.history}
        assert logged == pytest.approx(expected, rel=1e-6)


@needs_mnist
def test_model_keras_is_the_trained_model(learned):
    import keras

    from cnnspec.training.data import load_mnist
    from cnnspec.training.trainer import PIXEL_VALUES

    model = keras.models.load_model(RunPaths(learned.run_dir).model)
    assert model.count_params() == learned.results["params"]["total"]
    mnist = load_mnist(REAL_MNIST)
    images = PIXEL_VALUES[mnist.x_test][..., np.newaxis]
    _, accuracy = model.evaluate(images, np.eye(10)[mnist.y_test], batch_size=100, verbose=0)
    assert accuracy == pytest.approx(learned.results["test_accuracy"], abs=1e-6)


# --- determinism and resuming ------------------------------------------------------------


@needs_mnist
def metrics_without_timing(run_dir) -> list[list[str]]:
    """metrics.csv as written, less its `seconds` column (wall time is never repeatable)."""
    rows = [line.split(",") for line in RunPaths(run_dir).metrics.read_text().splitlines()]
    drop = rows[0].index("seconds")
    return [row[:drop] + row[drop + 1 :] for row in rows]


def test_same_seed_gives_identical_losses(reference, tmp_path):
    again = train(parse(DEEP_AND_LIGHT, "deep.cnn"), small(tmp_path / "again"))
    assert loss_columns(again.run_dir) == loss_columns(reference.run_dir)
    assert metrics_without_timing(again.run_dir) == metrics_without_timing(reference.run_dir)  # to the bit
    results = json.loads(RunPaths(again.run_dir).results.read_text())
    assert results["hyperparameters"]["seed"] == 6570518
    assert {"tensorflow", "keras"} <= set(results["versions"]) and results["device"]
    other = train(parse(DEEP_AND_LIGHT, "deep.cnn"), small(tmp_path / "other", seed=1, epochs=1))
    assert loss_columns(other.run_dir)[0] != loss_columns(reference.run_dir)[0]


def interrupt_after_epoch(monkeypatch, epoch):
    """Ctrl-C as soon as `epoch` is checkpointed, the moment a real one is most likely to hit."""
    from cnnspec.training import trainer as training
    real_checkpoint = training._checkpoint

    def checkpoint_then_interrupt(model, paths, config, spec_sha256, history):
        real_checkpoint(model, paths, config, spec_sha256, history)
        if history[-1].epoch == epoch:
            raise KeyboardInterrupt

    monkeypatch.setattr(training, "_checkpoint", checkpoint_then_interrupt)


@needs_mnist
def test_resumed_run_equals_the_uninterrupted_one(reference, tmp_path, monkeypatch):
    spec = parse(DEEP_AND_LIGHT, "deep.cnn")
    interrupt_after_epoch(monkeypatch, 1)
    messages = []
    with pytest.raises(KeyboardInterrupt):
        train(spec, small(tmp_path / "run"), log=messages.append)
    assert "interrupted after 1 finished epoch(s); the run is resumable" in messages[-1]
    paths = RunPaths(tmp_path / "run")
    assert not paths.results.exists() and read_state(paths).epochs_done == 1
    monkeypatch.undo()
    resumed = train(spec, resume_config(paths.root))
    assert [row.epoch for row in read_metrics(paths.metrics)] == [1, 2, 3]
    assert loss_columns(paths.root) == loss_columns(reference.run_dir)
    assert resumed.results["epochs_done"] == 3


@needs_mnist
def test_a_stop_asked_mid_epoch_leaves_a_run_that_resumes_to_the_uninterrupted_one(reference, tmp_path):
    """`stop` (the playground's button, from another thread) turns True once epoch 1 is
    checkpointed, so epoch 2 is cut short at its first step; epoch 1 stays, and resuming
    retrains epoch 2 from its checkpoint, to the bit."""
    spec = parse(DEEP_AND_LIGHT, "deep.cnn")
    paths = RunPaths(tmp_path / "run")
    messages = []
    with pytest.raises(KeyboardInterrupt):
        train(spec, small(paths.root), log=messages.append, stop=paths.state.exists)
    assert "interrupted after 1 finished epoch(s); the run is resumable" in messages[-1]
    assert read_state(paths).epochs_done == 1 and not paths.results.exists()
    train(spec, resume_config(paths.root))
    assert loss_columns(paths.root) == loss_columns(reference.run_dir)


@needs_mnist
def test_sigint_during_training_leaves_a_resumable_run(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "cnnspec", "train", str(SPECS / "exercise2b.cnn"),
               "--limit", "1000", "--epochs", "60", "--data", REAL_MNIST, "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    paths = RunPaths(out)
    deadline = time.monotonic() + 180
    while not paths.state.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "cnnspec: interrupted" in stderr
    assert "the run is resumable" in stdout
    assert not paths.results.exists()
    state = read_state(paths)
    done = state.epochs_done
    # every committed epoch; at most one more if the signal fell inside the checkpoint
    assert [row.epoch for row in read_metrics(paths.metrics)][:done] == list(range(1, done + 1))
    assert len(read_metrics(paths.metrics)) in (done, done + 1)
    assert [p.name for p in paths.checkpoint.glob("epoch-*.keras")] == [state.model_file]

    assert main(["train", str(SPECS / "exercise2b.cnn"), "--out", str(out), "--resume",
                 "--epochs", str(done + 1)]) == 0
    history = read_metrics(paths.metrics)
    assert [row.epoch for row in history] == list(range(1, done + 2))  # each epoch once
    uninterrupted = train(load(SPECS / "exercise2b.cnn"),
                          small(tmp_path / "straight", epochs=done + 1))
    assert loss_columns(out) == loss_columns(uninterrupted.run_dir)


@needs_mnist
def test_resuming_a_finished_run_returns_it_without_training(learned, monkeypatch):
    monkeypatch.setitem(sys.modules, "cnnspec.training.data", None)  # loading MNIST would now fail
    again = train(load(SPECS / "exercise1b.cnn"), resume_config(learned.run_dir))
    assert again.results == learned.results and again.history == learned.history


# --- stopping: NaN, bad data, bad specs, mismatched resumes -------------------------------


@needs_mnist
def test_nan_loss_stops_the_run_with_a_clear_error(tmp_path):
    with pytest.raises(RunError) as caught:
        train(load(SPECS / "exercise2b.cnn"), small(tmp_path / "run", lr=1e30, split="full"))
    message = str(caught.value)
    assert "the training loss became nan in epoch 1, so training stopped" in message
    assert "try a --lr below 1e+30" in message
    assert not RunPaths(tmp_path / "run").results.exists()


@needs_mnist
def test_nan_after_some_epochs_keeps_them(tmp_path, monkeypatch):
    from cnnspec.training import trainer as training
    real_epoch = training._train_one_epoch

    def second_epoch_diverges(*args, **kwargs):
        row = real_epoch(*args, **kwargs)
        return dataclasses.replace(row, loss=math.nan) if row.epoch == 2 else row

    monkeypatch.setattr(training, "_train_one_epoch", second_epoch_diverges)
    with pytest.raises(RunError, match="became nan in epoch 2, so training stopped; epoch 1 is kept in") as caught:
        train(load(SPECS / "exercise2b.cnn"), small(tmp_path / "run", split="full"))
    paths = RunPaths(tmp_path / "run")
    assert [row.epoch for row in read_metrics(paths.metrics)] == [1]
    assert read_state(paths).epochs_done == 1 and not paths.results.exists()
    assert paths.stopped.read_text().strip() == caught.value.message  # why it ends there


def test_corrupted_data_file_is_a_clear_error_and_leaves_no_run(tmp_path, capsys):
    corrupt = tmp_path / "mnist.npz"
    corrupt.write_bytes(b"PK\x03\x04 this is not a whole archive")
    out = tmp_path / "run"
    assert main(["train", str(SPECS / "exercise2b.cnn"), "--data", str(corrupt),
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{corrupt}: error: cannot read as .npz")
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("text, line, column, message", [
    ("input 32x32x3\nconv 3x3x8 | dense 10\n", 1, 1, "MNIST: the data are 28x28x1 with 10 "
     "classes; the spec's input is 32x32x3"),
    # Issue 12: the same 784 values in another shape would turn neighbouring pixels into channels.
    ("input 28x14x2\nconv 3x3x8 | dense 10\n", 1, 1, "the spec's input is 28x14x2; write `input 28x28x1`"),
    ("input 14x56x1\nconv 3x3x8 | dense 10\n", 1, 1, "the spec's input is 14x56x1"),
    ("input 784x1x1\nconv 1x1x8 | dense 10\n", 1, 1, "the spec's input is 784x1x1"),
    ("conv 3x3x8\ndense 12\n", 2, 1, "the network must end in `dense 10 softmax`"),
    ("conv 3x3x8 | dense 10 sigmoid\n", 1, 14, "the network must end in `dense 10 softmax`"),
])
def test_spec_mnist_cannot_train_is_refused_before_any_work(tmp_path, text, line, column, message):
    with pytest.raises(SpecFitError) as caught:  # a spec error, at the part to blame
        train(parse(text, "net.cnn"), TrainConfig(out=str(tmp_path / "run")))
    error = caught.value
    assert (error.source, error.line, error.column) == ("net.cnn", line, column)
    assert message in error.message
    assert "^" in str(error) and not (tmp_path / "run").exists()


def test_a_used_directory_needs_resume(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RunError, match="is not empty; pass --resume"):
        train(load(SPECS / "exercise2b.cnn"), TrainConfig(out=str(tmp_path)))


def stopped_run(tmp_path, spec_text, **config):
    """A run directory as an interrupted run leaves it, without training one."""
    import hashlib

    paths = RunPaths(tmp_path / "run")
    paths.checkpoint.mkdir(parents=True)
    (paths.checkpoint / "epoch-0001.keras").write_bytes(b"")
    sha = hashlib.sha256(spec_text.encode()).hexdigest()
    write_state(paths, CheckpointState(1, "epoch-0001.keras",
                                       TrainConfig(**config).hyperparameters(), sha, ()))
    return paths


def test_resume_with_other_settings_is_refused(tmp_path):
    text = (SPECS / "exercise2b.cnn").read_text()
    paths = stopped_run(tmp_path, text, lr=0.05, epochs=5)
    config = dataclasses.replace(resume_config(paths.root), lr=0.1)
    with pytest.raises(RunError, match=r"was started with lr 0.05 \(asked: 0.1\)"):
        train(load(SPECS / "exercise2b.cnn"), config)


def test_resume_with_another_spec_is_refused(tmp_path):
    paths = stopped_run(tmp_path, "conv 3x3x8 | dense 10\n")
    with pytest.raises(RunError, match="the spec differs from the one this run was trained from"):
        train(load(SPECS / "exercise2b.cnn"), resume_config(paths.root))


def test_resume_cannot_shorten_below_the_finished_epochs(tmp_path):
    text = (SPECS / "exercise2b.cnn").read_text()
    paths = stopped_run(tmp_path, text, epochs=5)
    state = read_state(paths)
    write_state(paths, dataclasses.replace(state, epochs_done=3))
    with pytest.raises(RunError, match="already finished 3 epochs; --epochs 2"):
        train(load(SPECS / "exercise2b.cnn"), resume_config(paths.root, epochs=2))


def test_resume_of_nothing_is_an_error(tmp_path, capsys):
    with pytest.raises(RunError, match="nothing to resume"):
        resume_config(tmp_path)
    assert main(["train", str(SPECS / "exercise2b.cnn"), "--resume"]) == 2
    assert "--resume needs --out DIR" in capsys.readouterr().err


# --- compare and distribute --------------------------------------------------------------


@needs_mnist
def test_compare_two_specs_writes_a_two_row_table_and_a_plot(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", str(SPECS / "exercise2b.cnn"), str(SPECS / "exercise1b.cnn"),
            "--epochs", "1", "--limit", "1000", "--data", REAL_MNIST, "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    table = (out / "table.md").read_text()
    assert table in printed
    body = table.splitlines()[2:]
    assert len(body) == 2 and sum("(best)" in line for line in body) == 1
    assert body[0].startswith("| exercise2b") or body[0].startswith("| **exercise2b**")
    csv_lines = (out / "table.csv").read_text().splitlines()
    assert len(csv_lines) == 3 and csv_lines[0].startswith("model,val_loss,total_params,macs")
    assert (out / "loss.png").read_bytes()[:4] == b"\x89PNG"
    # The same command again reuses the finished runs: nothing is retrained.
    stamp = (out / "exercise2b" / "results.json").stat().st_mtime_ns
    assert main(argv) == 0
    assert (out / "exercise2b" / "results.json").stat().st_mtime_ns == stamp
    # Finished runs compare as they are.
    assert main(["compare", "--runs", str(out / "exercise2b"), str(out / "exercise1b"),
                 "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "table.md").read_text() == table
    # ... and print in every report format.
    for fmt, marker in [("text", "exercise2b"), ("latex", r"\toprule"), ("csv", "model,val_loss"), ("json", '"val_loss"')]:
        assert main(["compare", "--runs", str(out / "exercise2b"), str(out / "exercise1b"), "--format", fmt,
                     "--out", str(tmp_path / "again")]) == 0
        assert marker in capsys.readouterr().out


@needs_mnist
def test_mirrored_strategy_trains_on_what_devices_there_are(tmp_path):
    result = train(load(SPECS / "exercise2b.cnn"),
                   small(tmp_path / "run", epochs=1, limit=500, split="full",
                         distribute="mirrored"))
    assert result.results["device"]["strategy"] == "MirroredStrategy"
    assert result.results["device"]["replicas"] >= 1
    assert math.isfinite(result.results["test_loss"])


@needs_mnist
def test_a_vector_input_spec_trains_on_flattened_images(tmp_path):
    from cnnspec import analyze

    spec = parse("input 784\ndense 32 sigmoid\ndense 10\n", "mlp.cnn")
    result = train(spec, small(tmp_path / "run", epochs=1, limit=500, split="full"))
    assert result.results["params"]["total"] == analyze(spec).total_params
    assert math.isfinite(result.results["test_loss"])


def test_importing_the_trainer_imports_no_tensorflow_or_matplotlib():
    code = ("import sys, cnnspec.training.trainer, cnnspec.training.compare, cnnspec.training.plotting, "
            "cnnspec.commands.train, cnnspec.commands.compare, cnnspec.commands.data; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'tensorflow', 'keras', 'matplotlib', 'sklearn'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_data_command_verifies_and_caches(tmp_path, monkeypatch, capsys):
    from cnnspec.training import data
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (8, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 8, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, 4, dtype=np.uint8)}
    import hashlib

    monkeypatch.setattr(data, "MNIST_ARRAYS", {
        name: data.ArraySpec(a.shape, hashlib.sha256(a.tobytes()).hexdigest())
        for name, a in arrays.items()})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(MNIST_ENV, raising=False)
    source = tmp_path / "mnist.npz"
    np.savez(source, **arrays)
    assert main(["data", "--data", str(source)]) == 0
    out = capsys.readouterr().out
    assert f"12 images verified (SHA-256) from {source}; cache: {data.cache_path()}" in out
    assert data.cache_path().is_file()
    np.savez(source, **{**arrays, "y_test": arrays["y_test"][::-1].copy()})
    assert main(["data", "--data", str(source)]) == 1
    assert "y_test differ from real MNIST" in capsys.readouterr().err


@needs_mnist
@pytest.mark.parametrize("delay", [0.0, 0.7, 1.9])
def test_sigkill_at_any_moment_leaves_a_resumable_or_finished_run(tmp_path, delay):
    """SIGKILL gives the process no chance to clean up: only the order and atomicity of its
    writes can keep the run consistent (no results.json unless finished, each epoch once)."""
    out = tmp_path / "run"
    command = [sys.executable, "-m", "cnnspec", "train", str(SPECS / "exercise2b.cnn"),
               "--limit", "500", "--epochs", "4", "--data", REAL_MNIST, "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    paths = RunPaths(out)
    deadline = time.monotonic() + 180
    while not paths.state.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    process.kill()
    process.wait(timeout=60)
    if paths.results.exists():  # it finished before the kill: a complete run
        assert [row.epoch for row in read_metrics(paths.metrics)] == [1, 2, 3, 4]
        return
    done = read_state(paths).epochs_done
    assert 1 <= done <= 4
    assert [row.epoch for row in read_metrics(paths.metrics)][:done] == list(range(1, done + 1))
    assert len(read_metrics(paths.metrics)) in (done, done + 1)
    assert main(["train", str(SPECS / "exercise2b.cnn"), "--out", str(out), "--resume"]) == 0
    assert [row.epoch for row in read_metrics(paths.metrics)] == [1, 2, 3, 4]
    assert json.loads(paths.results.read_text())["epochs_done"] == 4


def test_progress_bar_never_counts_past_the_steps_of_an_epoch(capsys):
    from cnnspec.training.callbacks import WholeRunProgressBar
    from cnnspec.training.trainer import STEPS_PER_EXECUTION

    bar = WholeRunProgressBar(epochs=3)
    bar.set_params({"verbose": 1, "epochs": 1, "steps": 5})  # 500 images, batch 100
    bar.on_train_begin()
    bar.on_epoch_begin(0)
    shown = []
    bar.progbar.update = lambda current, *args, **kwargs: shown.append(current)
    # Keras names the last step a call into TensorFlow could run, not the last it ran.
    bar.on_train_batch_end(STEPS_PER_EXECUTION - 1, {"loss": 1.0})
    assert shown == [5] and bar.seen == 5
    assert "Epoch 1/3" in capsys.readouterr().out
