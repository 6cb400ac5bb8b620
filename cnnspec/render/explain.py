"""`explain` output: plain sentences a student can check by hand (text, counting from 1 as
the report does), or JSON for tools (0-indexed)."""

from __future__ import annotations

import json

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.counting import counted, counted_list
from cnnspec.layers import POINTWISE, REARRANGE, WHOLE_MAP, Flatten, Padded, Sliding
from cnnspec.analysis.receptive_field import PIXEL, AxisWindows, Field, LayerField
from cnnspec.layers.provenance import Written
from cnnspec.layers.shapes import size_text

AXES = (("row", "rows", "above", "below"), ("column", "columns", "left", "right"))


def _number(value: float) -> int | float:
    """An int when whole, so JSON and text show 3, not 3.0."""
    return int(value) if float(value).is_integer() else value


def _both(rows: str, cols: str, template: str, counts: tuple[int, int] = (2, 2)) -> str:
    """One phrase for both axes when they agree, else one for each; `counts` pick the
    singular ("row") or the plural ("rows") of each axis."""
    row, column = ("row" if counts[0] == 1 else "rows"), ("column" if counts[1] == 1 else "columns")
    if rows == cols and counts[0] == counts[1]:
        return template.format(axes=f"{row} and {column}", text=rows)
    return template.format(axes=row, text=rows) + " and " + template.format(axes=column, text=cols)


def _fit(w: AxisWindows, padding: str) -> str:
    if padding == "same":
        return f"ceil({w.size} / {w.stride}) = {w.outputs}"
    return f"floor(({w.size} - {w.window}) / {w.stride}) + 1 = {w.outputs}"


def _padding_sentence(layer, windows: tuple[AxisWindows, AxisWindows]) -> str:
    rows, cols = windows
    fits = _both(_fit(rows, layer.padding), _fit(cols, layer.padding), "{text} {axes}", (rows.outputs, cols.outputs))
    if layer.padding == "valid":
        return f"Padding: none ('valid'); only whole windows count: {fits}."
    rows_formula, cols_formula = (
        f"max(({w.outputs} - 1) * {w.stride} + {w.window} - {w.size}, 0) = {sum(w.padding)}" for w in windows
    )
    sides = ", ".join(
        f"{w.padding[0]} {before} and {w.padding[1]} {after}" for w, (_, _, before, after) in zip(windows, AXES)
    )
    if rows_formula == cols_formula:
        needs = f"{rows_formula} zero{'s' * (sum(rows.padding) != 1)} along each axis"
    else:
        needs = f"{rows_formula} zero rows and {cols_formula} zero columns"
    if not any(sum(w.padding) for w in windows):
        return f"Padding: 'same' keeps {fits}; it needs {needs}."
    return f"Padding: 'same' keeps {fits}; it needs {needs}: {sides} (TensorFlow puts the smaller half first)."


def _dropped_sentence(windows: tuple[AxisWindows, AxisWindows]) -> str:
    if not any(w.dropped for w in windows):
        return "Every row and column is read."
    texts, reasons = [], []
    for w in windows:
        reason = []
        if w.gap_count:
            reason.append(f"the stride {w.stride} is larger than the {w.window}-pixel window")
        if w.trailing_dropped:
            reason.append(
                f"floor rounding: a window from {counted(w.next_window_start)} to "
                f"{counted(w.next_window_start + w.window - 1)} would not fit"
            )
        texts.append(counted_list(w.dropped) if w.dropped else "")
        reasons.append("; ".join(reason))
    if texts[0] == texts[1] and reasons[0] == reasons[1]:
        return f"Never read: {_both(texts[0], texts[1], '{axes} {text}', (len(windows[0].dropped), len(windows[1].dropped)))} ({reasons[0]})."
    parts = [
        f"{(single if len(w.dropped) == 1 else plural)} {text} ({reason})"
        for w, text, reason, (single, plural, _, _) in zip(windows, texts, reasons, AXES)
        if w.dropped
    ]
    return f"Never read: {' and '.join(parts)}."


def _field_sentence(fields: tuple[Field, Field]) -> str:
    rows, cols = fields
    jump = f"{rows.jump}" if rows.jump == cols.jump else f"{rows.jump} (down) and {cols.jump} (across)"
    sentence = (
        f"Receptive field: each output sees {rows.size}x{cols.size} input pixels; neighbouring outputs are "
        f"{jump} pixel{'s' if (rows.jump, cols.jump) != (1, 1) else ''} apart; the first is centred on pixel "
        f"({counted(rows.start)}, {counted(cols.start)})"
    )
    if any(f.start - (f.size - 1) / 2 < 0 for f in fields):
        sentence += ", so near the edges part of its field is zero padding"
    return sentence + "."


def _whole_input(fields: tuple[Field, Field], input_size: tuple[int, int]) -> str:
    covers = all(f.start - (f.size - 1) / 2 <= 0 and f.start + (f.size - 1) / 2 >= n - 1 for f, n in zip(fields, input_size))
    return f"the whole {size_text(input_size)} input" if covers else f"part of the {size_text(input_size)} input"


def _merge_sentence(found: LayerField) -> str:
    """The union of a merge's paths' fields, and whether their centres line up."""
    rows, cols = found.fields
    each = "; ".join(
        f"{r.size}x{c.size} centred on ({counted(r.start)}, {counted(c.start)}) every {r.jump}x{c.jump}"
        for r, c in found.paths
    )
    if found.aligned:
        r, c = found.paths[0]
        return (f"Receptive field: the union over its {len(found.paths)} paths, {rows.size}x{cols.size}; "
                f"the paths are aligned (centred on ({counted(r.start)}, {counted(c.start)}) every {r.jump}x{c.jump}).")
    return (f"Receptive field: the union over its {len(found.paths)} paths, {rows.size}x{cols.size}; "
            f"the paths are NOT aligned, so it merges values from different places ({each}).")


def _layer_text(index: int, found: LayerField, previous: LayerField | None, input_size: tuple[int, int],
                written: Written) -> list[str]:
    row, layer = found.row, found.row.layer
    where = "inserted before the dense layer on line" if isinstance(layer, Flatten) and layer.implicit else "line"
    head = (
        f"{index}. {row.name} ({row.type}), {where} {row.line}: {written.statement(layer)}, "
        f"{size_text(row.input_shape)} -> {size_text(row.output_shape)}"
    )
    lines = [head]
    reading = layer.reading()
    effect = layer.effect(row.input_shape, row.output_shape)
    rows, cols = found.fields
    if found.paths:
        lines += [f"{effect}.", _merge_sentence(found)]
    elif found.windows is not None and isinstance(reading, Sliding):
        windows = found.windows
        centres = _both(counted_list(windows[0].centres, runs=False), counted_list(windows[1].centres, runs=False),
                        "{axes} {text}", (windows[0].outputs, windows[1].outputs))
        even = windows[0].window % 2 == 0 or windows[1].window % 2 == 0
        half = " (an even window has no centre pixel: its centre lies between two)" if even else ""
        lines += [
            _padding_sentence(layer, windows),
            f"Window centres: {centres} of its {windows[0].size}x{windows[1].size} input{half}.",
            _dropped_sentence(windows),
            _field_sentence(found.fields),
        ]
    elif isinstance(reading, Padded):
        lines += [f"{effect}.", _field_sentence(found.fields)]
    elif reading is REARRANGE:
        lines.append(f"{effect}.")
    elif reading is POINTWISE and found.windows is not None:
        lines.append(f"{effect}: the padding, windows and receptive field do not change.")
    elif reading is WHOLE_MAP and (previous.fields if previous else (PIXEL, PIXEL))[0].jump != 0 and rows.jump == 0:
        lines.append(
            f"{effect}, so it sees a {rows.size}x{cols.size} field "
            f"centred on pixel ({counted(rows.start)}, {counted(cols.start)}): "
            f"{_whole_input(found.fields, input_size)}."
        )
    else:
        lines.append(f"Every unit sees the same {rows.size}x{cols.size} field as the layer before.")
    return [lines[0]] + ["   " + line for line in lines[1:]]


def render_text(analysis: Analysis, fields: tuple[LayerField, ...], only: int | None = None) -> str:
    """Sentences for every layer (or only the `only`-th, counting from 1)."""
    spec = analysis.spec
    input_size = spec.input_shape[:2]
    vector = len(spec.input_shape) != 3
    lines = [
        f"{spec.name} ({spec.source}): input {size_text(spec.input_shape)}. "
        + ("It is a vector: there are no rows or columns to follow, so no padding, window centres or "
           "receptive fields; the layers are:" if vector else "Rows and columns count from 1, as the report does."),
    ]
    written = Written(spec)
    for index, found in enumerate(fields, 1):
        if only is not None and index != only:
            continue
        text = _layer_text(index, found, fields[index - 2] if index > 1 else None, input_size, written)
        lines += text[:1] if vector else ["", *text]
    return "\n".join(lines) + "\n"


def explain_dict(analysis: Analysis, fields: tuple[LayerField, ...], only: int | None = None) -> dict:
    """The JSON document: 0-indexed; padding, centres and dropped in each layer's own input."""
    layers = []
    for index, found in enumerate(fields, 1):
        if only is not None and index != only:
            continue
        windows = found.windows
        rows, cols = found.fields
        layers.append({
            "name": found.row.name,
            "padding": {
                "top": windows[0].padding[0] if windows else 0,
                "bottom": windows[0].padding[1] if windows else 0,
                "left": windows[1].padding[0] if windows else 0,
                "right": windows[1].padding[1] if windows else 0,
            },
            "receptive_field": {
                "size": [rows.size, cols.size],
                "jump": [rows.jump, cols.jump],
                "start": [_number(rows.start), _number(cols.start)],
            },
            "centres": {
                "rows": [_number(c) for c in windows[0].centres] if windows else [],
                "cols": [_number(c) for c in windows[1].centres] if windows else [],
            },
            "dropped": {
                "rows": list(windows[0].dropped) if windows else [],
                "cols": list(windows[1].dropped) if windows else [],
            },
        })
    return {"name": analysis.spec.name, "layers": layers}


def render_json(analysis: Analysis, fields: tuple[LayerField, ...], only: int | None = None) -> str:
    return json.dumps(explain_dict(analysis, fields, only), indent=2) + "\n"


EXPLAIN_FORMATS = {"text": render_text, "json": render_json}
