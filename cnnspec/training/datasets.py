"""Image data for training and evaluation: MNIST (the report's), Fashion-MNIST, CIFAR-10, an
`.npz` of one's own or a folder of images with one subfolder per class.

Every source becomes one `ImageData`: uint8 images as (n, H, W, C), integer labels
0..classes-1, class names, and where they came from. `ImageData.record()` is what a run
stores in results.json, so `evaluate`, `predict` and `show` can prepare new images the way
the run's were; `data_record(results)` reads it back (MNIST for runs older than it).

    --data FILE.npz     x_train, y_train, x_test, y_test (uint8 images (n, H, W) or
                        (n, H, W, C), labels 0..K-1; optional class_names); MNIST's own
                        file goes through `cnnspec.training.data` and its SHA-256 checks
    --data FOLDER       FOLDER/<class>/<image>: read with Keras's
                        `image_dataset_from_directory` at the spec's input size, the class
                        names in alphabetical order, TEST_FRACTION held out as the test set
                        by a shuffle from the seed
    --dataset NAME      mnist, fashion_mnist or cifar10 through `keras.datasets`, cached as
                        `$XDG_CACHE_HOME/cnnspec/NAME.npz` with the SHA-256 of each array
                        beside it (NAME.sha256.json), checked on every read
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cnnspec.errors import DataError

Log = Callable[[str], None] | None

TEST_FRACTION = 0.2  # of a folder's images, held out as its test set
SCALING = "uint8 / 255"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")  # what image_dataset_from_directory reads
COLOR_MODES = {1: "grayscale", 3: "rgb", 4: "rgba"}


@dataclass(frozen=True)
class KnownDataset:
    """A data set of `keras.datasets`: its image shape, class names and the host it comes from."""

    image_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    host: tuple[str, int]
    # How a photo or drawing is turned into one of its images (see cnnspec.training.images).
    prepare: str = "resize"


DIGITS = tuple(str(digit) for digit in range(10))
KNOWN_DATASETS = {
    "mnist": KnownDataset((28, 28, 1), DIGITS, ("storage.googleapis.com", 443), prepare="mnist"),
    "fashion_mnist": KnownDataset(
        (28, 28, 1), ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"), ("storage.googleapis.com", 443),
        prepare="dark_ground"),
    "cifar10": KnownDataset(
        (32, 32, 3), ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                      "ship", "truck"), ("www.cs.toronto.edu", 443)),
}


@dataclass(frozen=True, eq=False)  # eq=False: `==` on arrays is elementwise, not a bool
class ImageData:
    """Images (n, H, W, C) uint8 and labels 0..classes-1, for training and testing."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str
    kind: str  # a KNOWN_DATASETS name, "npz" or "folder"
    verified: bool | None = None  # against pinned or cached SHA-256s; None: nothing to check
    prepare: str = "resize"

    def __post_init__(self):
        for part in ("train", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            if x.ndim != 4 or x.dtype != np.uint8:
                raise _error(f"x_{part} must be uint8 images (n, H, W, C); got {x.dtype} {x.shape}",
                             self.source)
            if y.shape != (len(x),):
                raise _error(f"y_{part} must hold one label per image ({len(x)}); got shape "
                             f"{y.shape}", self.source)
            if not len(x):
                raise _error(f"x_{part} holds no images", self.source)
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise _error(f"the training images are {_size(self.x_train.shape[1:])} but the test "
                         f"images {_size(self.x_test.shape[1:])}", self.source)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(int(n) for n in self.x_train.shape[1:])

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def description(self) -> str:
        return self.kind if self.kind in KNOWN_DATASETS else self.source

    def record(self) -> dict[str, Any]:
        """How the data were prepared, for results.json."""
        return {"source": self.source, "verified": self.verified, "kind": self.kind,
                "image_shape": list(self.image_shape), "classes": self.classes,
                "class_names": list(self.class_names), "scaling": SCALING,
                "prepare": self.prepare}


def data_record(results: dict[str, Any]) -> dict[str, Any]:
    """A run's data record from its results.json; runs from before it was kept trained on MNIST."""
    record = dict(results.get("data") or {})
    if "image_shape" not in record:
        mnist = KNOWN_DATASETS["mnist"]
        record.update(kind="mnist", image_shape=list(mnist.image_shape), classes=10,
                      class_names=list(mnist.class_names), scaling=SCALING, prepare=mnist.prepare)
    return record


def known_shape(data: str | None, dataset: str | None) -> tuple[tuple[int, int, int], int, str] | None:
    """The image shape, class count and name of the data, when known without reading them."""
    if data is not None:
        return None
    name = dataset or "mnist"
    known = KNOWN_DATASETS[name]
    return known.image_shape, len(known.class_names), "MNIST" if name == "mnist" else name


def load_image_data(data: str | os.PathLike | None = None, dataset: str | None = None, *,
                    image_shape: tuple[int, ...] | None = None, seed: int = 0,
                    log: Log = None) -> ImageData:
    """The images `--data`/`--dataset` name; `image_shape` (H, W, C) sizes a folder's images."""
    if dataset is not None and dataset not in KNOWN_DATASETS:
        raise _error(f"unknown data set {dataset!r}; known: {', '.join(KNOWN_DATASETS)}")
    if data is None and dataset in (None, "mnist"):
        from cnnspec.training.data import load_mnist, verify

        return _from_mnist(load_mnist(None, log=log), verified_by=verify)
    if data is None:
        return load_keras_dataset(dataset, log=log)
    path = Path(data)
    if path.is_dir():
        return load_folder(path, image_shape, seed, log=log)
    return load_npz(path, dataset, log=log)


# --- .npz files -----------------------------------------------------------------------------


def load_npz(path: Path, dataset: str | None = None, *, log: Log = None) -> ImageData:
    """An `.npz` of one's own; MNIST's own file goes through cnnspec.training.data (SHA-256 checks)."""
    from cnnspec.training.data import MNIST_ARRAYS, Mnist, load_user_file, read_npz, verify

    arrays = read_npz(path)
    names = _npz_class_names(path)
    if dataset in (None, "mnist") and names is None and all(
            arrays[name].shape == spec.shape and arrays[name].dtype == np.uint8
            for name, spec in MNIST_ARRAYS.items()):
        mnist: Mnist = load_user_file(path, log)
        return _from_mnist(mnist, verified_by=verify)
    x_train, x_test = (_images(arrays[name], name, path) for name in ("x_train", "x_test"))
    y_train, y_test = (_labels(arrays[name], name, path) for name in ("y_train", "y_test"))
    classes = int(max(y_train.max(), y_test.max())) + 1
    if names is None:
        known = KNOWN_DATASETS.get(dataset or "")
        names = known.class_names if known else tuple(str(label) for label in range(classes))
    if len(names) < classes:
        raise _error(f"labels go up to {classes - 1} but class_names has only {len(names)} "
                     "names", str(path))
    kind = dataset if dataset in KNOWN_DATASETS else "npz"
    prepare = KNOWN_DATASETS[kind].prepare if kind in KNOWN_DATASETS else "resize"
    return ImageData(x_train, y_train, x_test, y_test, tuple(names), str(path), kind,
                     prepare=prepare)


def _npz_class_names(path: Path) -> tuple[str, ...] | None:
    with np.load(path, allow_pickle=False) as npz:
        if "class_names" not in npz.files:
            return None
        try:
            return tuple(str(name) for name in npz["class_names"].tolist())
        except ValueError as exc:
            raise _error(f"class_names cannot be read ({exc}); store them as a string array",
                         str(path)) from exc


def _images(array: np.ndarray, name: str, path: Path) -> np.ndarray:
    if array.ndim == 3:
        array = array[..., np.newaxis]  # grey images without a channel axis, as MNIST's
    if array.ndim != 4:
        raise _error(f"{name} must hold images as (n, H, W) or (n, H, W, C); got shape "
                     f"{array.shape}", str(path))
    if array.dtype != np.uint8:
        if not np.issubdtype(array.dtype, np.integer) or array.size and (
                array.min() < 0 or array.max() > 255):
            raise _error(f"{name} must hold pixels as whole numbers 0..255 (uint8; the recipe "
                         f"divides by 255); got {array.dtype}", str(path))
        array = array.astype(np.uint8)
    return array


def _labels(array: np.ndarray, name: str, path: Path) -> np.ndarray:
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]  # CIFAR-10's Keras layout: (n, 1)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise _error(f"{name} must hold one whole-number class per image, 0..K-1; got "
                     f"{array.dtype} {array.shape}", str(path))
    if array.size and array.min() < 0:
        raise _error(f"{name} has a negative label ({array.min()}); classes count from 0",
                     str(path))
    return array.astype(np.int64)


def _from_mnist(mnist, verified_by) -> ImageData:
    known = KNOWN_DATASETS["mnist"]
    return ImageData(mnist.x_train[..., np.newaxis], mnist.y_train.astype(np.int64),
                     mnist.x_test[..., np.newaxis], mnist.y_test.astype(np.int64),
                     known.class_names, mnist.source, "mnist", verified=not verified_by(mnist),
                     prepare=known.prepare)


# --- folders ----------------------------------------------------------------------------


def load_folder(folder: Path, image_shape: tuple[int, ...] | None, seed: int, *,
                log: Log = None) -> ImageData:
    """FOLDER/<class>/<image> at the spec's input size; TEST_FRACTION held out by the seed."""
    if image_shape is None or len(image_shape) != 3 or image_shape[2] not in COLOR_MODES:
        shown = "x".join(map(str, image_shape or ())) or "none"
        raise _error("a folder of images is read at the spec's input size, which must be HxWxC "
                     f"with C = 1 (grey), 3 (RGB) or 4 (RGBA); got {shown}", str(folder))
    classes = sorted(entry.name for entry in folder.iterdir() if entry.is_dir())
    if len(classes) < 2:
        raise _error(f"a folder of images needs one subfolder per class, at least two; found "
                     f"{len(classes)}", str(folder))
    empty = [name for name in classes
             if not any(f.suffix.lower() in IMAGE_SUFFIXES for f in (folder / name).iterdir())]
    if empty:
        raise _error(f"no images ({', '.join(IMAGE_SUFFIXES)}) in the class folder(s) "
                     f"{', '.join(empty)}", str(folder))
    from cnnspec.compiler.build import import_keras

    keras = import_keras()
    height, width, channels = image_shape
    try:
        # It prints "Using N files for training." whatever `verbose` says; cnnspec logs its own line.
        with contextlib.redirect_stdout(io.StringIO()):
            train, test = keras.utils.image_dataset_from_directory(
                str(folder), labels="inferred", label_mode="int", class_names=classes,
                color_mode=COLOR_MODES[channels], image_size=(height, width), batch_size=None,
                shuffle=True, seed=seed, validation_split=TEST_FRACTION, subset="both")
    except ValueError as exc:  # e.g. too few images to hold any out
        raise _error(f"cannot read the images ({exc})", str(folder)) from exc
    x_train, y_train = _arrays(train, folder)
    x_test, y_test = _arrays(test, folder)
    if log is not None:
        log(f"data: {folder}: {len(classes)} classes, {len(x_train):,} training and "
            f"{len(x_test):,} test images at {height}x{width}x{channels}")
    return ImageData(x_train, y_train, x_test, y_test, tuple(classes), str(folder), "folder")


def _arrays(dataset, folder: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for image, label in dataset.as_numpy_iterator():
        images.append(image)
        labels.append(label)
    if not images:
        raise _error(f"too few images to hold {TEST_FRACTION:.0%} out as a test set", str(folder))
    # Resizing interpolates: rounded back to bytes, as the recipe's pixels are.
    pixels = np.clip(np.rint(np.stack(images)), 0, 255).astype(np.uint8)
    return pixels, np.asarray(labels, dtype=np.int64)


# --- keras.datasets, cached ---------------------------------------------------------------


def dataset_cache(name: str) -> tuple[Path, Path]:
    """The cached arrays and their SHA-256 record: `$XDG_CACHE_HOME/cnnspec/NAME.npz`."""
    from cnnspec.training.data import cache_path

    root = cache_path().parent
    return root / f"{name}.npz", root / f"{name}.sha256.json"


def load_keras_dataset(name: str, *, log: Log = None) -> ImageData:
    """A `keras.datasets` set from the cache, else downloaded (when its host answers) and cached."""
    arrays_path, hashes_path = dataset_cache(name)
    try:
        arrays = _read_cached(arrays_path, hashes_path)
        _say(log, f"data: {name} from the cache {arrays_path}")
        origin = str(arrays_path)
    except DataError as cached:
        _say(log, f"data: {name}: cache unavailable: {cached.message}")
        arrays = _download(name, cached.message)
        _write_cache(arrays, arrays_path, hashes_path, log)
        origin = f"keras.datasets.{name}"
    known = KNOWN_DATASETS[name]
    x_train, x_test = (_images(arrays[key], key, arrays_path) for key in ("x_train", "x_test"))
    y_train, y_test = (_labels(arrays[key], key, arrays_path) for key in ("y_train", "y_test"))
    data = ImageData(x_train, y_train, x_test, y_test, known.class_names, origin, name,
                     verified=True, prepare=known.prepare)
    if data.image_shape != known.image_shape:
        raise _error(f"{name}'s images should be {_size(known.image_shape)}; these are "
                     f"{_size(data.image_shape)}", origin)
    return data


def _read_cached(arrays_path: Path, hashes_path: Path) -> dict[str, np.ndarray]:
    from cnnspec.training.data import read_npz, sha256_of_array

    if not arrays_path.is_file():
        raise _error("no such file", str(arrays_path))
    try:
        hashes = json.loads(hashes_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _error(f"no readable SHA-256 record ({exc})", str(hashes_path)) from exc
    arrays = read_npz(arrays_path)
    differ = [name for name, array in arrays.items() if hashes.get(name) != sha256_of_array(array)]
    if differ:
        raise _error(f"{', '.join(differ)} fail SHA-256 verification against {hashes_path.name}",
                     str(arrays_path))
    return arrays


def _download(name: str, cached: str) -> dict[str, np.ndarray]:
    from cnnspec.training.data import require_reachable

    host, port = KNOWN_DATASETS[name].host
    arrays_path, _ = dataset_cache(name)
    try:
        require_reachable(host, port)
    except DataError as exc:
        raise _error(
            f"{name} is not cached ({cached}) and cannot be downloaded: {host}:{port} is "
            f"unreachable (offline?); fix: on a machine with internet run `cnnspec data "
            f"--dataset {name}` and copy {arrays_path} and {arrays_path.stem}.sha256.json into "
            f"{arrays_path.parent}, or pass your own copy with --data FILE.npz",
            f"keras.datasets.{name}") from exc
    try:
        from cnnspec.compiler.build import import_keras

        (x_train, y_train), (x_test, y_test) = getattr(import_keras().datasets, name).load_data()
    except Exception as exc:  # whatever breaks inside Keras's download, say so in one line
        raise _error(f"download failed ({type(exc).__name__}: {exc})",
                     f"keras.datasets.{name}") from exc
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _write_cache(arrays: dict[str, np.ndarray], arrays_path: Path, hashes_path: Path,
                 log: Log) -> None:
    from cnnspec.atomic import write_text_atomic
    from cnnspec.training.data import sha256_of_array, write_npz_atomically

    try:
        write_npz_atomically(arrays_path, arrays)
        # The hashes are recorded at the first download and checked on every read after.
        write_text_atomic(hashes_path, json.dumps(
            {name: sha256_of_array(array) for name, array in arrays.items()}, indent=2) + "\n")
    except OSError as exc:
        _say(log, f"warning: cannot cache {arrays_path} ({exc})")
        return
    _say(log, f"data: cached at {arrays_path}")


# --- helpers ------------------------------------------------------------------------------


def _size(shape) -> str:
    return "x".join(str(int(n)) for n in shape)


def _error(message: str, source: str | None = None) -> DataError:
    return DataError(message, source)


def _say(log: Log, message: str) -> None:
    if log is not None:
        log(message)
