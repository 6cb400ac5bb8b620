"""Train a spec on MNIST with the report's recipe: one run, one directory, reproducible.

Public API (stable: `cnnspec train`, `cnnspec compare` and sweeps call it)::

    from cnnspec.training.trainer import TrainConfig, train, resume_config
    config = TrainConfig(epochs=3, limit=6000, out="runs/m3")  # the report's values otherwise
    result = train(spec, config, log=print)                    # -> cnnspec.training.runs.RunResult
    result.run_dir, result.results["test_accuracy"], result.history[-1].val_loss
    config = resume_config("runs/m3", epochs=5)                 # an interrupted or finished run,
    train(spec, config)                                         # to go on (to 5 epochs here)

`TrainConfig` (frozen) is a `Recipe` and `RunOptions` (`cnnspec.training.recipe`). The
recipe: epochs 50, batch_size 100, lr 0.05, seed 6570518, split "fold" (the report's first
of 5 folds: 48,000 train / 12,000 validation) or "full" (all 60,000, as in its 2.b), limit
(train on the first N training images). The run: data (an .npz, MNIST's or one's own, or a
folder of class folders; see `cnnspec.training.datasets`), dataset (mnist, fashion_mnist or
cifar10; default: MNIST in `cnnspec.training.data.load_mnist`'s order), out (default
`runs/<name>-<timestamp>`), resume, distribute (None: the best single device; "mirrored":
`tf.distribute.MirroredStrategy`), max_params.

The run directory is made before the data is loaded (a path that cannot be one fails at
once) and removed again, with anything else this run created, if the run stops before an
epoch finished: a failed start leaves nothing behind. Default names are short and never
shared: `runs/<name, cut to 64 characters>-<timestamp>[-2, -3, ...]`.

Resuming a finished run of E epochs with `epochs` N > E trains epochs E+1..N, exactly as
one run of N epochs would have; N == E returns the finished run untouched, N < E is an
error. Until the longer run finishes, the directory keeps the E-epoch results.json.

`train` writes the files listed in `cnnspec.training.runs` and returns the `RunResult` of
results.json. It raises `SpecFitError` for a spec the data cannot train, or too big to
(located at the spec's input, output or largest layer), `RunError` for a resume that
does not match or a non-finite loss (the finished epochs stay on disk), and `DataError` when the data cannot be found or read. On KeyboardInterrupt the run is left resumable and the interrupt re-raised.

The recipe: pixels / 255, one-hot labels, categorical cross-entropy on the softmax output,
plain SGD, shuffled every epoch; all randomness from the seed, with TensorFlow's op
determinism, so a run repeats exactly and a resumed run equals an uninterrupted one.
(Both are process-wide: `train` sets Keras's global seed and turns op determinism on.)
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import itertools
import math
import os
import platform
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cnnspec import atomic
from cnnspec.analysis.analyzer import Analysis, analyze
from cnnspec.analysis.budget import require_fits
from cnnspec.errors import RunError
from cnnspec.layers.spec import Spec
from cnnspec.training.outputs import claim_directory, release
from cnnspec.training.recipe import (
    LOSS, RECIPE_FIELDS, RUN_FIELDS, Recipe, RunOptions, TrainConfig, check_trainable_on,
)
from cnnspec.training.runs import (CheckpointState, EpochMetrics, RunPaths, RunResult, load_run, metrics_csv,
                   read_state, write_results, write_state)
from cnnspec.training.splits import epoch_order, split_training_images

__all__ = ["TrainConfig", "Recipe", "RunOptions", "RunResult", "train", "resume_config", "default_run_dir", "make_run_dir"]

Log = Callable[[str], None] | None

# Settings of this run that a resume must share; the number of epochs may grow.
RESUME_MUST_MATCH = ("batch_size", "lr", "seed", "split", "limit", "dataset")
# Several SGD steps per call into TensorFlow: the per-step Python overhead is what limits
# small models on CPU (benchmarks/train_throughput.py); the results are the same.
STEPS_PER_EXECUTION = 10
# pixels / 255 computed in float64 and rounded once to float32, as the report's
# `x_train / 255` was before Keras cast it: the model sees exactly the report's inputs.
PIXEL_VALUES = (np.arange(256) / 255).astype(np.float32)


def resume_config(run_dir: str | os.PathLike, **given: Any) -> TrainConfig:
    """The config an unfinished (or finished) run was started with, with `given` values
    that are not None put over it, ready to `train` with `resume=True`."""
    paths = RunPaths(Path(run_dir))
    record = _last_record(paths)
    if isinstance(record, RunResult):
        stored = record.results["hyperparameters"]
    else:
        stored = record.config if record is not None else None
    if stored is None:
        raise _error(f"nothing to resume in {paths.root}: no finished epoch was recorded there "
                     "(checkpoint/state.json); start a new run instead", paths.root)
    settings = {name: value for name, value in stored.items() if name in RECIPE_FIELDS + RUN_FIELDS}
    settings.update({name: value for name, value in given.items() if value is not None})
    return TrainConfig(**{**settings, "out": str(paths.root), "resume": True})


def train(spec: Spec, config: TrainConfig | None = None, *, log: Log = None,
          progress_bar: bool = False, stop: Callable[[], bool] | None = None) -> RunResult:
    """Train `spec` as `config` says and return the finished run (see the module docstring).

    `log` receives one line per event (data source, each epoch unless `progress_bar`,
    the result); `progress_bar` shows Keras's bar instead of the epoch lines. `stop`, asked
    after every step, ends the run as Ctrl-C does when it answers True (from another thread:
    the playground's stop button): the finished epochs stay, resumable.
    """
    config = config or TrainConfig()
    analysis = analyze(spec)
    from cnnspec.training.datasets import known_shape

    known = known_shape(config.run.data, config.run.dataset)
    if known is not None:  # MNIST and the keras.datasets sets: refused before they are read
        check_trainable_on(analysis, *known)
    require_fits(analysis, batch=config.recipe.batch_size, training=True, max_params=config.run.max_params)
    spec_sha256 = hashlib.sha256(spec.text.encode("utf-8")).hexdigest()
    root, created = _run_directory(spec, config)
    try:
        return _train_into(RunPaths(root), spec, analysis, spec_sha256, config, log, progress_bar, stop)
    except BaseException:
        release(created)  # what this run created and left empty: a failed start leaves nothing
        raise


def _train_into(paths: RunPaths, spec: Spec, analysis: Analysis, spec_sha256: str,
                config: TrainConfig, log: Log, progress_bar: bool,
                stop: Callable[[], bool] | None = None) -> RunResult:
    resume = _resume_point(paths, config, spec_sha256)
    if isinstance(resume, RunResult):
        _say(log, f"{paths.root}: already finished its {config.recipe.epochs} epochs; nothing to train")
        return resume
    from cnnspec.training.datasets import load_image_data

    data = load_image_data(config.run.data, config.run.dataset, image_shape=spec.input_shape, seed=config.recipe.seed, log=log)
    check_trainable_on(analysis, data.image_shape, data.classes, data.description)
    split = split_training_images(config.recipe.split, len(data.x_train), config.recipe.seed, config.recipe.limit)
    tf, keras = _import_tensorflow()
    keras.utils.set_random_seed(config.recipe.seed)
    tf.config.experimental.enable_op_determinism()
    strategy = _strategy(tf, config.run.distribute)
    inputs = _Inputs(tf, spec.input_shape, config.recipe.batch_size, data.classes)

    with strategy.scope():
        if resume is None:
            model = _compiled_model(keras, tf, spec, config)
            history: list[EpochMetrics] = []
        else:
            state, model_file = resume
            model = keras.models.load_model(model_file)
            history = list(state.history)
            _say(log, f"resuming {paths.root} after epoch {state.epochs_done}")
    x_train, y_train = data.x_train[split.train], data.y_train[split.train]
    validation = (inputs.batches(data.x_train[split.validation], data.y_train[split.validation])
                  if len(split.validation) else None)
    validating = (f"validating on {len(split.validation):,}" if len(split.validation)
                  else "no validation (full split)")
    _say(log, f"{spec.name}: {analysis.total_params:,} params; training on {len(x_train):,} "
              f"images, {validating}; {config.recipe.epochs} epoch{'s' * (config.recipe.epochs != 1)}, "
              f"batch {config.recipe.batch_size}, SGD lr {config.recipe.lr}, seed {config.recipe.seed}")

    _run_epochs(model, inputs, x_train, y_train, validation, history, paths, config,
                spec_sha256, log, progress_bar, stop=stop, resume_hint=f"cnnspec train {spec.source} "
                f"--out {paths.root} --resume")
    test = model.evaluate(inputs.batches(data.x_test, data.y_test), verbose=0, return_dict=True)
    results = _results(spec, analysis, spec_sha256, config, split, history, test,
                       test_size=len(data.y_test), data=data.record(),
                       devices=_devices(tf, strategy, model),
                       versions=_versions(tf, keras))
    _write_outputs(model, paths, history, results, title=f"{spec.name}: loss over epochs")
    _say(log, f"{spec.name}: test accuracy {test['accuracy']:.2%}, test loss "
              f"{test['loss']:.5f}; run in {paths.root}")
    return RunResult(paths.root, results, tuple(history))


def _run_epochs(model, inputs: "_Inputs", x_train, y_train, validation,
                history: list[EpochMetrics], paths: RunPaths, config: TrainConfig,
                spec_sha256: str, log: Log, progress_bar: bool, resume_hint: str,
                stop: Callable[[], bool] | None = None) -> None:
    """Train the epochs not yet in `history`, checkpointing each as it finishes."""
    board = _TensorBoard(inputs.tf, paths.logs, log)
    try:
        for epoch in range(len(history), config.recipe.epochs):
            order = epoch_order(len(x_train), config.recipe.seed, epoch)
            row = _train_one_epoch(model, inputs.batches(x_train[order], y_train[order]),
                                   validation, epoch, config, progress_bar, stop)
            _stop_if_not_finite(row, paths, config)
            history.append(row)
            _checkpoint(model, paths, config, spec_sha256, history)
            board.write(row)
            if not progress_bar:
                _say(log, _epoch_line(row, config.recipe.epochs))
    except KeyboardInterrupt:
        new_line = "\n" if progress_bar else ""  # a progress bar leaves the cursor on its line
        _say(log, f"{new_line}interrupted after {len(history)} finished epoch(s); the run is "
                  f"resumable: {resume_hint}")
        raise
    finally:
        board.close()


def _write_outputs(model, paths: RunPaths, history: list[EpochMetrics],
                   results: dict[str, Any], title: str) -> None:
    """model.keras and loss.png, then results.json, which marks the run finished."""
    from cnnspec.training.plotting import plot_run

    with atomic.atomic_path(paths.model) as temp:
        model.save(temp)
    plot_run(history, paths.plot, title=title)
    write_results(paths, results)
    shutil.rmtree(paths.checkpoint, ignore_errors=True)  # model.keras holds all it held
    paths.stopped.unlink(missing_ok=True)  # an earlier stop, since made good


# --- checks before anything heavy is imported --------------------------------------------


def default_run_dir(name: str, now: datetime.datetime | None = None) -> Path:
    """`runs/<name>-<timestamp>`, the name made safe and short for a path.

    >>> default_run_dir("Model 3", datetime.datetime(2024, 5, 1, 12, 30, 5)).as_posix()
    'runs/Model-3-20240501-123005'
    """
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{path_safe(name)}-{stamp}"


def make_run_dir(name: str, now: datetime.datetime | None = None) -> Path:
    """Create and return a new default run directory: `default_run_dir`, or it with `-2`,
    `-3`, ... when another run took that name in the same second (`os.mkdir` either creates
    a folder or fails, so two runs never share one)."""
    return _new_run_dir(name, now)[0]


def _new_run_dir(name: str, now: datetime.datetime | None = None) -> tuple[Path, tuple[Path, ...]]:
    """The new run directory and every folder created for it, innermost first."""
    base = default_run_dir(name, now)
    created = claim_directory(base.parent, "the runs folder")
    for number in itertools.count(1):
        candidate = base if number == 1 else base.with_name(f"{base.name}-{number}")
        try:
            os.mkdir(candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            release(created)
            raise _error(f"cannot create the run directory: {exc.strerror or exc}", candidate) from None
        return candidate, (candidate, *created)
    raise AssertionError("unreachable")


def _run_directory(spec: Spec, config: TrainConfig) -> tuple[Path, tuple[Path, ...]]:
    """The run's directory, made now (before any slow work), and the folders that made."""
    if not config.run.out:
        return _new_run_dir(spec.name)
    if config.run.resume:
        return Path(config.run.out), ()  # it must exist: `_resume_point` says so if it does not
    return Path(config.run.out), claim_directory(config.run.out, "the run directory")


NAME_LENGTH = 64  # of a name in a path: far below any file system's limit, timestamp added


def path_safe(name: str) -> str:
    """A spec name as one short path component; a long one is cut and ends in a hash of
    the whole, so names that differ only after the cut stay apart.

    >>> path_safe("Model 3"), path_safe("../x y"), path_safe("///")
    ('Model-3', 'x-y', 'model')
    >>> path_safe("model " * 20)
    'model-model-model-model-model-model-model-model-model-m-f2ecc345'
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "model"
    if len(safe) <= NAME_LENGTH:
        return safe
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{safe[:NAME_LENGTH - 9].rstrip('-.')}-{digest}"


def _last_record(paths: RunPaths) -> RunResult | CheckpointState | None:
    """What a run directory holds last: the finished run, or the checkpoint record of an
    unfinished one (a finished run being extended has both; the later one counts)."""
    state = read_state(paths)
    if paths.results.is_file():
        finished = load_run(paths.root)
        if state is None or state.epochs_done <= finished.results["epochs_done"]:
            return finished
    return state


def _resume_point(paths: RunPaths, config: TrainConfig, spec_sha256: str):
    """None to start afresh, (the `CheckpointState` to continue, its model file), or the
    finished `RunResult` when it has the epochs asked for."""
    exists = paths.root.is_dir()
    if not config.run.resume:
        if exists and any(paths.root.iterdir()):
            raise _error(f"{paths.root} is not empty; pass --resume to continue the run in it, "
                         "or choose another --out", paths.root)
        return None
    if not exists:
        raise _error(f"nothing to resume: {paths.root} does not exist", paths.root)
    record = _last_record(paths)
    if isinstance(record, RunResult):
        return _extension_point(record, paths, config, spec_sha256)
    if record is None:
        return None  # interrupted before its first epoch ended: nothing to keep
    _require_same_run(record.config, record.spec_sha256, config, spec_sha256, paths)
    if config.recipe.epochs < record.epochs_done:
        raise _error(f"the run has already finished {record.epochs_done} epochs; --epochs "
                     f"{config.recipe.epochs} would end it before that", paths.root)
    if not (paths.checkpoint / record.model_file).is_file():
        raise _error(f"the checkpoint names {record.model_file}, which is missing", paths.state)
    return record, paths.checkpoint / record.model_file


def _extension_point(finished: RunResult, paths: RunPaths, config: TrainConfig, spec_sha256: str):
    """A finished run asked for `config.recipe.epochs`: itself if it has them, or the point to go
    on from (its model.keras keeps the optimizer state, as a checkpoint does)."""
    done = finished.results["epochs_done"]
    _require_same_run(finished.results["hyperparameters"], finished.results["spec"]["sha256"],
                      config, spec_sha256, paths, finished=True)
    if config.recipe.epochs == done:
        return finished
    if config.recipe.epochs < done:
        raise _error(f"the run has already finished {done} epochs; --epochs {config.recipe.epochs} would "
                     f"end it before that (for a shorter run, start a new one)", paths.root)
    if not paths.model.is_file():
        raise _error("the finished run has no model.keras to go on from", paths.root)
    state = CheckpointState(done, paths.model.name, finished.results["hyperparameters"],
                            spec_sha256, finished.history)
    return state, paths.model


def _require_same_run(stored: dict[str, Any], stored_sha256: str, config: TrainConfig,
                      spec_sha256: str, paths: RunPaths, finished: bool = False) -> None:
    if stored_sha256 != spec_sha256:
        raise _error("the spec differs from the one this run was trained from (SHA-256 "
                     f"{stored_sha256[:12]}…, now {spec_sha256[:12]}…); resume it with the "
                     "same spec, or start a new run", paths.root)
    asked = config.hyperparameters()
    differ = [f"{name} {stored.get(name)!r} (asked: {asked[name]!r})"
              for name in RESUME_MUST_MATCH if stored.get(name) != asked[name]]
    if differ:
        what = "finished" if finished else "was started"
        raise _error(f"this run {what} with {', '.join(differ)}; resume it with its own "
                     "settings, or start a new run", paths.root)


# --- the Keras part (imported only here) -------------------------------------------------


def _import_tensorflow():
    from cnnspec.compiler.build import import_keras

    keras = import_keras()  # without TensorFlow's start-up banners
    import tensorflow as tf

    return tf, keras


def _strategy(tf, distribute: str | None):
    if distribute == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()  # the default: TensorFlow's best single device


def _compiled_model(keras, tf, spec: Spec, config: TrainConfig):
    from cnnspec import to_keras

    model = to_keras(spec, seed=config.recipe.seed)
    # TensorFlow opens a name scope named after the model when it traces a training step,
    # and such names may not contain spaces ("Model 3"); the layers keep their names.
    if not re.fullmatch(r"[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*", model.name):
        model.name = path_safe(model.name).replace("-", "_")
    model.compile(
        loss=LOSS,
        optimizer=keras.optimizers.SGD(learning_rate=config.recipe.lr),
        metrics=["accuracy"],
        # XLA made Model 3 several times slower on CPU; on GPU, Keras's own choice.
        jit_compile="auto" if tf.config.list_physical_devices("GPU") else False,
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    return model


class _Inputs:
    """Batches from uint8 arrays in memory: normalised and one-hot encoded inside tf.data,
    in parallel with training, so the full float32 copy of MNIST never exists."""

    def __init__(self, tf, input_shape: tuple[int, ...], batch_size: int, classes: int):
        self.tf = tf
        self.batch_size = batch_size
        pixel_values = tf.constant(PIXEL_VALUES)
        shape = (-1, *input_shape)

        def to_model_input(images, labels):
            pixels = tf.gather(pixel_values, tf.cast(images, tf.int32))
            return tf.reshape(pixels, shape), tf.one_hot(tf.cast(labels, tf.int32), classes)

        self.to_model_input = to_model_input

    def batches(self, images: np.ndarray, labels: np.ndarray):
        tf = self.tf
        dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(self.batch_size)
        dataset = dataset.map(self.to_model_input, num_parallel_calls=tf.data.AUTOTUNE)
        return dataset.prefetch(tf.data.AUTOTUNE)


def _train_one_epoch(model, batches, validation, epoch: int, config: TrainConfig,
                     progress_bar: bool, stop: Callable[[], bool] | None = None) -> EpochMetrics:
    from cnnspec.training.callbacks import EpochClock, StopOnNonFiniteLoss, StopWhenAsked, WholeRunProgressBar

    # One fit() call per epoch, each over that epoch's own shuffle: the order depends on the
    # epoch number alone, so resuming at any epoch replays exactly the uninterrupted run.
    clock = EpochClock()
    callbacks = [clock, StopOnNonFiniteLoss()]
    if progress_bar:
        callbacks.append(WholeRunProgressBar(config.recipe.epochs))
    if stop is not None:
        callbacks.append(StopWhenAsked(stop))
    fit = model.fit(batches, validation_data=validation, initial_epoch=epoch, epochs=epoch + 1,
                    shuffle=False, verbose=1 if progress_bar else 0, callbacks=callbacks)
    logs = {name: values[-1] for name, values in fit.history.items()}
    return EpochMetrics(
        epoch=epoch + 1,
        loss=float(logs.get("loss", math.nan)),
        accuracy=float(logs.get("accuracy", math.nan)),
        val_loss=float(logs["val_loss"]) if "val_loss" in logs else None,
        val_accuracy=float(logs["val_accuracy"]) if "val_accuracy" in logs else None,
        seconds=clock.train_seconds,
    )


def _stop_if_not_finite(row: EpochMetrics, paths: RunPaths, config: TrainConfig) -> None:
    if math.isfinite(row.loss):
        return
    done = row.epoch - 1
    finished = "epoch 1 is" if done == 1 else f"epochs 1-{done} are"
    kept = (f"{finished} kept in {paths.metrics} and {paths.checkpoint}" if done
            else "no epoch had finished")
    error = _error(f"the training loss became {row.loss} in epoch {row.epoch}, so training "
                   f"stopped; {kept}. Plain SGD diverges when the learning rate is too large for "
                   f"the network: try a --lr below {config.recipe.lr}", paths.root)
    if done:  # the finished epochs stay, with the reason they are all there is
        atomic.write_text_atomic(paths.stopped, error.message + "\n")
    raise error


def _checkpoint(model, paths: RunPaths, config: TrainConfig, spec_sha256: str,
                history: list[EpochMetrics]) -> None:
    """The model (weights and optimizer state) and the metrics first, then the record that
    commits them: a kill at any moment leaves metrics.csv covering every committed epoch
    (and at most one more, which a resume trains again and rewrites)."""
    epoch = history[-1].epoch
    model_file = paths.epoch_model(epoch)
    paths.checkpoint.mkdir(exist_ok=True)
    with atomic.atomic_path(model_file) as temp:
        model.save(temp)
    atomic.write_text_atomic(paths.metrics, metrics_csv(history))
    write_state(paths, CheckpointState(epoch, model_file.name, config.hyperparameters(),
                                       spec_sha256, tuple(history)))
    for older in paths.checkpoint.glob("epoch-*.keras"):
        if older != model_file:
            older.unlink(missing_ok=True)


class _TensorBoard:
    """Per-epoch scalars as Keras's TensorBoard callback names them (epoch_loss, ...), written
    by cnnspec because each fit() call runs one epoch. Skipped, with a note, when the
    tensorboard package (which tf.summary needs) is missing."""

    def __init__(self, tf, logs: Path, log: Log):
        self.tf = tf
        self.logs = logs
        self.writers: dict[str, Any] = {}
        self.enabled = importlib.util.find_spec("tensorboard") is not None
        if not self.enabled:
            _say(log, "TensorBoard logs skipped: install the tensorboard package to get them")

    def write(self, row: EpochMetrics) -> None:
        if not self.enabled:
            return
        for part, prefix in (("train", ""), ("validation", "val_")):
            values = {"loss": getattr(row, f"{prefix}loss"),
                      "accuracy": getattr(row, f"{prefix}accuracy")}
            if values["loss"] is None:
                continue
            writer = self.writers.get(part)
            if writer is None:
                writer = self.writers[part] = self.tf.summary.create_file_writer(str(self.logs / part))
            with writer.as_default(step=row.epoch - 1):  # Keras counts epochs from 0 here
                for name, value in values.items():
                    self.tf.summary.scalar(f"epoch_{name}", value)
            writer.flush()

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


# --- results -----------------------------------------------------------------------------


def _results(spec: Spec, analysis: Analysis, spec_sha256: str, config: TrainConfig, split,
             history: list[EpochMetrics], test: dict[str, float], *, test_size: int,
             data: dict[str, Any], devices: dict[str, Any],
             versions: dict[str, str]) -> dict[str, Any]:
    train_seconds = sum(row.seconds for row in history)
    last = history[-1]
    return {
        "spec": {"name": spec.name, "file": spec.source, "sha256": spec_sha256},
        "params": {"total": analysis.total_params, "trainable": analysis.trainable_params,
                   "non_trainable": analysis.non_trainable_params},
        "macs": analysis.total_macs,
        "hyperparameters": config.hyperparameters(),
        "recipe": {"optimizer": "SGD (no momentum)", "loss": LOSS,
                   "pixels": "uint8 / 255", "labels": "one-hot",
                   "shuffle": "every epoch, from the seed and the epoch number"},
        "data": data,  # how the images were prepared: cnnspec.training.datasets.ImageData.record
        "split_sizes": {"train": int(len(split.train)), "validation": int(len(split.validation)),
                        "test": test_size},
        "epochs_done": len(history),
        "train_seconds": train_seconds,
        "samples_per_second": len(split.train) * len(history) / train_seconds,
        "loss": last.loss,
        "accuracy": last.accuracy,
        "val_loss": last.val_loss,
        "val_accuracy": last.val_accuracy,
        "test_loss": float(test["loss"]),
        "test_accuracy": float(test["accuracy"]),
        "versions": versions,
        "device": devices,
        "finished": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _devices(tf, strategy, model) -> dict[str, Any]:
    return {
        "strategy": type(strategy).__name__.lstrip("_"),
        "replicas": int(strategy.num_replicas_in_sync),
        "devices": [device.name for device in tf.config.list_logical_devices()
                    if device.device_type in ("CPU", "GPU")],
        "gpus": [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
                 for gpu in tf.config.list_physical_devices("GPU")],
        "cpu": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "jit_compile": bool(model.jit_compile),
    }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions(tf, keras) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        cnnspec_version = version("cnnspec")
    except PackageNotFoundError:
        cnnspec_version = "unknown"
    return {"cnnspec": cnnspec_version, "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": np.__version__, "python": platform.python_version()}


# --- small helpers -----------------------------------------------------------------------


def _epoch_line(row: EpochMetrics, epochs: int) -> str:
    """One line per epoch when there is no terminal to draw a progress bar on.

    >>> print(_epoch_line(EpochMetrics(3, 0.25, 0.9, 0.5, 0.875, 14.2), 50))
    epoch 3/50: loss 0.25000, accuracy 0.9000, val_loss 0.50000, val_accuracy 0.8750 (14.2 s)
    """
    parts = [f"loss {row.loss:.5f}", f"accuracy {row.accuracy:.4f}"]
    if row.val_loss is not None:
        parts += [f"val_loss {row.val_loss:.5f}", f"val_accuracy {row.val_accuracy:.4f}"]
    return f"epoch {row.epoch}/{epochs}: {', '.join(parts)} ({row.seconds:.1f} s)"


def _error(message: str, where: Path | str) -> RunError:
    return RunError(message, str(where))


def _say(log: Log, message: str) -> None:
    if log is not None:
        log(message)
