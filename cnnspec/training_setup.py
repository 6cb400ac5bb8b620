"""The report's training setup, shared by everything that trains or writes training code.

"We will use 50 epochs, a batch size of 100 ... and a standard gradient descent optimizer
with a learning rate of 0.05 ... cross entropy as the loss function with softmax
activation ... the number 6570518 is used as a seed for all random variable
initialisation." Pixels are scaled to [0, 1] and labels one-hot encoded, as its code did.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analyzer import Analysis
from .errors import Diagnostic, SpecShapeError

REPORT_SEED = 6570518

MNIST_IMAGE = (28, 28, 1)
MNIST_CLASSES = 10
# The spec inputs MNIST fits without cropping: the image, or its pixels as one vector.
MNIST_INPUTS = (MNIST_IMAGE, (28 * 28,))


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int = 50
    batch_size: int = 100
    learning_rate: float = 0.05  # plain SGD, no momentum
    seed: int = REPORT_SEED
    loss: str = "categorical_crossentropy"
    pixel_scale: int = 255


REPORT = Hyperparameters()


def require_mnist_shapes(analysis: Analysis) -> None:
    """Raise `SpecShapeError` unless MNIST images fit the input and its 10 classes the output."""
    spec = analysis.spec
    lines = spec.text.split("\n")

    def problem(message: str, span) -> Diagnostic:
        text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        return Diagnostic(message, span.line or 1, span.column or 1, spec.source, text)

    problems = []
    if spec.input_shape not in MNIST_INPUTS:
        shape = "x".join(map(str, spec.input_shape))
        problems.append(problem(
            f"MNIST images are 28x28x1 (or 784 as a vector), but the input is {shape}; "
            "write input 28x28x1 to train on MNIST", spec.input_span))
    if analysis.output_shape != (MNIST_CLASSES,):
        shape = "x".join(map(str, analysis.output_shape))
        problems.append(problem(
            f"MNIST has {MNIST_CLASSES} classes, but the network ends in {shape} outputs; "
            f"end with dense {MNIST_CLASSES}", analysis.rows[-1].layer.span))
    if problems:
        raise SpecShapeError(problems)
