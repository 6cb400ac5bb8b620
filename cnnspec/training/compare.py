"""Finished runs side by side: the report's Table 2 (validation loss, parameters, time) and
the test accuracy, best by validation loss marked.

Collect (`comparison_rows`, `comparison_notes`) and render (`comparison_table`, in any of
`cnnspec.render.table`'s formats) are separate; the rows come from results.json alone, so any finished runs compare, whoever
trained them. Runs of one spec get a row each, named with their directory; the notes say
which settings differ between the runs and when several tie for the best.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cnnspec.render.table import Column, Marked, Shown, Table, to_csv, to_latex, to_markdown, to_text
from cnnspec.training.runs import RunResult

COLUMNS = (
    Column("model", "model"), Column("validation loss", "val_loss", True),
    Column("total params", "total_params", True), Column("MACs", "macs", True),
    Column("train time (m:ss)", "train_seconds", True), Column("test accuracy", "test_accuracy", True),
    Column("best", "best", csv_only=True), Column("run directory", "run_dir", csv_only=True),
)
CSV_COLUMNS = tuple(column.key for column in COLUMNS)


@dataclass(frozen=True)
class ComparisonRow:
    model: str
    val_loss: float | None
    total_params: int
    macs: int | None
    train_seconds: float
    test_accuracy: float
    best: bool
    run_dir: str


# Settings that make runs differ beyond their networks, and how results.json records them.
SETTINGS = (("epochs", "epochs"), ("batch_size", "batch"), ("lr", "lr"), ("seed", "seed"),
            ("split", "split"), ("limit", "limit"))


def comparison_rows(runs: Sequence[RunResult]) -> tuple[ComparisonRow, ...]:
    """One row per run, in the order given; the lowest validation loss is the best, as in the
    report (runs on the full split have none and are never marked); of runs tied for it,
    the first (`comparison_notes` says so)."""
    losses = [run.results.get("val_loss") for run in runs]
    best = _best_index(losses)
    return tuple(
        ComparisonRow(
            model=label,
            val_loss=loss,
            total_params=int(run.results["params"]["total"]),
            macs=run.results.get("macs"),
            train_seconds=float(run.results["train_seconds"]),
            test_accuracy=float(run.results["test_accuracy"]),
            best=index == best,
            run_dir=str(run.run_dir),
        )
        for index, (run, loss, label) in enumerate(zip(runs, losses, run_labels(runs)))
    )


def run_labels(runs: Sequence[RunResult]) -> list[str]:
    """Each run's spec name, with its directory where several runs share the name."""
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.name] = counts.get(run.name, 0) + 1
    used: set[str] = set()
    return [_unique(run.name if counts[run.name] == 1 else f"{run.name} ({run.run_dir})", used, " #")
            for run in runs]


def comparison_notes(runs: Sequence[RunResult]) -> tuple[str, ...]:
    """What a reader of the table must know: settings that differ between the runs (their
    losses are then not the networks' alone), and a tie for the lowest validation loss."""
    labels = run_labels(runs)
    notes = []
    differences = []
    for key, word in SETTINGS + (("data", "data"),):
        values = [_setting(run, key) for run in runs]
        if len(set(values)) > 1:
            groups: dict[str, list[str]] = {}
            for value, label in zip(values, labels):
                groups.setdefault(value, []).append(label)
            differences.append(f"{word} " + ", ".join(f"{value} ({', '.join(names)})"
                                                     for value, names in groups.items()))
    if differences:
        notes.append("the runs were trained with different settings: " + "; ".join(differences))
    losses = [run.results.get("val_loss") for run in runs]
    best = _best_index(losses)
    if best is not None:
        tied = [label for label, loss in zip(labels, losses) if loss == losses[best]]
        if len(tied) > 1:
            notes.append(f"{', '.join(tied[:-1])} and {tied[-1]} tie for the lowest validation "
                         f"loss, {_loss(losses[best])}; the first is marked best")
    return tuple(notes)


def _setting(run: RunResult, key: str) -> str:
    if key == "data":
        return str(run.results.get("data", {}).get("source", "?"))
    value = run.results.get("hyperparameters", {}).get(key)
    if key == "limit" and value is None:
        return "all images"
    return "?" if value is None else str(value)


def _best_index(losses: Sequence[float | None]) -> int | None:
    known = [(loss, index) for index, loss in enumerate(losses) if loss is not None]
    return min(known)[1] if known else None


def render_markdown(rows: Sequence[ComparisonRow]) -> str:
    """The table as Markdown, ready for a report (untitled: table.md); the best model in bold.

    >>> row = ComparisonRow("Model 3", 0.04151, 449482, 3558912, 1193.0, 0.9896, True, "r")
    >>> print(render_markdown([row]), end="")
    | model | validation loss | total params | MACs | train time (m:ss) | test accuracy |
    |:--|--:|--:|--:|--:|--:|
    | **Model 3** (best) | 0.04151 | 449,482 | 3,558,912 | 19:53 | 98.96% |
    """
    return to_markdown(dataclasses.replace(comparison_table(rows), title=None))


def render_csv(rows: Sequence[ComparisonRow]) -> str:
    """The table as CSV with unrounded numbers, for spreadsheets and scripts."""
    return to_csv(comparison_table(rows))


COMPARE_FORMATS = ("markdown", "text", "latex", "csv", "json")


def comparison_table(rows: Sequence[ComparisonRow]) -> Table:
    """The rows as a report table: rounded as the report prints them, raw in CSV."""
    cells = tuple(
        (Marked(row.model, "best") if row.best else row.model,
         Shown(_loss(row.val_loss), row.val_loss), row.total_params,
         Shown("—", None) if row.macs is None else row.macs,
         Shown(minutes_seconds(row.train_seconds), row.train_seconds),
         Shown(f"{row.test_accuracy:.2%}", row.test_accuracy), row.best, row.run_dir)
        for row in rows
    )
    return Table("Comparison (best: lowest validation loss)", COLUMNS, cells)


def render_notes(notes: Sequence[str]) -> str:
    """The notes as paragraphs to follow a table.

    >>> print(render_notes(["a tie"]), end="")
    <BLANKLINE>
    Note: a tie
    """
    return "".join(f"\nNote: {note}\n" for note in notes)


def render(rows: Sequence[ComparisonRow], fmt: str = "markdown") -> str:
    """The comparison in one of `COMPARE_FORMATS` (markdown and csv are table.md and table.csv)."""
    if fmt == "markdown":
        return render_markdown(rows)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "json":
        return json.dumps([dataclasses.asdict(row) for row in rows], indent=2) + "\n"
    return (to_text if fmt == "text" else to_latex)(comparison_table(rows))


def minutes_seconds(seconds: float) -> str:
    """The report's time format, rounded to the second.

    >>> minutes_seconds(818.4), minutes_seconds(59.6), minutes_seconds(3725)
    ('13:38', '1:00', '62:05')
    """
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _loss(value: float | None) -> str:
    # Five decimals, as the report's Table 2 prints its losses.
    return "—" if value is None else f"{value:.5f}"


# --- training and comparing in one go (`cnnspec compare`) ---------------------------------


def compare(specs: Sequence, config, out: str | Path, runs: Sequence[str | Path] = (), *,
            log=None, note=None, progress_bar: bool = False) -> tuple[ComparisonRow, ...]:
    """Train each spec into `out/<spec file stem>` (a finished run there is reused, an
    unfinished one resumed), add the finished `runs`, and write table.md, table.csv and
    loss.png into `out`. `log` gets the training's lines, `note` (default: `log`) the
    notes. `config` is a `cnnspec.training.trainer.TrainConfig`; its run's `out` is ignored."""
    from cnnspec.training.outputs import claim_directory, release
    from cnnspec.training.runs import has_started, load_run
    from cnnspec.training.trainer import TrainConfig, path_safe, train

    out = Path(out)
    created = claim_directory(out, "the comparison folder")  # before any slow work
    try:
        finished = [load_run(run) for run in runs]
        used: set[str] = set()
        for spec in specs:
            run_dir = out / _unique(path_safe(Path(spec.source).stem or spec.name), used)
            resume = has_started(run_dir)
            run_config = TrainConfig(config.recipe, config.run, out=str(run_dir), resume=resume)
            finished.append(train(spec, run_config, log=log, progress_bar=progress_bar))
        for line in comparison_notes(finished):
            if note or log:
                (note or log)(f"note: {line}")
        return write_comparison(finished, out)
    except BaseException:
        release(created)  # only while empty: finished runs stay
        raise


def write_comparison(runs: Sequence[RunResult], out: str | Path) -> tuple[ComparisonRow, ...]:
    """table.md (with the notes), table.csv and loss.png (one curve per run) in `out`."""
    from cnnspec import atomic
    from cnnspec.training.plotting import plot_comparison

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = comparison_rows(runs)
    notes = comparison_notes(runs)
    atomic.write_text_atomic(out / "table.md", render_markdown(rows) + render_notes(notes))
    atomic.write_text_atomic(out / "table.csv", render_csv(rows))
    plot_comparison({row.model: run.history for row, run in zip(rows, runs)},
                    out / "loss.png", title="Loss over epochs")
    return rows


def _unique(name: str, used: set[str], separator: str = "-") -> str:
    """`name`, or `name-2`, `name-3`, ... when it was taken; records the one returned.

    >>> used = set(); [_unique("m", used) for _ in range(3)]
    ['m', 'm-2', 'm-3']
    """
    candidate, number = name, 1
    while candidate in used:
        number += 1
        candidate = f"{name}{separator}{number}"
    used.add(candidate)
    return candidate
