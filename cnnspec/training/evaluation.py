"""After training: a finished run evaluated on its test images, its predictions for new
images, and what is inside it (kernels, feature maps). Collects records; `cnnspec.render.pictures`
draws them and `cnnspec.commands.evaluate/predict/show` print them.

Public API::

    from cnnspec.training.evaluation import evaluate_run, predict_files, kernels, feature_maps
    evaluation = evaluate_run("runs/m3")                 # on the run's own test images
    evaluation.accuracy, evaluation.confusion, evaluation.per_class()
    predict_files("runs/m3", ["seven.png"], top=3)       # -> [Prediction]
    kernels("runs/m3"), feature_maps("runs/m3", index=0)  # -> [LayerRecord]

Metrics are computed here with NumPy from the model's probabilities (the tests check
them against scikit-learn); the loss is Keras's categorical cross-entropy (probabilities
normalised and clipped to [1e-7, 1 - 1e-7]).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cnnspec.training.datasets import ImageData, data_record, load_image_data
from cnnspec.errors import DataError
from cnnspec.training.runs import RunPaths, load_run

EPSILON = 1e-7  # Keras's backend epsilon, which its cross-entropy clips to


# --- metrics (NumPy only) -------------------------------------------------------------------


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """Counts: row = true class, column = predicted class.

    >>> confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 3).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def precision_recall_f1(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per class; 0 where a class was never predicted (precision) or never present (recall).

    >>> p, r, f = precision_recall_f1(np.array([[1, 0], [1, 2]]))
    >>> p.tolist(), r.tolist(), f.round(4).tolist()
    ([0.5, 1.0], [1.0, 0.6666666666666666], [0.6667, 0.8])
    """
    hits = np.diag(confusion).astype(np.float64)
    predicted, present = confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, present, out=np.zeros_like(hits), where=present > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0)
    return precision, recall, f1


def cross_entropy(y_true: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean categorical cross-entropy as Keras computes it from softmax outputs.

    >>> round(cross_entropy(np.array([0, 1]), np.array([[0.5, 0.5], [0.2, 0.8]])), 6)
    0.458145
    """
    p = probabilities.astype(np.float64)
    p = np.clip(p / p.sum(axis=1, keepdims=True), EPSILON, 1 - EPSILON)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true])))


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A run's model on a set of labelled images: probabilities and what follows from them."""

    run_dir: Path
    class_names: tuple[str, ...]
    labels: np.ndarray  # (n,) true classes
    probabilities: np.ndarray  # (n, classes)
    images: np.ndarray = field(repr=False)  # (n, H, W, C) uint8, for the pictures
    source: str = ""

    @property
    def predictions(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predictions == self.labels))

    @property
    def loss(self) -> float:
        return cross_entropy(self.labels, self.probabilities)

    @property
    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.labels, self.predictions, len(self.class_names))

    def per_class(self) -> list[dict[str, Any]]:
        confusion = self.confusion
        precision, recall, f1 = precision_recall_f1(confusion)
        return [{"class": name, "precision": float(p), "recall": float(r), "f1": float(f),
                 "support": int(s)}
                for name, p, r, f, s in zip(self.class_names, precision, recall, f1,
                                            confusion.sum(axis=1))]

    def most_confident_mistakes(self, count: int = 16) -> list[int]:
        """Indices of misclassified images, the most confidently wrong first."""
        wrong = np.flatnonzero(self.predictions != self.labels)
        confidence = self.probabilities[wrong, self.predictions[wrong]]
        return wrong[np.argsort(-confidence, kind="stable")][:count].tolist()

    def to_json(self, mistakes: int = 16) -> dict[str, Any]:
        rows = self.per_class()
        macro = {key: float(np.mean([row[key] for row in rows])) for key in ("precision", "recall", "f1")}
        return {
            "run": str(self.run_dir), "data": self.source, "images": int(len(self.labels)),
            "loss": self.loss, "accuracy": self.accuracy, "per_class": rows, "macro_avg": macro,
            "class_names": list(self.class_names), "confusion": self.confusion.tolist(),
            "most_confident_mistakes": [
                {"index": i, "true": self.class_names[self.labels[i]],
                 "predicted": self.class_names[self.predictions[i]],
                 "probability": float(self.probabilities[i, self.predictions[i]])}
                for i in self.most_confident_mistakes(mistakes)],
        }


# --- a run's model and data -----------------------------------------------------------------


@dataclass(frozen=True)
class TrainedRun:
    """A finished run's model and the record of how its data were prepared."""

    run_dir: Path
    results: dict[str, Any]
    data: dict[str, Any]
    model: Any

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(self.data["class_names"])

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.data["image_shape"])

    def probabilities(self, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """The model's softmax for uint8 images (n, H, W, C), scaled as in training."""
        return self.model.predict(self.model_inputs(images), batch_size=batch_size, verbose=0)

    def model_inputs(self, images: np.ndarray) -> np.ndarray:
        from cnnspec.training.trainer import PIXEL_VALUES

        # The spec's input may be the image's vector (`input 784`): flattened row by row.
        return PIXEL_VALUES[images].reshape((len(images), *self.model.input_shape[1:]))


def open_run(run_dir: str | os.PathLike) -> TrainedRun:
    """A finished run with its model loaded (Keras safe mode)."""
    result = load_run(run_dir)
    paths = RunPaths(result.run_dir)
    if not paths.model.is_file():
        raise DataError("the run has no model.keras", str(paths.root))
    from cnnspec.compiler.build import import_keras

    model = import_keras().models.load_model(paths.model, compile=False, safe_mode=True)
    return TrainedRun(result.run_dir, result.results, data_record(result.results), model)


def labelled_images(run: TrainedRun, data: str | None = None, dataset: str | None = None, *,
                log=None) -> ImageData:
    """The run's own data, or the `data`/`dataset` given, checked to fit the run's model."""
    settings = run.results.get("hyperparameters", {})
    if data is None and dataset is None:
        data, dataset = settings.get("data"), settings.get("dataset")
    images = load_image_data(data, dataset, image_shape=run.image_shape,
                             seed=settings.get("seed", 0), log=log)
    if images.image_shape != run.image_shape or images.classes != len(run.class_names):
        raise DataError((
            f"the data are {_size(images.image_shape)} with {images.classes} classes; the run's "
            f"model was trained on {_size(run.image_shape)} with {len(run.class_names)} classes"),
            images.source)
    return images


def evaluate_run(run_dir: str | os.PathLike, data: str | None = None,
                 dataset: str | None = None, *, log=None, run: TrainedRun | None = None) -> Evaluation:
    """The run's model on the test images of its own data (or of `data`/`dataset`)."""
    run = run or open_run(run_dir)
    images = labelled_images(run, data, dataset, log=log)
    return Evaluation(run.run_dir, run.class_names, images.y_test,
                      run.probabilities(images.x_test), images.x_test, images.source)


# --- predictions for image files --------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """The top classes for one image file, most probable first."""

    path: str
    top: tuple[tuple[str, float], ...]

    def to_json(self) -> dict[str, Any]:
        return {"file": self.path, "top": [{"class": name, "probability": p} for name, p in self.top]}


def predict_files(run_dir: str | os.PathLike, files: Sequence[str], top: int = 3, *,
                  run: TrainedRun | None = None) -> list[Prediction]:
    """Each file prepared as the run's data were (`cnnspec.training.images`), then classified."""
    from cnnspec.training.images import prepare_image

    run = run or open_run(run_dir)
    images = np.stack([prepare_image(path, run.data) for path in files])
    probabilities = run.probabilities(images)
    names = run.class_names
    predictions = []
    for path, row in zip(files, probabilities):
        best = np.argsort(-row, kind="stable")[:top]
        predictions.append(Prediction(str(path), tuple((names[i], float(row[i])) for i in best)))
    return predictions


# --- inside the model: one record per layer node --------------------------------------------


@dataclass(frozen=True, eq=False)
class LayerRecord:
    """One layer node of the model: its name, Keras class and an array to draw (its kernel
    (kh, kw, in, out), or its output for one image: (H, W, C) or (N,))."""

    index: int
    name: str
    kind: str
    values: np.ndarray

    @property
    def title(self) -> str:
        return f"{self.name} ({self.kind}) {_size(self.values.shape)}"


def kernels(run: TrainedRun) -> list[LayerRecord]:
    """The learned kernel of every convolution, (kh, kw, in_channels, out_channels)."""
    records = []
    for index, layer in enumerate(run.model.layers, 1):
        kernel = getattr(layer, "kernel", None)
        if kernel is not None and len(kernel.shape) == 4:
            records.append(LayerRecord(index, layer.name, type(layer).__name__, np.asarray(kernel)))
    return records


def feature_maps(run: TrainedRun, image: np.ndarray) -> list[LayerRecord]:
    """The input and every layer's output for one uint8 image (H, W, C)."""
    from cnnspec.compiler.build import import_keras

    keras = import_keras()
    model = run.model
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    # Every layer node's output at once; a graph of layers gives one record per node alike.
    probe = keras.Model(model.inputs, [layer.output for layer in layers])
    outputs = probe([run.model_inputs(image[np.newaxis])], training=False)
    records = [LayerRecord(0, "input", "image", image)]
    for index, (layer, output) in enumerate(zip(layers, outputs), 1):
        records.append(LayerRecord(index, layer.name, type(layer).__name__,
                                   np.asarray(output)[0]))
    return records


def _size(shape) -> str:
    return "x".join(str(int(n)) for n in shape)
