"""The pictures of `evaluate` and `show`: a confusion matrix, a grid of images with
captions, a layer's kernels and a layer's output for one image. PNG files, drawn with
Matplotlib's object API as `cnnspec.training.plotting` draws loss curves (no display needed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cnnspec import atomic
from cnnspec.render.figures import literal_text

MAX_TILES = 64  # channels drawn per layer; a note in the title says when more exist


def plot_confusion(confusion: np.ndarray, class_names: Sequence[str], path: str | Path,
                   title: str) -> None:
    """Counts with true classes as rows and predictions as columns, each cell labelled."""
    from matplotlib.figure import Figure

    classes = len(class_names)
    side = min(max(4.0, 0.5 * classes + 2.5), 16.0)
    figure = Figure(figsize=(side, side), dpi=100, layout="tight")
    axes = figure.add_subplot()
    axes.imshow(confusion, cmap="Blues")
    axes.set_title(title)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_xticks(range(classes), labels=class_names, rotation=90 if classes > 10 else 0)
    axes.set_yticks(range(classes), labels=class_names)
    if classes <= 30:
        threshold = confusion.max() / 2
        for (row, column), count in np.ndenumerate(confusion):
            axes.text(column, row, str(count), ha="center", va="center", fontsize=8,
                      color="white" if count > threshold else "black")
    _save(figure, path)


def plot_image_grid(images: np.ndarray, captions: Sequence[str], path: str | Path,
                    title: str) -> None:
    """uint8 images (n, H, W, C) in a near-square grid, each with its caption."""
    from matplotlib.figure import Figure

    count = max(len(images), 1)
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(1.9 * columns + 0.4, 2.1 * rows + 0.6), dpi=100, layout="tight")
    figure.suptitle(title)
    for position in range(rows * columns):
        axes = figure.add_subplot(rows, columns, position + 1)
        axes.set_axis_off()
        if position < len(images):
            _show_image(axes, images[position])
            axes.set_title(captions[position], fontsize=8)
    if not len(images):
        figure.text(0.5, 0.5, "none", ha="center", va="center")
    _save(figure, path)


def plot_kernels(kernel: np.ndarray, path: str | Path, title: str) -> None:
    """One tile per output channel: the kernel in colour when it reads 3 channels (an RGB
    image), else averaged over its input channels; white positive, black negative."""
    kh, kw, inputs, outputs = kernel.shape
    if inputs == 3:
        tiles = [_unit(kernel[..., k]) for k in range(outputs)]
        note = "RGB"
    else:
        mean = kernel.mean(axis=2)
        bound = float(np.abs(mean).max()) or 1.0
        tiles = [(mean[..., k] / bound + 1) / 2 for k in range(outputs)]  # 0 stays mid-grey
        note = "grey" if inputs == 1 else f"mean over {inputs} input channels"
    _tile_figure(tiles, path, f"{title}: {outputs} kernels {kh}x{kw}x{inputs} ({note})",
                 captions=[str(k) for k in range(outputs)])


def plot_layer_output(values: np.ndarray, path: str | Path, title: str,
                      class_names: Sequence[str] | None = None) -> None:
    """A layer's output for one image: a map per channel (H, W, C), or bars for a vector."""
    if values.ndim == 3 and values.dtype == np.uint8:  # the input image itself
        tiles = [values]
        _tile_figure(tiles, path, title, captions=[""], colour=True)
        return
    if values.ndim == 3:
        channels = values.shape[2]
        tiles = [_unit(values[..., c]) for c in range(channels)]
        _tile_figure(tiles, path, title, captions=[str(c) for c in range(channels)])
        return
    _bars(values.reshape(-1), path, title, class_names)


def plot_feature_overview(records, path: str | Path, title: str, columns: int = 8) -> None:
    """Every layer on one sheet, a row each: its name and shape, then its first `columns`
    channels (a feature map) or its values as bars (a vector)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1.3 * (columns + 2), 1.45 * len(records) + 0.6), dpi=100,
                    layout="constrained")
    figure.suptitle(title, fontsize=10)
    grid = figure.add_gridspec(len(records), columns + 2)
    for row, record in enumerate(records):
        label = figure.add_subplot(grid[row, :2])
        label.set_axis_off()
        label.text(0, 0.5, f"{record.name}\n{record.kind}\n{_size(record.values.shape)}",
                   va="center", fontsize=8)
        values = record.values
        if values.ndim == 3:
            count = 1 if values.dtype == np.uint8 else min(values.shape[2], columns)
            for channel in range(count):
                axes = figure.add_subplot(grid[row, 2 + channel])
                axes.set_axis_off()
                if values.dtype == np.uint8:
                    _show_image(axes, values)
                else:
                    axes.imshow(_unit(values[..., channel]), cmap="gray", vmin=0, vmax=1,
                                interpolation="nearest")
        else:
            axes = figure.add_subplot(grid[row, 2:])
            axes.bar(range(values.size), values.reshape(-1), color="tab:blue", width=1.0)
            axes.tick_params(labelsize=6)
    _save(figure, path)


def _size(shape) -> str:
    return "x".join(str(int(n)) for n in shape)


# --- helpers --------------------------------------------------------------------------------


def _tile_figure(tiles: list[np.ndarray], path, title: str, captions: Sequence[str],
                 colour: bool = False) -> None:
    from matplotlib.figure import Figure

    shown = tiles[:MAX_TILES]
    if len(tiles) > len(shown):
        title += f" (first {len(shown)} of {len(tiles)})"
    columns = min(8, len(shown))
    rows = math.ceil(len(shown) / columns)
    size = 1.2 if len(shown) > 1 else 3.0
    figure = Figure(figsize=(max(size * columns, 4.0), size * rows + 0.7), dpi=100,
                    layout="tight")
    figure.suptitle(title, fontsize=10)
    for index, tile in enumerate(shown):
        axes = figure.add_subplot(rows, columns, index + 1)
        axes.set_axis_off()
        if colour:
            _show_image(axes, tile)
        elif tile.ndim == 3:
            axes.imshow(tile, interpolation="nearest")
        else:
            axes.imshow(tile, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        if captions[index]:
            axes.set_title(captions[index], fontsize=7)
    _save(figure, path)


def _bars(vector: np.ndarray, path, title: str, class_names: Sequence[str] | None) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(max(4.0, min(0.35 * len(vector) + 1.5, 14.0)), 3.2), dpi=100,
                    layout="tight")
    axes = figure.add_subplot()
    axes.bar(range(len(vector)), vector, color="tab:blue")
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("unit")
    if class_names is not None and len(class_names) == len(vector):
        axes.set_xticks(range(len(vector)), labels=class_names,
                        rotation=90 if len(vector) > 10 else 0)
        axes.set_xlabel("class")
    _save(figure, path)


def _show_image(axes, image: np.ndarray) -> None:
    if image.shape[-1] == 1:
        axes.imshow(image[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        axes.imshow(image[..., :3], interpolation="nearest")


def _unit(values: np.ndarray) -> np.ndarray:
    """Scaled to [0, 1] for display; a constant map shows as black."""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values, dtype=float)


def _save(figure, path) -> None:
    literal_text(figure)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(path) as temp:
        figure.savefig(temp, format="png")
