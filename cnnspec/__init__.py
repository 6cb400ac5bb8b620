"""cnnspec: a compact language for convolutional networks, its static analyzer and its Keras compiler.

`parse`, `analyze` and everything `cnnspec check`/`summary` use are free of TensorFlow;
`to_keras` imports Keras only when it is called.
"""

from .analyzer import Analysis, LayerRow, analyze
from .errors import DataError, Diagnostic, RunError, SpecError, SpecShapeError, SpecSyntaxError
from .ir import Spec
from .layers import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Pool
from .loading import load, parse
from .report import REPORT_SEED

__all__ = [
    "Analysis", "AvgPool", "BatchNorm", "Conv", "DataError", "Dense", "Diagnostic", "Dropout", "Flatten",
    "LayerRow", "Pool", "RunError", "Spec", "SpecError", "SpecShapeError", "SpecSyntaxError", "analyze",
    "load", "parse", "to_keras",
]


def to_keras(spec: Spec, seed: int = REPORT_SEED, analysis: Analysis | None = None):
    """Build the Keras 3 model for a spec (imports Keras on first use); see `cnnspec.keras_backend`."""
    from .keras_backend import to_keras as build

    return build(spec, seed, analysis)
