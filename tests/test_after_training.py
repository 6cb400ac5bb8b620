"""After training (issue 15): evaluate, predict, show, and training on one's own data.

Laws: the evaluation's metrics equal scikit-learn's on the same predictions, and its loss
equals Keras's test loss; a run records how its data were prepared and later commands need
only the run; images of any size are prepared as the run's data were (MNIST: light on
dark, 20x20 box, centred by mass); every picture is a PNG of a sensible size with something
drawn on it; data that do not fit a spec are refused at the spec's input (or output) line
before any training, and data problems are one-line errors. Offline throughout: the data
are made here (an .npz and a folder of PNGs), MNIST comes from $CNNSPEC_MNIST.
"""

from __future__ import annotations

import hashlib
import json
import socket

import numpy as np
import pytest
from hypothesis import given, strategies as st

from cnnspec import parse
from cnnspec.cli import main
from cnnspec.training.datasets import data_record, dataset_cache, load_folder, load_image_data
from cnnspec.errors import DataError, RunError
from cnnspec.training.evaluation import (confusion_matrix, cross_entropy, evaluate_run,
                                precision_recall_f1)
from cnnspec.training.images import mnist_digit
from cnnspec.training.trainer import TrainConfig, train
from conftest import KERAS_SAVE_WARNING, REAL_MNIST, ROOT, needs_mnist

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageDraw  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings(KERAS_SAVE_WARNING)]

TINY_MNIST = 'name "tiny"\ninput 28x28x1\nconv 3x3x4 | pool 2\ndense 10 softmax\n'
TINY_RGB = 'name "tiny rgb"\ninput 12x12x3\nconv 3x3x4 | pool 2\ndense 3 softmax\n'
TINY_FOLDER = 'name "tiny folder"\ninput 8x8x1\nconv 3x3x2\ndense 3 softmax\n'
COLOURS = ("red", "green", "blue")


def one_epoch(out, **changes) -> TrainConfig:
    return TrainConfig(**{"epochs": 1, "split": "full", "out": str(out), **changes})


def assert_picture(path, min_width=150, min_height=150):
    """A PNG of at least that size with more than one colour in it."""
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width >= min_width and image.height >= min_height, image.size
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 5, f"{path} looks blank"


def coloured_images(count, size, seed):
    """Noise with one strong colour channel per class: learnable in one epoch."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, count)
    images = rng.integers(0, 60, (count, *size, 3)).astype(np.uint8)
    for image, label in zip(images, labels):
        image[..., label] += 150
    return images, labels


def draw_digit(path, size=(150, 200), fmt="PNG", mode="L"):
    """A dark "7" drawn with a thick pen on light paper, off centre."""
    image = Image.new(mode, size, "white")
    pen = ImageDraw.Draw(image)
    pen.line([(30, 40), (110, 40), (60, 170)], fill="black", width=14)
    image.save(path, fmt)
    return path


@pytest.fixture(scope="module")
def own_npz(tmp_path_factory):
    path = tmp_path_factory.mktemp("npz") / "colours.npz"
    (x_train, y_train), (x_test, y_test) = coloured_images(300, (12, 12), 0), coloured_images(60, (12, 12), 1)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
             class_names=np.array(COLOURS))
    return path


@pytest.fixture(scope="module")
def own_folder(tmp_path_factory):
    """FOLDER/<colour>/<n>.png, RGB images of 20x16 and other sizes, ten a class."""
    root = tmp_path_factory.mktemp("folder") / "colours"
    for label, name in enumerate(COLOURS):
        (root / name).mkdir(parents=True)
        images, _ = coloured_images(10, (16, 20), label)
        for index, image in enumerate(images):
            image[..., label] = 230
            Image.fromarray(image).save(root / name / f"{index}.png")
    return root


@pytest.fixture(scope="module")
def mnist_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("mnist") / "run"
    return train(parse(TINY_MNIST, "tiny.cnn"), one_epoch(out, limit=300, data=REAL_MNIST))


@pytest.fixture(scope="module")
def npz_run(tmp_path_factory, own_npz):
    out = tmp_path_factory.mktemp("own") / "run"
    return train(parse(TINY_RGB, "rgb.cnn"), one_epoch(out, data=str(own_npz), epochs=3))


# --- metrics: NumPy against scikit-learn ----------------------------------------------------


@given(st.integers(2, 6).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=1, max_size=60))))
def test_confusion_precision_recall_f1_equal_scikit_learn(case):
    from sklearn.metrics import confusion_matrix as sk_confusion
    from sklearn.metrics import precision_recall_fscore_support

    classes, pairs = case
    y_true, y_pred = (np.array(column) for column in zip(*pairs))
    labels = list(range(classes))
    confusion = confusion_matrix(y_true, y_pred, classes)
    assert confusion.tolist() == sk_confusion(y_true, y_pred, labels=labels).tolist()
    ours = precision_recall_f1(confusion)
    theirs = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)[:3]
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, atol=1e-12)


def test_cross_entropy_equals_scikit_learn_log_loss():
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(3)
    probabilities = rng.dirichlet(np.ones(4), size=50)
    labels = rng.integers(0, 4, 50)
    assert cross_entropy(labels, probabilities) == pytest.approx(
        log_loss(labels, probabilities, labels=range(4)), rel=1e-9)


# --- evaluate ---------------------------------------------------------------------------------


@needs_mnist
def test_evaluation_of_a_tiny_mnist_run_agrees_with_keras_and_scikit_learn(mnist_run):
    from sklearn.metrics import accuracy_score, f1_score

    evaluation = evaluate_run(mnist_run.run_dir)
    assert len(evaluation.labels) == 10_000 and evaluation.class_names == tuple("0123456789")
    assert evaluation.loss == pytest.approx(mnist_run.results["test_loss"], rel=1e-4)
    assert evaluation.accuracy == pytest.approx(mnist_run.results["test_accuracy"], abs=1e-4)
    assert evaluation.accuracy == accuracy_score(evaluation.labels, evaluation.predictions)
    f1 = [row["f1"] for row in evaluation.per_class()]
    np.testing.assert_allclose(f1, f1_score(evaluation.labels, evaluation.predictions,
                                            average=None, labels=range(10), zero_division=0))
    mistakes = evaluation.most_confident_mistakes(16)
    confidence = [evaluation.probabilities[i].max() for i in mistakes]
    assert len(mistakes) == 16 and confidence == sorted(confidence, reverse=True)
    assert all(evaluation.predictions[i] != evaluation.labels[i] for i in mistakes)


@needs_mnist
def test_evaluate_command_prints_json_and_writes_its_pictures(mnist_run, tmp_path, capsys):
    out = tmp_path / "eval"
    assert main(["evaluate", str(mnist_run.run_dir), "--out", str(out), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((out / "evaluation.json").read_text())
    assert set(printed) >= {"loss", "accuracy", "per_class", "macro_avg", "confusion",
                            "most_confident_mistakes"}
    assert [row["class"] for row in printed["per_class"]] == list("0123456789")
    rows = (out / "confusion.csv").read_text().splitlines()
    assert rows[0] == "true \\ predicted,0,1,2,3,4,5,6,7,8,9" and len(rows) == 11
    assert sum(int(cell) for row in rows[1:] for cell in row.split(",")[1:]) == 10_000
    assert_picture(out / "confusion.png", 400, 400)
    assert_picture(out / "misclassified.png", 600, 600)


@needs_mnist
def test_evaluate_text_lists_every_class(mnist_run, capsys):
    assert main(["evaluate", str(mnist_run.run_dir)]) == 0
    out = capsys.readouterr().out
    assert "test accuracy" in out and "precision  recall      f1  support" in out
    assert out.count("\n") == 2 + 1 + 10 + 1
    assert (mnist_run.run_dir / "evaluation" / "confusion.png").is_file()


def test_evaluate_refuses_data_that_do_not_fit_the_run(npz_run, tmp_path, capsys):
    other = tmp_path / "grey.npz"
    images = np.zeros((20, 12, 12), np.uint8)
    np.savez(other, x_train=images, y_train=np.arange(20) % 3, x_test=images[:5], y_test=np.arange(5) % 3)
    assert main(["evaluate", str(npz_run.run_dir), "--data", str(other)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"{other}: error: the data are 12x12x1 with 3 classes; the run's model was "
        "trained on 12x12x3 with 3 classes"]


# --- predict ----------------------------------------------------------------------------------


def test_a_drawing_becomes_an_mnist_digit():
    """Light on dark, the ink fitted into 20x20 and its centre of mass at the centre."""
    drawing = np.asarray(Image.open(draw_digit_array()))
    digit = mnist_digit(drawing).astype(float)
    assert digit.shape == (28, 28) and digit[0].max() == 0 and digit.max() > 200
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 20 + 1  # LANCZOS may bleed a pixel
    total = digit.sum()
    centre = ((digit.sum(axis=1) * np.arange(28)).sum() / total,
              (digit.sum(axis=0) * np.arange(28)).sum() / total)
    assert abs(centre[0] - 13.5) <= 1 and abs(centre[1] - 13.5) <= 1


def draw_digit_array():
    import io

    buffer = io.BytesIO()
    draw_digit(buffer)
    buffer.seek(0)
    return buffer


@needs_mnist
def test_predict_png_and_jpeg_of_any_size(mnist_run, tmp_path, capsys):
    png = draw_digit(tmp_path / "seven.png", size=(150, 200))
    jpeg = draw_digit(tmp_path / "seven.jpg", size=(400, 300), fmt="JPEG", mode="RGB")
    assert main(["predict", str(mnist_run.run_dir), str(png), str(jpeg), "--top", "3",
                 "--format", "json"]) == 0
    predictions = json.loads(capsys.readouterr().out)
    assert [p["file"] for p in predictions] == [str(png), str(jpeg)]
    for prediction in predictions:
        probabilities = [row["probability"] for row in prediction["top"]]
        assert len(probabilities) == 3 and probabilities == sorted(probabilities, reverse=True)
        assert 0 < sum(probabilities) <= 1 + 1e-6
        assert all(row["class"] in "0123456789" for row in prediction["top"])
    assert main(["predict", str(mnist_run.run_dir), str(png)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{png}: ") and line.count("%") == 3


def test_predict_resizes_colour_images_for_an_rgb_run(npz_run, tmp_path, capsys):
    blue = tmp_path / "blue.png"
    pixels = np.zeros((90, 70, 3), np.uint8)
    pixels[..., 2] = 230
    Image.fromarray(pixels).save(blue)
    assert main(["predict", str(npz_run.run_dir), str(blue), "-k", "1"]) == 0
    assert capsys.readouterr().out.startswith(f"{blue}: blue (")


@pytest.mark.parametrize("make, message", [
    (lambda path: path.write_text("not an image"), "cannot read the image (not a PNG or JPEG image)"),
    (lambda path: Image.new("L", (30, 30), "white").save(path, "GIF"), "is a GIF image; predict reads PNG and JPEG"),
    (lambda path: Image.new("L", (30, 30), "white").save(path, "PNG"), "the image is blank"),
    (lambda path: None, "cannot read the image (No such file or directory)"),
])
@needs_mnist
def test_predict_refuses_unreadable_or_unsuitable_images_in_one_line(mnist_run, tmp_path, capsys,
                                                                      make, message):
    path = tmp_path / "image.png"
    make(path)
    assert main(["predict", str(mnist_run.run_dir), str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"{path}: error: {message}"] or (
        len(err.strip().splitlines()) == 1 and message in err), err


# --- show -------------------------------------------------------------------------------------


@needs_mnist
def test_show_draws_kernels_and_every_layers_feature_maps(mnist_run, tmp_path, capsys):
    out = tmp_path / "show"
    assert main(["show", str(mnist_run.run_dir), "--index", "0", "--out", str(out)]) == 0
    written = capsys.readouterr().out.split()
    names = [path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] for path in written]
    assert names == ["kernels/01-conv2d.png", "features/00-input.png", "features/01-conv2d.png",
                     "features/02-max_pooling2d.png", "features/03-flatten.png",
                     "features/04-dense.png", "features/all-layers.png"]
    for path in written:
        assert_picture(path, 300, 150)
    image = draw_digit(tmp_path / "seven.png")
    assert main(["show", str(mnist_run.run_dir), "--image", str(image), "--out", str(tmp_path / "s2")]) == 0
    assert len(capsys.readouterr().out.split()) == 7


@needs_mnist
def test_show_index_past_the_test_set_is_one_line(mnist_run, capsys):
    assert main(["show", str(mnist_run.run_dir), "--index", "10000"]) == 1
    assert "--index 10000 is past the last test image (9999)" in capsys.readouterr().err


# --- own data: .npz and folders ----------------------------------------------------------------


def test_a_run_records_how_its_data_were_prepared(npz_run):
    record = npz_run.results["data"]
    assert record == {"source": record["source"], "verified": None, "kind": "npz",
                      "image_shape": [12, 12, 3], "classes": 3, "class_names": list(COLOURS),
                      "scaling": "uint8 / 255", "prepare": "resize"}
    assert npz_run.results["test_accuracy"] > 0.5  # three colours are easy


def test_runs_from_before_the_record_default_to_mnist():
    record = data_record({"data": {"source": "/x/mnist.npz", "verified": True}})
    assert record["image_shape"] == [28, 28, 1] and record["class_names"] == list("0123456789")
    assert record["prepare"] == "mnist" and record["source"] == "/x/mnist.npz"


def test_a_folder_is_split_reproducibly_by_the_seed(own_folder):
    first = load_folder(own_folder, (8, 8, 1), seed=7)
    again = load_folder(own_folder, (8, 8, 1), seed=7)
    other = load_folder(own_folder, (8, 8, 1), seed=8)
    assert first.class_names == tuple(sorted(COLOURS)) and first.image_shape == (8, 8, 1)
    assert len(first.y_train) + len(first.y_test) == 30 and len(first.y_test) == 6
    assert np.array_equal(first.x_test, again.x_test) and np.array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.y_train, other.y_train) or not np.array_equal(first.x_train, other.x_train)


def test_train_and_evaluate_on_a_folder_of_images(own_folder, tmp_path, capsys):
    spec = tmp_path / "folder.cnn"
    spec.write_text(TINY_FOLDER)
    run = tmp_path / "run"
    assert main(["train", str(spec), "--data", str(own_folder), "--epochs", "1", "--split",
                 "full", "--out", str(run)]) == 0
    results = json.loads((run / "results.json").read_text())
    assert results["data"]["kind"] == "folder" and results["data"]["class_names"] == sorted(COLOURS)
    assert results["split_sizes"] == {"train": 24, "validation": 0, "test": 6}
    assert main(["evaluate", str(run), "--format", "json"]) == 0
    assert '"images": 6' in capsys.readouterr().out


@pytest.mark.parametrize("spec, line, message", [
    ('name "x"\ninput 28x28x1\nconv 3x3x4\ndense 3 softmax\n', 2,
     "the data are 12x12x3 with 3 classes; the spec's input is 28x28x1"),
    ('name "x"\ninput 12x12x3\nconv 3x3x4\ndense 10 softmax\n', 4,
     "the data are 12x12x3 with 3 classes, and the recipe trains a softmax"),
    ('name "x"\ninput 12x36x1\nconv 3x3x4\ndense 3 softmax\n', 2,
     "the data are 12x12x3 with 3 classes; the spec's input is 12x36x1"),
])
def test_data_that_do_not_fit_the_spec_are_refused_at_its_line_before_training(
        own_npz, tmp_path, capsys, spec, line, message):
    path = tmp_path / "x.cnn"
    path.write_text(spec)
    assert main(["train", str(path), "--data", str(own_npz), "--out", str(tmp_path / "run")]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:1: error: {own_npz}: {message}" in err and "    ^" in err
    assert not (tmp_path / "run").exists()


def test_the_flattened_image_is_a_valid_input(own_npz, tmp_path):
    run = train(parse('name "flat"\ninput 432\ndense 3 softmax\n', "flat.cnn"),
                one_epoch(tmp_path / "run", data=str(own_npz)))
    assert run.results["data"]["image_shape"] == [12, 12, 3]


@pytest.mark.parametrize("arrays, message", [
    ({"x_train": np.zeros((4, 5, 5), np.float32)}, "x_train must hold pixels as whole numbers 0..255"),
    ({"y_train": np.zeros((4, 2), np.int64)}, "y_train must hold one whole-number class per image"),
    ({"x_test": np.zeros((2, 6, 6), np.uint8)}, "the training images are 5x5x1 but the test images 6x6x1"),
    ({"y_test": np.zeros(3, np.int64)}, "y_test must hold one label per image (2)"),
    ({"y_train": -np.ones(4, np.int64)}, "y_train has a negative label (-1)"),
])
def test_bad_npz_files_are_one_line_data_errors(tmp_path, arrays, message):
    good = {"x_train": np.zeros((4, 5, 5), np.uint8), "y_train": np.arange(4) % 2,
            "x_test": np.zeros((2, 5, 5), np.uint8), "y_test": np.arange(2)}
    path = tmp_path / "bad.npz"
    np.savez(path, **{**good, **arrays})
    with pytest.raises(DataError) as caught:
        load_image_data(str(path))
    assert message in caught.value.message and "\n" not in str(caught.value)


def test_compare_and_sweep_train_on_the_same_data_options(own_npz, tmp_path, capsys):
    spec = tmp_path / "rgb.cnn"
    spec.write_text(TINY_RGB)
    common = ["--data", str(own_npz), "--epochs", "1", "--split", "full"]
    assert main(["compare", str(spec), *common, "--out", str(tmp_path / "cmp")]) == 0
    assert json.loads((tmp_path / "cmp" / "rgb" / "results.json").read_text())["data"]["classes"] == 3
    assert main(["sweep", str(spec), "--train", *common, "--out", str(tmp_path / "sweep")]) == 0
    assert "tiny rgb" in (tmp_path / "sweep" / "table.md").read_text()


# --- keras.datasets: cached, hashed, and a clear message offline ------------------------------


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def refuse(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_an_uncached_dataset_offline_says_how_to_get_it(offline, tmp_path, capsys):
    spec = tmp_path / "f.cnn"
    spec.write_text(TINY_MNIST)
    assert main(["train", str(spec), "--dataset", "fashion_mnist", "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("keras.datasets.fashion_mnist: error: fashion_mnist is not cached")
    assert "storage.googleapis.com:443 is unreachable (offline?)" in err
    assert "cnnspec data --dataset fashion_mnist" in err and len(err.splitlines()) == 1


def test_a_spec_that_cannot_fit_a_known_dataset_is_refused_before_reading_it(offline, capsys, tmp_path):
    spec = tmp_path / "m.cnn"
    spec.write_text(TINY_MNIST)
    assert main(["train", str(spec), "--dataset", "cifar10", "--out", str(tmp_path / "r")]) == 1
    assert "cifar10: the data are 32x32x3 with 10 classes; the spec's input is 28x28x1" in capsys.readouterr().err


def fake_cache(name, shape, classes=10):
    arrays = {"x_train": np.arange(20 * np.prod(shape), dtype=np.int64).astype(np.uint8).reshape(20, *shape),
              "y_train": (np.arange(20) % classes).astype(np.uint8),
              "x_test": np.full((10, *shape), 7, np.uint8),
              "y_test": (np.arange(10) % classes).astype(np.uint8)}
    arrays_path, hashes_path = dataset_cache(name)
    arrays_path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(arrays_path, **arrays)
    hashes_path.write_text(json.dumps({key: hashlib.sha256(np.ascontiguousarray(value)).hexdigest()
                                       for key, value in arrays.items()}))
    return arrays_path


def test_a_cached_dataset_is_read_when_its_hashes_match_and_trains(offline, tmp_path):
    fake_cache("cifar10", (32, 32, 3))
    data = load_image_data(dataset="cifar10")
    assert data.image_shape == (32, 32, 3) and data.class_names[0] == "airplane" and data.verified
    run = train(parse('name "c"\ninput 32x32x3\nconv 3x3x2 | pool 4\ndense 10 softmax\n', "c.cnn"),
                one_epoch(tmp_path / "run", dataset="cifar10"))
    assert run.results["data"]["kind"] == "cifar10" and run.results["hyperparameters"]["dataset"] == "cifar10"


def test_a_cached_dataset_that_fails_its_hashes_is_not_used(offline):
    arrays_path = fake_cache("fashion_mnist", (28, 28))
    hashes = json.loads(arrays_path.with_name("fashion_mnist.sha256.json").read_text())
    hashes["x_test"] = "0" * 64
    arrays_path.with_name("fashion_mnist.sha256.json").write_text(json.dumps(hashes))
    with pytest.raises(DataError) as caught:
        load_image_data(dataset="fashion_mnist")
    assert "x_test fail SHA-256 verification against fashion_mnist.sha256.json" in caught.value.message
    assert "unreachable (offline?)" in caught.value.message


def test_unknown_dataset_names_are_refused():
    with pytest.raises(RunError, match="dataset must be one of mnist, fashion_mnist, cifar10"):
        TrainConfig(dataset="imagenet")


def test_data_command_caches_a_dataset_or_says_why_not(offline, capsys):
    assert main(["data", "--dataset", "fashion_mnist"]) == 1
    assert "fashion_mnist is not cached" in capsys.readouterr().err
    fake_cache("fashion_mnist", (28, 28))
    assert main(["data", "--dataset", "fashion_mnist"]) == 0
    assert "fashion_mnist: 30 images of 28x28x1 from " in capsys.readouterr().out


def test_readme_documents_the_commands_and_data_options():
    readme = (ROOT / "README.md").read_text("utf-8")
    for text in ("`cnnspec evaluate RUN", "`cnnspec predict RUN IMAGE...", "`cnnspec show RUN",
                 "`--data FOLDER`", "`--dataset fashion_mnist|cifar10`", "$ cnnspec evaluate runs/tiny"):
        assert text in readme, text
    with Image.open(ROOT / "specs" / "figures" / "tiny-confusion.png") as figure:
        assert figure.format == "PNG"
    assert (ROOT / "specs" / "figures" / "tiny-confusion.png").stat().st_size < 100_000


def test_fashion_photos_on_a_light_ground_are_inverted(tmp_path):
    from cnnspec.training.images import prepare_image

    photo = tmp_path / "shirt.jpg"
    image = Image.new("RGB", (120, 90), "white")
    ImageDraw.Draw(image).rectangle([30, 20, 90, 80], fill=(40, 40, 40))
    image.save(photo, "JPEG")
    record = {"image_shape": [28, 28, 1], "prepare": "dark_ground"}
    pixels = prepare_image(photo, record)[..., 0]
    assert pixels.shape == (28, 28) and pixels[0, 0] < 30 and pixels[14, 14] > 180


def test_an_own_copy_of_a_known_dataset_takes_its_names_and_preparation(tmp_path):
    path = tmp_path / "fashion.npz"
    images = np.zeros((60000, 28, 28), np.uint8)
    images[:, 5:20, 5:20] = 200
    labels = (np.arange(60000) % 10).astype(np.uint8)
    np.savez(path, x_train=images, y_train=labels, x_test=images[:10000], y_test=labels[:10000])
    data = load_image_data(str(path), "fashion_mnist")
    assert data.kind == "fashion_mnist" and data.class_names[-1] == "Ankle boot"
    assert data.record()["prepare"] == "dark_ground" and data.image_shape == (28, 28, 1)


def test_the_new_commands_import_nothing_heavy_until_they_run():
    import subprocess
    import sys

    code = (
        "import sys; from cnnspec.cli import main\n"
        "for command in ('evaluate', 'predict', 'show', 'check'):\n"
        "    try: main([command, '--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = sorted(m for m in sys.modules\n"
        "               if m.split('.')[0] in ('tensorflow', 'keras', 'numpy', 'matplotlib', 'PIL'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
