"""An `Evaluation` as text, CSV and files: what `cnnspec evaluate` prints and writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cnnspec.atomic import write_text_atomic

FILES = ("evaluation.json", "confusion.csv", "confusion.png", "misclassified.png")


def to_text(evaluation) -> str:
    """Loss and accuracy, then precision, recall, F1 and support per class."""
    summary = evaluation.to_json(mistakes=0)
    width = max(len("macro avg"), *(len(name) for name in evaluation.class_names))
    lines = [f"{evaluation.run_dir}: test accuracy {summary['accuracy']:.2%}, test loss "
             f"{summary['loss']:.5f} on {summary['images']:,} images ({summary['data']})",
             "",
             f"{'class':<{width}}  precision  recall      f1  support"]
    for row in summary["per_class"]:
        lines.append(f"{row['class']:<{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
                     f"{row['f1']:6.4f}  {row['support']:7,}")
    macro = summary["macro_avg"]
    lines.append(f"{'macro avg':<{width}}  {macro['precision']:9.4f}  {macro['recall']:6.4f}  "
                 f"{macro['f1']:6.4f}  {summary['images']:7,}")
    return "\n".join(lines) + "\n"


def confusion_csv(evaluation) -> str:
    """The confusion matrix with a header row of predicted and a first column of true classes.

    Rows are true classes, columns predicted ones, as in the picture.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["true \\ predicted", *evaluation.class_names])
    for name, row in zip(evaluation.class_names, evaluation.confusion.tolist()):
        writer.writerow([name, *row])
    return out.getvalue()


def write_evaluation(evaluation, out: str | Path, mistakes: int = 16) -> list[Path]:
    """evaluation.json, confusion.csv, confusion.png and misclassified.png in `out`."""
    from cnnspec.render.pictures import plot_confusion, plot_image_grid

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in FILES]
    write_text_atomic(paths[0], json.dumps(evaluation.to_json(mistakes), indent=2) + "\n")
    write_text_atomic(paths[1], confusion_csv(evaluation))
    plot_confusion(evaluation.confusion, evaluation.class_names, paths[2],
                   f"{evaluation.run_dir.name}: confusion on {len(evaluation.labels):,} test "
                   f"images, accuracy {evaluation.accuracy:.2%}")
    wrong = evaluation.most_confident_mistakes(mistakes)
    names, labels, predicted = evaluation.class_names, evaluation.labels, evaluation.predictions
    captions = [f"#{i} true {names[labels[i]]}\npred. {names[predicted[i]]} "
                f"{evaluation.probabilities[i, predicted[i]]:.0%}" for i in wrong]
    plot_image_grid(evaluation.images[wrong], captions, paths[3],
                    f"The {len(wrong)} most confidently misclassified test images")
    return paths


def write_show(run_dir, out: str | Path, image: str | None = None, index: int | None = None,
               log=None) -> list[Path]:
    """kernels/NN-<layer>.png for each convolution and, for an image (a file or the
    `index`-th test image), features/NN-<layer>.png for the input and every layer, and
    features/all-layers.png with every layer on one sheet."""
    from cnnspec.errors import DataError
    from cnnspec.training.evaluation import feature_maps, kernels, labelled_images, open_run
    from cnnspec.training.images import prepare_image
    from cnnspec.render.pictures import plot_feature_overview, plot_kernels, plot_layer_output

    run = open_run(run_dir)
    out = Path(out)
    written = []
    if not kernels(run) and log is not None:
        log(f"{run.run_dir}: the model has no convolution, so no kernels to draw")
    for record in kernels(run):
        path = out / "kernels" / f"{record.index:02d}-{record.name}.png"
        plot_kernels(record.values, path, f"{record.name} ({record.kind})")
        written.append(path)
    if image is None and index is None:
        return written
    if image is not None:
        pixels, label = prepare_image(image, run.data), Path(image).name
    else:
        test = labelled_images(run, log=log)
        if index >= len(test.x_test):
            raise DataError(f"--index {index} is past the last test image "
                            f"({len(test.x_test) - 1})", test.source)
        pixels = test.x_test[index]
        label = f"test image {index} (a {run.class_names[test.y_test[index]]})"
    records = feature_maps(run, pixels)
    for record in records:
        path = out / "features" / f"{record.index:02d}-{record.name}.png"
        plot_layer_output(record.values, path, f"{label}: {record.title}", run.class_names)
        written.append(path)
    overview = out / "features" / "all-layers.png"
    plot_feature_overview(records, overview, f"{label} through {run.results['spec']['name']}")
    return written + [overview]
