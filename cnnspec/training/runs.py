"""A run directory: the files a training run leaves, and how to read them back.

    metrics.csv            one row per finished epoch (epoch, loss, accuracy, val_loss,
                           val_accuracy, seconds); val_* are empty for the full split
    results.json           written last: a run without it did not finish
    model.keras            the trained model, optimizer state included
    loss.png               loss and validation loss per epoch
    logs/                  TensorBoard scalars (train/, validation/)
    checkpoint/state.json  while unfinished: the epochs done, their metrics, the config and
    checkpoint/epoch-N.keras   the model after epoch N (state.json names which file)
    stopped.txt            why the run stopped early (a NaN loss), when it had finished epochs

No Keras here: reading results back (`load_run`) is cheap, for `compare` and sweeps.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cnnspec import atomic
from cnnspec.errors import RunError

METRICS_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds")
STATE_FORMAT = 1


@dataclass(frozen=True)
class EpochMetrics:
    """One finished epoch; `epoch` counts from 1, `seconds` is its training time (no validation)."""

    epoch: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float


@dataclass(frozen=True)
class RunPaths:
    """Where each file of a run lives."""

    root: Path

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.csv"

    @property
    def results(self) -> Path:
        return self.root / "results.json"

    @property
    def model(self) -> Path:
        return self.root / "model.keras"

    @property
    def plot(self) -> Path:
        return self.root / "loss.png"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def stopped(self) -> Path:
        return self.root / "stopped.txt"

    @property
    def checkpoint(self) -> Path:
        return self.root / "checkpoint"

    @property
    def state(self) -> Path:
        return self.checkpoint / "state.json"

    def epoch_model(self, epoch: int) -> Path:
        return self.checkpoint / f"epoch-{epoch:04d}.keras"


@dataclass(frozen=True)
class RunResult:
    """A finished run: its directory, the contents of results.json and the per-epoch metrics."""

    run_dir: Path
    results: dict[str, Any] = field(compare=False)
    history: tuple[EpochMetrics, ...] = ()

    @property
    def name(self) -> str:
        return self.results["spec"]["name"]


@dataclass(frozen=True)
class CheckpointState:
    """What `--resume` needs besides the model file: the commit record of the last epoch."""

    epochs_done: int
    model_file: str
    config: dict[str, Any]
    spec_sha256: str
    history: tuple[EpochMetrics, ...]


# --- metrics.csv -------------------------------------------------------------------------


def metrics_csv(history: tuple[EpochMetrics, ...] | list[EpochMetrics]) -> str:
    """The metrics as CSV; floats in their shortest exact form, so equal runs give equal files.

    >>> print(metrics_csv([EpochMetrics(1, 0.5, 0.875, None, None, 2.0)]), end="")
    epoch,loss,accuracy,val_loss,val_accuracy,seconds
    1,0.5,0.875,,,2.0
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(METRICS_COLUMNS)
    for row in history:
        writer.writerow(["" if value is None else repr(value) for value in _values(row)])
    return out.getvalue()


def read_metrics(path: Path) -> tuple[EpochMetrics, ...]:
    """metrics.csv back into records; a RunError names the file if it is not one."""
    try:
        with open(path, newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            if tuple(reader.fieldnames or ()) != METRICS_COLUMNS:
                raise ValueError(f"columns {reader.fieldnames}, expected {list(METRICS_COLUMNS)}")
            return tuple(_metrics_from_strings(row) for row in reader)
    except (OSError, ValueError, KeyError) as exc:
        raise _error(f"cannot read the metrics ({exc})", path) from exc


def _metrics_from_strings(row: dict[str, str]) -> EpochMetrics:
    def optional(text: str) -> float | None:
        return float(text) if text else None

    return EpochMetrics(int(row["epoch"]), float(row["loss"]), float(row["accuracy"]),
                        optional(row["val_loss"]), optional(row["val_accuracy"]),
                        float(row["seconds"]))


def _values(row: EpochMetrics) -> tuple:
    return tuple(getattr(row, name) for name in METRICS_COLUMNS)


# --- results.json ------------------------------------------------------------------------


def write_results(paths: RunPaths, results: dict[str, Any]) -> None:
    atomic.write_text_atomic(paths.results, _json(results))


def has_started(run_dir: str | Path) -> bool:
    """Whether a run was started there, so training it again means resuming it."""
    run_dir = Path(run_dir)
    return run_dir.is_dir() and any(run_dir.iterdir())


def load_run(run_dir: str | Path) -> RunResult:
    """A finished run read back from its directory; a RunError says why it cannot be."""
    paths = RunPaths(Path(run_dir))
    if not paths.results.is_file():
        why = ("it did not finish (no results.json); continue it with `cnnspec train SPEC "
               f"--out {paths.root} --resume`") if paths.state.is_file() else "no results.json"
        raise _error(f"not a finished run: {why}", paths.root)
    results = _read_json(paths.results)
    return RunResult(paths.root, results, read_metrics(paths.metrics))


# --- checkpoint/state.json ---------------------------------------------------------------


def write_state(paths: RunPaths, state: CheckpointState) -> None:
    """Commit an epoch: written after its model file, so it only ever names a complete one."""
    record = {
        "format": STATE_FORMAT,
        "epochs_done": state.epochs_done,
        "model_file": state.model_file,
        "config": state.config,
        "spec_sha256": state.spec_sha256,
        "history": [asdict(row) for row in state.history],
    }
    paths.checkpoint.mkdir(parents=True, exist_ok=True)
    atomic.write_text_atomic(paths.state, _json(record))


def read_state(paths: RunPaths) -> CheckpointState | None:
    """The last committed epoch, or None when no epoch has finished."""
    if not paths.state.is_file():
        return None
    record = _read_json(paths.state)
    try:
        if record["format"] != STATE_FORMAT:
            raise ValueError(f"format {record['format']}, this cnnspec reads {STATE_FORMAT}")
        return CheckpointState(
            epochs_done=int(record["epochs_done"]),
            model_file=str(record["model_file"]),
            config=dict(record["config"]),
            spec_sha256=str(record["spec_sha256"]),
            history=tuple(EpochMetrics(**row) for row in record["history"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _error(f"the checkpoint record is damaged ({exc})", paths.state) from exc


# --- helpers -----------------------------------------------------------------------------


def _json(value: dict[str, Any]) -> str:
    # allow_nan=False: NaN is not JSON, and a NaN loss stops a run before anything is written.
    return json.dumps(value, indent=2, allow_nan=False) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _error(f"cannot read ({exc})", path) from exc
    if not isinstance(value, dict):
        raise _error("expected a JSON object", path)
    return value


def _error(message: str, path: Path) -> RunError:
    return RunError(message, str(path))
