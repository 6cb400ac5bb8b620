"""Loss curves as PNG files: one run's loss and validation loss, or several runs side by side.

Matplotlib is imported inside the functions and only its object API is used (a `Figure`
rendered by the Agg canvas), so plotting never needs a display and never switches the
backend of a caller's own pyplot session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from cnnspec import atomic
from cnnspec.render.figures import literal_text
from cnnspec.training.runs import EpochMetrics


def plot_run(history: Sequence[EpochMetrics], path: str | Path, title: str) -> None:
    """Training loss, and validation loss where the split has one, over the epochs."""
    figure, axes = _figure(title)
    epochs = [row.epoch for row in history]
    axes.plot(epochs, [row.loss for row in history], marker=".", label="loss (training)")
    validated = [row for row in history if row.val_loss is not None]
    if validated:
        axes.plot([row.epoch for row in validated], [row.val_loss for row in validated],
                  marker=".", linestyle="--", label="validation loss")
    _finish(figure, axes, max(epochs, default=1), legend="best")
    _save(figure, path)


def plot_comparison(histories: Mapping[str, Sequence[EpochMetrics]], path: str | Path,
                    title: str = "Loss over epochs") -> None:
    """`comparison_figure` as a PNG file."""
    _save(comparison_figure(histories, title), path)


def comparison_figure(histories: Mapping[str, Sequence[EpochMetrics]], title: str):
    """One colour per model: training loss solid, validation loss dashed (the report's Figure 5
    shows the training loss of each model); the legend beside the axes, never over a curve."""
    figure, axes = _figure(title, width=10)
    colours = _colours(len(histories))
    for (model, history), colour in zip(histories.items(), colours):
        axes.plot([row.epoch for row in history], [row.loss for row in history],
                  color=colour, marker=".", label=f"{model}: loss")
        validated = [row for row in history if row.val_loss is not None]
        if validated:
            axes.plot([row.epoch for row in validated], [row.val_loss for row in validated],
                      color=colour, marker=".", linestyle="--", label=f"{model}: validation loss")
    _finish(figure, axes, max((row.epoch for h in histories.values() for row in h), default=1),
            legend="outside")
    return figure


def _figure(title: str, width: float = 7):
    from matplotlib.figure import Figure

    # "constrained" makes room for a legend outside the axes; "tight" did not.
    figure = Figure(figsize=(width, 4.5), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (categorical cross-entropy)")
    axes.grid(True, alpha=0.3)
    return figure, axes


def _colours(count: int) -> list:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    return [palette(index % 10) for index in range(count)]


def _finish(figure, axes, last_epoch: int, legend: str) -> None:
    from matplotlib.ticker import MaxNLocator

    # Epochs are whole numbers: every one labelled while they fit, else whole-number ticks.
    if last_epoch <= 12:
        axes.set_xticks(range(1, last_epoch + 1))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if legend == "outside":
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
    else:
        axes.legend(loc=legend)
    literal_text(figure)


def _save(figure, path: str | Path) -> None:
    with atomic.atomic_path(path) as temp:
        figure.savefig(temp, format="png")
