"""A graph with blocks for `cnnspec emit`: one Python function per block, called per call.

`block_plan` decides what each function takes and returns; this module writes it. A
function's body is one assignment per layer, as `graph_script` writes a graph, with the
names the user wrote inside the block (`r`, not `r__3`), and `name=names[i]`: every call
passes its layers' names, so `model.summary()` shows the names `cnnspec summary --format
keras` shows. `build_model()` calls each function once per block call (`x2` is two calls),
with a comment giving the call's line, output shape and parameters.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, replace

from cnnspec.render.keras_table import shape_text
from cnnspec.training.block_plan import Elements, Entry, Function, Literal, Local, Name, Planner, Scope, same
from cnnspec.training.graph_script import INDENT, TAKEN, variable
from cnnspec.training.script_lines import LINE_LENGTH, wrapped

# The script's own module-level names, and Python's builtins that it calls: no block's
# function may take them.
RESERVED = TAKEN | set(dir(builtins)) | {
    "build_model", "SEED", "EPOCHS", "BATCH_SIZE", "LEARNING_RATE", "INPUT_SHAPE", "CLASSES",
}


@dataclass(frozen=True)
class Code:
    """Python source standing for an argument: `repr` gives it back as written."""

    text: str

    def __repr__(self) -> str:
        return self.text


def block_functions(spec, calls, rows, comment, call_text, python_literal, blocks) -> tuple[str, str]:
    """(the functions' source, `build_model()`'s body for a graph, or the items of its
    `keras.Sequential` list for a chain); `NotContiguous` when a call's layers are not one
    run of the layer order (then the flat form writes the spec)."""
    functions, scope = Planner(spec, calls, blocks, RESERVED, variable).plan()
    writer = _Writer(spec, calls, rows, comment, call_text, python_literal, chain=not spec.inputs)
    text = "".join(writer.function(function, blocks[function.block]) + "\n\n\n" for function in functions)
    if writer.chain:
        return text, "\n".join(writer.scope(scope, top=True))
    lines = [f"{INDENT}inputs = keras.Input(shape=INPUT_SHAPE, name={python_literal(rows[0].inputs[0])})"]
    lines += writer.scope(scope, top=True)
    lines.append(f"{INDENT}return keras.Model(inputs, {scope.entries[-1].variable}, "
                 f"name={python_literal(spec.name)})")
    return text, "\n".join(lines)


class _Writer:
    def __init__(self, spec, calls, rows, comment, call_text, python_literal, chain: bool):
        self.spec, self.calls, self.rows, self.chain = spec, calls, rows, chain
        self.comment, self.call_text, self.literal = comment, call_text, python_literal
        self.lines = spec.text.split("\n")

    def function(self, function: Function, block) -> str:
        header = self.lines[block.line - 1] if 0 < block.line <= len(self.lines) else ""
        code, _, note = header.partition("#")
        note = note.strip().rstrip(".")
        about = f"{note[:1].upper()}{note[1:]}: " if note else ""
        docstring = f'{INDENT}"""{about}`{" ".join(code.split())}`, line {block.line}."""'
        if len(docstring) > LINE_LENGTH:
            docstring = f'{INDENT}"""`{" ".join(code.split())}`, line {block.line}."""'
        if len(docstring) > LINE_LENGTH:
            docstring = f'{INDENT}"""Block {block.name}, line {block.line}."""'
        signature = self._signature(function)
        body = self.scope(function.body, top=False)
        if self.chain:  # a chain's block is a list of layers, spliced into keras.Sequential's
            return "\n".join([signature, docstring, f"{INDENT}return [", *body, f"{INDENT}]"])
        return "\n".join([signature, docstring, *body, f"{INDENT}return {function.body.entries[-1].variable}"])

    def _signature(self, function: Function) -> str:
        pieces = [] if self.chain else [*function.tensors]
        pieces += [f"{p}={self.literal(function.defaults[p])}" if p in function.defaults else p
                   for p in function.values]
        pieces += ["*", *function.extras, "names"]
        one_line = f"def {function.name}({', '.join(pieces)}):"
        if len(one_line) <= LINE_LENGTH:
            return one_line
        return f"def {function.name}(\n{wrapped(pieces, INDENT)}\n):"

    def scope(self, scope: Scope, top: bool) -> list[str]:
        """One assignment per entry (a chain: one list item per entry), with comments."""
        indent = (INDENT * (3 if top else 2)) if self.chain else INDENT
        lines, shown = [], None
        for entry in scope.entries:
            if top:
                lines.append(self._row_comment(entry, indent))
            elif entry.line != shown:  # the body's line, once, above what it wrote
                shown = entry.line
                text = " ".join(self.lines[entry.line - 1].split("#", 1)[0].split())
                note = f"{indent}# line {entry.line}: {text}"
                lines.append(note if len(note) <= LINE_LENGTH else f"{indent}# line {entry.line}")
            argument = [self._tensor(read, scope) for read in entry.reads]
            before, after = ("", ",") if self.chain else (f"{entry.variable} = ", "")
            if entry.function is not None:
                lines.append(self._call(entry, argument, top, indent, "*" if self.chain else before, after))
                continue
            merges = self.spec.layers[entry.layer].merges
            if not self.chain:
                after = f"([{', '.join(argument)}])" if merges else f"({argument[0]})"
            name = self.literal(self.rows[entry.layer].name) if top else f"names[{entry.names[0]}]"
            made = self.calls[entry.layer]
            call = replace(
                made,
                args=tuple(self._code(arg) for arg in entry.args),
                kwargs=(*((key, self._code(value)) for key, value in entry.kwargs), ("name", Code(name))),
            )
            lines.append(self.call_text(call, indent, before=before, after=after))
        return lines

    def _row_comment(self, entry: Entry, indent: str) -> str:
        """A layer's row as `model.summary()` shows it; a call's output and its parameters."""
        if entry.function is None:
            return self.comment(self.rows[entry.layer], indent)
        (call,) = entry.calls
        rows = self.rows[call.start:call.end]
        params = sum(row.params for row in rows)
        frozen = sum(row.non_trainable_params for row in rows)
        written = " ".join([call.block, *(f"{key}={value}" for key, value in call.arguments)])
        counted = f"{params:,} param{'s' * (params != 1)}" + (f" ({frozen:,} non-trainable)" if frozen else "")
        row = f"{shape_text(rows[-1].output_shape)}, {counted}"
        for text in (f"{written} -> {row}", f"{call.block} -> {row}", written):
            if len(f"{indent}# line {call.line}: {text}") <= LINE_LENGTH:
                return f"{indent}# line {call.line}: {text}"
        return f"{indent}# line {call.line}: {call.block}"

    def _tensor(self, read, scope: Scope) -> str:
        return scope.entries[read.entry].variable if isinstance(read, Local) else read.name

    def _code(self, expression) -> object:
        if isinstance(expression, Literal):
            return expression.value
        return Code(self._source(expression))

    def _source(self, expression) -> str:
        if isinstance(expression, Name):
            return expression.name
        if isinstance(expression, Elements):
            parts = [self._source(part) for part in expression.parts]
            return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"
        return self.literal(expression.value)

    def _call(self, entry: Entry, tensors: list[str], top: bool, indent: str, before: str, after: str) -> str:
        """`var = block(tensors, values, keyword=value, names=...)` (a chain's list item:
        `*block(values, ..., names=...),`), wrapped to fit."""
        function = entry.function
        pieces = [] if self.chain else list(tensors)
        for param, value in zip(function.values, entry.args):
            if param not in function.defaults:
                pieces.append(self._source(value))
            elif not (isinstance(value, Literal) and same(value.value, function.defaults[param])):
                pieces.append(f"{param}={self._source(value)}")
        pieces += [f"{key}={self._source(value)}" for key, value in entry.kwargs]
        if top:
            (call,) = entry.calls
            names = [self.literal(row.name) for row in self.rows[call.start:call.end]]
            names_text = f"({', '.join(names)}{',' * (len(names) == 1)})"
        else:
            names, names_text = None, f"names[{entry.names[0]}:{entry.names[1]}]"
        opening = f"{indent}{before}{function.name}("
        one_line = f"{opening}{', '.join([*pieces, 'names=' + names_text])}){after}"
        if len(one_line) <= LINE_LENGTH:
            return one_line
        inner = indent + INDENT
        lines = [opening, wrapped(pieces, inner)] if pieces else [opening]
        if names is None or len(f"{inner}names={names_text},") <= LINE_LENGTH:
            lines.append(f"{inner}names={names_text},")
        else:
            lines += [f"{inner}names=(", wrapped(names, inner + INDENT), f"{inner}),"]
        lines.append(f"{indent}){after}")
        return "\n".join(lines)
