"""cnnspec: a compact language for convolutional networks, its static analyzer and its Keras compiler.

`parse`, `analyze` and everything `cnnspec check`/`summary` use are free of TensorFlow;
`to_keras` imports Keras only when it is called.
"""

from cnnspec.analysis.analyzer import Analysis, LayerRow, analyze
from cnnspec.errors import (
    CnnspecError, DataError, Diagnostic, RunError, SpecError, SpecFitError, SpecShapeError, SpecSyntaxError,
)
from cnnspec.layers.spec import Spec
from cnnspec.language.loading import load, parse
from cnnspec.report import REPORT_SEED

__all__ = [
    "Analysis", "AvgPool", "BatchNorm", "CnnspecError", "Conv", "DataError", "Dense", "Diagnostic", "Dropout", "Flatten",
    "LayerRow", "Pool", "RunError", "Spec", "SpecError", "SpecFitError", "SpecShapeError", "SpecSyntaxError", "analyze",
    "load", "parse", "to_keras",
]


# The layer classes of the API load when first asked for, as `cnnspec.layers` loads its
# kinds: `cnnspec check` imports only the kinds its specs name.
_LAYER_CLASSES = frozenset({"AvgPool", "BatchNorm", "Conv", "Dense", "Dropout", "Flatten", "Pool"})


def __getattr__(name: str):
    if name in _LAYER_CLASSES:
        from cnnspec import layers

        return getattr(layers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_keras(spec: Spec, seed: int = REPORT_SEED, analysis: Analysis | None = None):
    """Build the Keras 3 model for a spec (imports Keras on first use); see `cnnspec.compiler.build`."""
    from cnnspec.compiler.build import to_keras as build

    return build(spec, seed, analysis)
