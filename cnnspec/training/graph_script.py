"""A graph's `build_model()` body for `cnnspec emit`: readable functional Keras.

Each layer is one assignment; a named tensor (`-> a`) becomes a variable of that name,
every other output is `x`, which only the next line reads (a graph reads an unnamed
output only on the line after it).
"""

from __future__ import annotations

import keyword

INDENT = " " * 4
TAKEN = frozenset(("x", "inputs", "keras", "layers", "initializers", "np", "os", "main", "prepare", "load_mnist"))


def variable(label: str | None) -> str:
    """The Python name for a tensor named `label` (unnamed: `x`).

    >>> variable("shortcut"), variable("in"), variable("x"), variable(None)
    ('shortcut', 'in_', 'x_', 'x')
    """
    if label is None:
        return "x"
    return label + "_" if keyword.iskeyword(label) or label in TAKEN or label.isupper() else label


def functional_model(spec, calls, rows, comment, call_text, python_literal) -> str:
    """The lines that build and return a `keras.Model` from `inputs` through every call
    (`comment`, `call_text` and `python_literal` write them as the Sequential script does)."""
    names = {-1: "inputs"}
    lines = [f"{INDENT}inputs = keras.Input(shape=INPUT_SHAPE, name={python_literal(rows[0].inputs[0])})"]
    for index, (call, row) in enumerate(zip(calls, rows)):
        read = [names[source] for source in spec.inputs[index]]
        argument = f"[{', '.join(read)}]" if spec.layers[index].merges else read[0]
        names[index] = variable(spec.labels[index])
        lines.append(comment(row, INDENT))
        lines.append(call_text(call, INDENT, before=f"{names[index]} = ", after=f"({argument})"))
    lines.append(f"{INDENT}return keras.Model(inputs, {names[len(calls) - 1]}, name={python_literal(spec.name)})")
    return "\n".join(lines)
