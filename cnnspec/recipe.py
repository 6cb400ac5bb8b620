"""The report's training recipe as a value: what `cnnspec train` is told, and its defaults.

"We will use 50 epochs, a batch size of 100 ... and a standard gradient descent optimizer
with a learning rate of 0.05 ... cross entropy as the loss function with softmax
activation ... the number 6570518 is used as a seed for all random variable
initialisation." Pixels are scaled by 1/255 and labels one-hot encoded, as its code did.
Shared by the trainer and the `emit` script generator. Light on purpose (no NumPy, no
Keras): the command line reads its defaults from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from .errors import Diagnostic, RunError

if TYPE_CHECKING:
    from .analyzer import Analysis

REPORT_SEED = 6570518
LOSS = "categorical_crossentropy"
PIXEL_SCALE = 255
MNIST_PIXELS = 28 * 28
MNIST_CLASSES = 10
SPLITS = ("fold", "full")
DISTRIBUTE = ("mirrored",)


@dataclass(frozen=True)
class TrainConfig:
    """How to train; the defaults are the report's general setup."""

    epochs: int = 50
    batch_size: int = 100
    lr: float = 0.05
    seed: int = REPORT_SEED
    split: str = "fold"
    limit: int | None = None
    data: str | None = None
    out: str | None = None
    resume: bool = False
    distribute: str | None = None
    max_params: int | None = None  # a guard, not a hyperparameter: see cnnspec.budget

    def __post_init__(self):
        problems = []
        for name in ("epochs", "batch_size"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 1:
                problems.append(f"{name} must be a whole number >= 1; got {getattr(self, name)!r}")
        if self.max_params is not None and (not _is_int(self.max_params) or self.max_params < 1):
            problems.append(f"max_params must be a whole number >= 1 (or None); got {self.max_params!r}")
        if self.limit is not None and (not _is_int(self.limit) or self.limit < 1):
            problems.append(f"limit must be a whole number >= 1 (or None); got {self.limit!r}")
        if not _is_int(self.seed) or not 0 <= self.seed < 2**32:
            problems.append(f"seed must be a whole number in [0, 2**32); got {self.seed!r}")
        if not isinstance(self.lr, (int, float)) or not (math.isfinite(self.lr) and self.lr > 0):
            problems.append(f"lr must be a finite number > 0; got {self.lr!r}")
        if self.split not in SPLITS:
            problems.append(f"split must be one of {', '.join(SPLITS)}; got {self.split!r}")
        if self.distribute is not None and self.distribute not in DISTRIBUTE:
            problems.append(f"distribute must be one of {', '.join(DISTRIBUTE)} (or None); "
                            f"got {self.distribute!r}")
        if self.resume and self.out is None:
            problems.append("resume needs out: the directory of the run to continue")
        if problems:
            raise RunError([Diagnostic(p, 1, 1, "<train config>") for p in problems])

    def hyperparameters(self) -> dict[str, Any]:
        """What results.json and the checkpoint record: everything but where and how to resume."""
        return {name: getattr(self, name)
                for name in ("epochs", "batch_size", "lr", "seed", "split", "limit", "data",
                             "distribute")}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_trainable_on_mnist(analysis: Analysis) -> None:
    """MNIST has 28x28 grey pixels and 10 classes, and the recipe's loss needs a softmax:
    a `RunError` at each part of the spec that does not fit."""
    from .layers import Dense
    from .shapes import size_text

    spec = analysis.spec
    problems = []
    if math.prod(spec.input_shape) != MNIST_PIXELS:
        problems.append(spec.diagnostic(
            f"MNIST images have 28x28x1 = {MNIST_PIXELS} pixels; this input has {size_text(spec.input_shape)} "
            f"= {math.prod(spec.input_shape)}; write `input 28x28x1` (or `input 784`)", spec.input_span))
    last = spec.layers[-1]
    if analysis.output_shape != (MNIST_CLASSES,) or not isinstance(last, Dense) or last.activation != "softmax":
        problems.append(spec.diagnostic(
            f"the recipe trains a softmax over MNIST's {MNIST_CLASSES} classes with categorical "
            f"cross-entropy; the network must end in `dense {MNIST_CLASSES} softmax`", last.span))
    if problems:
        raise RunError(problems)
