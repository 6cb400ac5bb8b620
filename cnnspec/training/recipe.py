"""The report's training recipe as a value: what `cnnspec train` is told, and its defaults.

"We will use 50 epochs, a batch size of 100 ... and a standard gradient descent optimizer
with a learning rate of 0.05 ... cross entropy as the loss function with softmax
activation ... the number 6570518 is used as a seed for all random variable
initialisation." Pixels are scaled by 1/255 and labels one-hot encoded, as its code did.
`Recipe` holds the hyperparameters, `RunOptions` the plumbing of one run, `TrainConfig` the
two. Shared by the trainer and the `emit` script generator. Light on purpose (no NumPy, no
Keras): the command line reads its defaults from here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING
from typing import Any

from cnnspec.errors import RunError, SpecFitError
from cnnspec.report import MNIST_CLASSES, REPORT_BATCH, REPORT_EPOCHS, REPORT_LR, REPORT_SEED

if TYPE_CHECKING:
    from cnnspec.analysis.analyzer import Analysis

LOSS = "categorical_crossentropy"
PIXEL_SCALE = 255
MNIST_PIXELS = 28 * 28
SPLITS = ("fold", "full")
DISTRIBUTE = ("mirrored",)
DATASETS = ("mnist", "fashion_mnist", "cifar10")  # through keras.datasets; see cnnspec.training.datasets


@dataclass(frozen=True)
class Recipe:
    """The hyperparameters: what decides the trained weights, given the spec and the data.
    The defaults are the report's general setup.

    `limit` belongs here: it changes which images the weights see. The data are not a
    hyperparameter (they are what the recipe is applied to), nor is anything about where
    the run is written, how it is spread over devices or what it is guarded by: those are
    `RunOptions`.
    """

    epochs: int = REPORT_EPOCHS
    batch_size: int = REPORT_BATCH
    lr: float = REPORT_LR
    seed: int = REPORT_SEED
    split: str = "fold"
    limit: int | None = None

    def __post_init__(self):
        _refuse(self.problems())

    def problems(self) -> list[str]:
        """Every value that is wrong, each said with the rule and the value given."""
        problems = []
        for name in ("epochs", "batch_size"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 1:
                problems.append(f"{name} must be a whole number >= 1; got {getattr(self, name)!r}")
        if self.limit is not None and (not _is_int(self.limit) or self.limit < 1):
            problems.append(f"limit must be a whole number >= 1 (or None); got {self.limit!r}")
        if not _is_int(self.seed) or not 0 <= self.seed < 2**32:
            problems.append(f"seed must be a whole number in [0, 2**32); got {self.seed!r}")
        if not isinstance(self.lr, (int, float)) or not (math.isfinite(self.lr) and self.lr > 0):
            problems.append(f"lr must be a finite number > 0; got {self.lr!r}")
        if self.split not in SPLITS:
            problems.append(f"split must be one of {', '.join(SPLITS)}; got {self.split!r}")
        return problems


@dataclass(frozen=True)
class RunOptions:
    """Where and how one run of a recipe goes: the data it trains on (`data`: an .npz or a
    folder of class folders, see cnnspec.training.datasets; `dataset`: one of DATASETS;
    neither: MNIST, the report's), its folder (`out`; None: runs/<name>-<timestamp>),
    whether it continues the one there (`resume`), its devices (`distribute`) and the size
    guard (`max_params`, see cnnspec.analysis.budget)."""

    data: str | None = None
    dataset: str | None = None
    out: str | None = None
    resume: bool = False
    distribute: str | None = None
    max_params: int | None = None

    def __post_init__(self):
        _refuse(self.problems())

    def problems(self) -> list[str]:
        problems = []
        if self.max_params is not None and (not _is_int(self.max_params) or self.max_params < 1):
            problems.append(f"max_params must be a whole number >= 1 (or None); got {self.max_params!r}")
        if self.dataset is not None and self.dataset not in DATASETS:
            problems.append(f"dataset must be one of {', '.join(DATASETS)} (or None); "
                            f"got {self.dataset!r}")
        if self.distribute is not None and self.distribute not in DISTRIBUTE:
            problems.append(f"distribute must be one of {', '.join(DISTRIBUTE)} (or None); "
                            f"got {self.distribute!r}")
        if self.resume and self.out is None:
            problems.append("resume needs out: the directory of the run to continue")
        return problems


RECIPE_FIELDS = tuple(field.name for field in fields(Recipe))
RUN_FIELDS = tuple(field.name for field in fields(RunOptions))
# What a run records (results.json, checkpoint/state.json) as its "hyperparameters": the
# recipe, and what it was applied to and spread over; a resume is checked against them.
RECORDED_RUN_FIELDS = ("data", "dataset", "distribute")


@dataclass(frozen=True, init=False)
class TrainConfig:
    """How to train: a `Recipe` and the `RunOptions` of one run of it.

    Settings may be given by name, each going to the part that owns it, over the parts
    given (or the defaults): `TrainConfig(epochs=3, out="runs/m3")`,
    `TrainConfig(config.recipe, config.run, out=run_dir)`. Every wrong value of both parts
    is reported at once.
    """

    recipe: Recipe
    run: RunOptions

    def __init__(self, recipe: Recipe | None = None, run: RunOptions | None = None, **settings: Any):
        unknown = sorted(settings.keys() - set(RECIPE_FIELDS) - set(RUN_FIELDS))
        if unknown:
            raise TypeError(f"TrainConfig got unknown settings {', '.join(unknown)}; "
                            f"a recipe has {', '.join(RECIPE_FIELDS)}, a run {', '.join(RUN_FIELDS)}")
        parts, problems = {}, []
        for name, kind, given, names in (("recipe", Recipe, recipe, RECIPE_FIELDS),
                                         ("run", RunOptions, run, RUN_FIELDS)):
            values = {**(asdict(given) if given is not None else {}),
                      **{key: value for key, value in settings.items() if key in names}}
            try:
                parts[name] = kind(**values)
            except RunError as error:
                problems += error.messages
        _refuse(problems)
        object.__setattr__(self, "recipe", parts["recipe"])
        object.__setattr__(self, "run", parts["run"])

    def hyperparameters(self) -> dict[str, Any]:
        """What results.json and the checkpoint record: the recipe, and what it was applied
        to and spread over (not where the run is, nor whether it was resumed)."""
        return {**asdict(self.recipe), **{name: getattr(self.run, name) for name in RECORDED_RUN_FIELDS}}


def _refuse(problems: list[str]) -> None:
    if problems:
        raise RunError(problems)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


MNIST_IMAGE = (28, 28, 1)


def check_trainable_on_mnist(analysis: Analysis) -> None:
    """`check_trainable_on` MNIST: 28x28 grey images of 10 digits."""
    check_trainable_on(analysis, MNIST_IMAGE, MNIST_CLASSES, "MNIST")


def check_trainable_on(analysis: Analysis, image_shape: tuple[int, ...], classes: int,
                       data: str = "the data") -> None:
    """A `SpecFitError` at each part of the spec that does not fit data of `image_shape`
    (H, W, C) and `classes` classes: the input must be that shape exactly, or the vector of
    all its values (`input 784` for 28x28x1: the image flattened row by row, channels last);
    the recipe's loss needs the network to end in `dense <classes> softmax`.

    Any other input of the same size is refused: reshaping 28x28x1 into 28x14x2 would
    silently turn neighbouring pixels into channels.
    """
    from cnnspec.layers import Dense
    from cnnspec.layers.shapes import size_text

    spec = analysis.spec
    image_shape = tuple(image_shape)
    problems = []
    flat = (math.prod(image_shape),)
    if spec.input_shape not in (image_shape, flat):
        problems.append(spec.diagnostic(
            f"{data}: the data are {size_text(image_shape)} with {classes} classes; the spec's "
            f"input is {size_text(spec.input_shape)}; write `input {size_text(image_shape)}` "
            f"(or `input {flat[0]}` for the image flattened row by row)", spec.input_span))
    last = spec.layers[-1]
    if analysis.output_shape != (classes,) or not isinstance(last, Dense) or last.activation != "softmax":
        problems.append(spec.diagnostic(
            f"{data}: the data are {size_text(image_shape)} with {classes} classes, and the "
            f"recipe trains a softmax over them with categorical cross-entropy; the network "
            f"must end in `dense {classes} softmax`", last.span))
    if problems:
        raise SpecFitError(problems)
