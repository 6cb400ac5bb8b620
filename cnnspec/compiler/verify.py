"""The static analysis against a Keras model, row by row: what `cnnspec verify` reports.

A row is what `model.summary()` shows for a layer: name, type, output shape, and its
trainable and non-trainable parameters. This module reads a built model's attributes; it
never imports Keras itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from cnnspec.analysis.analyzer import Analysis, LayerRow
from cnnspec.report import REPORT_SEED


@dataclass(frozen=True)
class SummaryRow:
    name: str
    type: str
    output_shape: tuple[int, ...]
    trainable_params: int
    non_trainable_params: int


def analysis_rows(analysis: Analysis) -> tuple[SummaryRow, ...]:
    return tuple(_from_layer_row(row) for row in analysis.rows)


def _from_layer_row(row: LayerRow) -> SummaryRow:
    return SummaryRow(row.name, row.type, row.output_shape, row.trainable_params, row.non_trainable_params)


def keras_rows(model) -> tuple[SummaryRow, ...]:
    """Each layer of a built Keras model as `model.summary()` counts it."""
    return tuple(
        SummaryRow(
            layer.name,
            type(layer).__name__,
            tuple(layer.output.shape[1:]),  # without the batch axis, as the analyzer writes it
            _weights_size(layer.trainable_weights),
            _weights_size(layer.non_trainable_weights),
        )
        for layer in model.layers
    )


def _weights_size(weights) -> int:
    return sum(math.prod(weight.shape) for weight in weights)


@dataclass(frozen=True)
class RowDifference:
    """Row `index` (0-based) disagrees in `fields`; a side is None where it has no such row."""

    index: int
    cnnspec: SummaryRow | None
    keras: SummaryRow | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Verification:
    """One spec's analysis beside the Keras model built from it."""

    analysis: Analysis
    model_name: str
    rows: tuple[SummaryRow, ...]
    differences: tuple[RowDifference, ...]
    trainable_params: int  # the model's own totals, not the sum of `rows`
    non_trainable_params: int

    @property
    def name_agrees(self) -> bool:
        return self.model_name == self.analysis.spec.name

    @property
    def totals_agree(self) -> bool:
        totals = (self.analysis.trainable_params, self.analysis.non_trainable_params)
        return totals == (self.trainable_params, self.non_trainable_params)

    @property
    def agrees(self) -> bool:
        return self.name_agrees and self.totals_agree and not self.differences


def compare_rows(expected: tuple[SummaryRow, ...], actual: tuple[SummaryRow, ...]) -> tuple[RowDifference, ...]:
    """Every row position where the two tables differ, naming the differing fields.

    >>> a = SummaryRow("dense", "Dense", (10,), 1290, 0)
    >>> compare_rows((a,), (SummaryRow("dense", "Dense", (10,), 1280, 0),))[0].fields
    ('trainable_params',)
    """
    differences = []
    for index in range(max(len(expected), len(actual))):
        mine = expected[index] if index < len(expected) else None
        theirs = actual[index] if index < len(actual) else None
        if mine is None or theirs is None:
            differences.append(RowDifference(index, mine, theirs, ("row",)))
            continue
        changed = tuple(f.name for f in fields(SummaryRow) if getattr(mine, f.name) != getattr(theirs, f.name))
        if changed:
            differences.append(RowDifference(index, mine, theirs, changed))
    return tuple(differences)


def in_analysis_order(analysis: Analysis, rows: tuple[SummaryRow, ...]) -> tuple[SummaryRow, ...]:
    """A functional model's rows in the spec's order (Keras lists a graph's layers in an
    order of its own); rows the analysis does not name keep their places at the end."""
    place = {row.name: index for index, row in enumerate(analysis.rows)}
    return tuple(sorted(rows, key=lambda row: place.get(row.name, len(place))))


def compare(analysis: Analysis, model) -> Verification:
    rows = keras_rows(model)
    if analysis.spec.inputs:  # a functional model lists its input, and its layers in an order of its own
        rows = in_analysis_order(analysis, tuple(row for row in rows if row.type != "InputLayer"))
    return Verification(
        analysis, model.name, rows, compare_rows(analysis_rows(analysis), rows),
        _weights_size(model.trainable_weights), _weights_size(model.non_trainable_weights),
    )


def verify(analysis: Analysis, seed: int = REPORT_SEED) -> Verification:
    """Build the analysed spec in a fresh Keras session, names left to Keras, and compare.

    Keras refusing a layer raises `SpecFitError` at its line.
    """
    from cnnspec.compiler.build import build_in_fresh_session

    return compare(analysis, build_in_fresh_session(analysis.spec, seed))


_FIELD_WORDS = {
    "name": "name", "type": "type", "output_shape": "output shape",
    "trainable_params": "trainable params", "non_trainable_params": "non-trainable params",
}


def _value_text(field: str, value) -> str:
    if field == "output_shape":
        return "(" + ", ".join(["None", *map(str, value)]) + ")"
    return f"{value:,}" if isinstance(value, int) else repr(value)


def _row_text(row: SummaryRow) -> str:
    return f"{row.name} ({row.type})"


def _all_rows(count: int) -> str:
    return "its 1 row agrees" if count == 1 else f"all {count} rows agree"


def report(verification: Verification, path: str) -> str:
    """`path: name: all N rows agree with Keras (...)`, or a headline and one line per difference."""
    analysis = verification.analysis
    count = len(analysis.rows)
    if verification.agrees:
        return (
            f"{path}: {analysis.spec.name}: {_all_rows(count)} with Keras "
            f"({analysis.total_params:,} params, {analysis.non_trainable_params:,} non-trainable)"
        )
    differing, rows = len(verification.differences), max(count, len(verification.rows))
    headline = f"{differing} of {rows} rows differ from Keras" if differing else f"{_all_rows(rows)}, but the model does not"
    lines = [f"{path}: {analysis.spec.name}: {headline}"]
    for difference in verification.differences:
        mine, theirs = difference.cnnspec, difference.keras
        if theirs is None:
            lines.append(f"  row {difference.index + 1}: only cnnspec has {_row_text(mine)}")
        elif mine is None:
            lines.append(f"  row {difference.index + 1}: only Keras has {_row_text(theirs)}")
        else:
            for field in difference.fields:
                lines.append(
                    f"  row {difference.index + 1}, {_row_text(mine)}: {_FIELD_WORDS[field]}: "
                    f"cnnspec {_value_text(field, getattr(mine, field))}, Keras {_value_text(field, getattr(theirs, field))}"
                )
    if not verification.name_agrees:
        lines.append(f"  model name: cnnspec {analysis.spec.name!r}, Keras {verification.model_name!r}")
    if not verification.totals_agree:
        lines.append(
            f"  totals (trainable, non-trainable): cnnspec {analysis.trainable_params:,}, {analysis.non_trainable_params:,}; "
            f"Keras {verification.trainable_params:,}, {verification.non_trainable_params:,}"
        )
    return "\n".join(lines)
