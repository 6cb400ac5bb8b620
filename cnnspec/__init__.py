"""cnnspec: a compact language for convolutional networks, its static analyzer and its Keras compiler.

`parse`, `analyze` and everything `cnnspec check`/`summary` use are free of TensorFlow;
`to_keras` imports Keras only when it is called.
"""

from cnnspec.analysis.analyzer import Analysis, LayerRow, analyze
from cnnspec.errors import DataError, Diagnostic, RunError, SpecError, SpecShapeError, SpecSyntaxError
from cnnspec.layers.spec import Spec
from cnnspec.layers import AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, Pool
from cnnspec.language.loading import load, parse
from cnnspec.report import REPORT_SEED

__all__ = [
    "Analysis", "AvgPool", "BatchNorm", "Conv", "DataError", "Dense", "Diagnostic", "Dropout", "Flatten",
    "LayerRow", "Pool", "RunError", "Spec", "SpecError", "SpecShapeError", "SpecSyntaxError", "analyze",
    "load", "parse", "to_keras",
]


def to_keras(spec: Spec, seed: int = REPORT_SEED, analysis: Analysis | None = None):
    """Build the Keras 3 model for a spec (imports Keras on first use); see `cnnspec.compiler.build`."""
    from cnnspec.compiler.build import to_keras as build

    return build(spec, seed, analysis)
