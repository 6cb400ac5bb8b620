"""One spec text -> everything a live view shows: messages, rows, totals, memory.

The playground and the language server both call `inspect` on every change, so they
agree with each other and with `cnnspec check` (the same messages at the same line and
column, warnings included). Rows are read generically (name, type, shapes, params, MACs,
line, and `inputs` where a row has them), so a graph's rows show without change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnnspec.analysis.analyzer import Analysis, analyze
from cnnspec.errors import Diagnostic, SpecError
from cnnspec.language.loading import parse
from cnnspec.language.source import MAX_SOURCE_BYTES

_TOKEN_END = re.compile(r"[^\s|#]*")


@dataclass(frozen=True)
class Message:
    """A diagnostic with the extent to underline: 1-based line, columns [column, end)."""

    severity: str
    message: str
    line: int
    column: int
    end: int
    code: str | None = None

    def as_dict(self) -> dict:
        return {"severity": self.severity, "message": self.message, "line": self.line,
                "column": self.column, "end": self.end, "code": self.code}


@dataclass(frozen=True)
class View:
    """What one text shows: its analysis (None when the text has errors) and its messages."""

    text: str
    analysis: Analysis | None
    messages: tuple[Message, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return self.analysis is not None


def message(diagnostic: Diagnostic, lines: list[str]) -> Message:
    """The diagnostic, underlining the word at its column (at least one character).

    >>> message(Diagnostic("bad", 1, 7), ["dense sigmod | flatten"]).end
    13
    """
    text = lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else ""
    start = diagnostic.column - 1
    word = _TOKEN_END.match(text, min(start, len(text))).group(0)
    return Message(diagnostic.severity, diagnostic.message, diagnostic.line, diagnostic.column,
                   diagnostic.column + max(len(word), 1), diagnostic.code)


def inspect(text: str, source: str = "<playground>") -> View:
    """Parse, analyze and lint `text`; never raises for anything a user can type."""
    from cnnspec.analysis.lints import lint

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        return View(text, None, (Message("error", f"a spec is at most {MAX_SOURCE_BYTES // 2**20} MiB of text", 1, 1, 2),))
    try:
        analysis = analyze(parse(text, source))
    except SpecError as error:
        return View(text, None, tuple(message(d, lines) for d in error.diagnostics))
    return View(text, analysis, tuple(message(d, lines) for d in lint(analysis)))


def row_dict(row, field_size: tuple[int, int] | None = None) -> dict:
    """One row as JSON; `inputs` only where the row has them (graphs)."""
    out = {
        "name": row.name, "type": row.type, "line": row.line, "column": row.layer.span.column,
        "input_shape": list(row.input_shape), "output_shape": list(row.output_shape),
        "params": row.params, "trainable_params": row.trainable_params, "macs": row.macs,
    }
    inputs = getattr(row, "inputs", None)
    if inputs:  # a chain's rows carry () (each reads the row before)
        out["inputs"] = [getattr(i, "name", i) for i in inputs]
    if field_size is not None:
        out["receptive_field"] = list(field_size)
    return out


def receptive_fields(analysis: Analysis) -> list[tuple[int, int] | None]:
    """Each row's receptive field (rows x columns of input pixels), None where not defined."""
    from cnnspec.analysis.receptive_field import explain

    if len(analysis.spec.input_shape) != 3:
        return [None] * len(analysis.rows)
    try:
        return [(found.fields[0].size, found.fields[1].size) for found in explain(analysis)]
    except (SpecError, TypeError, NotImplementedError):
        # A map too large to list, or a node explain does not follow (it raises, never
        # guesses): the table stands without the field column rather than not at all.
        return [None] * len(analysis.rows)


def summary(view: View, batch: int | None = None) -> dict:
    """The JSON the playground paints: messages, rows, totals and training memory."""
    from cnnspec.analysis.costs import training_memory
    from cnnspec.render.json_format import memory_dict

    out: dict = {"valid": view.valid, "messages": [m.as_dict() for m in view.messages]}
    analysis = view.analysis
    if analysis is None:
        return out
    memory = training_memory(analysis) if batch is None else training_memory(analysis, batch)
    fields = receptive_fields(analysis)
    out.update({
        "name": analysis.spec.name,
        "input_shape": list(analysis.spec.input_shape),
        "rows": [row_dict(row, size) for row, size in zip(analysis.rows, fields)],
        "total_params": analysis.total_params,
        "trainable_params": analysis.trainable_params,
        "non_trainable_params": analysis.non_trainable_params,
        "total_macs": analysis.total_macs,
        "training_memory": memory_dict(memory),
    })
    return out


def row_index(analysis: Analysis, line: int, column: int | None = None) -> int | None:
    """The index of the row built by the statement at `line` (1-based) and `column` (the
    last statement starting at or before it; None: the line's last), or None."""
    found = None
    for index, row in enumerate(analysis.rows):
        if row.line == line and (column is None or row.layer.span.column <= column or found is None):
            found = index
    return found


def calls_at(analysis: Analysis, line: int) -> tuple:
    """The block calls written on `line` (1-based), each copy of `xN` its own summary
    (`cnnspec.analysis.calls.CallSummary`); () on any other line. A call's rows sit on the
    block's body lines, so this is what a call's own line answers."""
    if not analysis.spec.calls:
        return ()
    from cnnspec.analysis.calls import call_summaries

    return tuple(summary for summary in call_summaries(analysis) if summary.call.line == line)


def explain_row(analysis: Analysis, index: int) -> str:
    """`cnnspec explain`'s sentences for the row at `index`."""
    from cnnspec.analysis.receptive_field import explain
    from cnnspec.render.explain import render_text

    try:
        text = render_text(analysis, explain(analysis), only=index + 1)
    except SpecError as error:
        return error.message
    return text.split("\n", 1)[1].strip() if "\n" in text else text.strip()


def diagram_svg(analysis: Analysis, blocks: str = "collapsed") -> str:
    """`cnnspec draw`'s picture, as SVG text (`blocks`: as `draw --blocks`)."""
    from cnnspec.render.diagram import layout
    from cnnspec.render.svg import render

    return render(layout(analysis, blocks))


def vocabulary() -> dict[str, list[str]]:
    """The words of the language, from the registry and the grammar: what editors
    highlight and complete (switches are the options written as a word, like `nobias`)."""
    from cnnspec.language.parser import grammar_text
    from cnnspec.layers import BY_KEYWORD
    from cnnspec.layers.arguments import TOKEN_ROLES
    from cnnspec.layers.spec import ACTIVATIONS, PADDINGS

    literals = dict(re.findall(r'^([A-Z_]+): "([a-z_0-9]+)"$', grammar_text(), flags=re.M))
    switches = [literals[name] for name, role in TOKEN_ROLES.items() if name in literals and role != "padding"]
    return {"keywords": ["name", "input", *BY_KEYWORD], "activations": list(ACTIVATIONS),
            "paddings": list(PADDINGS), "switches": switches}


_BLOCK_HEADER = re.compile(r"^([ \t]*)block[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_BLOCK_END = re.compile(r"^[ \t]*end[ \t]*$")
_NAMED = re.compile(r"->[ \t]*([A-Za-z_][A-Za-z0-9_]*)")
_NAME_AT = re.compile(r"@?[A-Za-z_][A-Za-z0-9_]*")
_FIRST_WORD = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class BlockText:
    """A `block NAME ... end` as written: its name's position and its last line (1-based)."""

    name: str
    line: int
    column: int
    end: int
    names: dict  # the tensors its body names (`-> a`): name -> (line, column)


@dataclass(frozen=True)
class Names:
    """What a spec's text defines, read from the text itself (so it answers while the text
    has errors): top-level tensor names (`-> a`) and blocks, each with its position."""

    tensors: dict
    blocks: dict

    def block_at(self, line: int) -> BlockText | None:
        return next((b for b in self.blocks.values() if b.line <= line <= b.end), None)

    def definition(self, lines: list[str], line: int, character: int) -> tuple[int, int] | None:
        """Where the word at 1-based `line`, 0-based `character` is defined: `@a` -> its
        `-> a` (the block's own names first inside a body; `@in` -> the block's header),
        a block call -> its `block NAME` line."""
        text = lines[line - 1].split("#", 1)[0] if 0 < line <= len(lines) else ""
        word = next((m.group(0) for m in _NAME_AT.finditer(text) if m.start() <= character <= m.end()), None)
        if word is None:
            return None
        inside = self.block_at(line)
        if word.startswith("@"):
            name = word[1:]
            if inside is not None:
                if name == "in":
                    return inside.line, inside.column
                if name in inside.names:
                    return inside.names[name]
            return self.tensors.get(name)
        first = _FIRST_WORD.match(text)
        if first and first.group(1) == word and word in self.blocks:
            block = self.blocks[word]
            return block.line, block.column
        return None


def names(text: str) -> Names:
    """The tensors and blocks `text` defines (a later definition of a name wins, as a
    later `-> a` is what `@a` reads after it)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tensors: dict = {}
    blocks: dict = {}
    open_block: tuple | None = None  # (name, line, column, names)
    for number, raw in enumerate(lines, 1):
        code = raw.split("#", 1)[0]
        header = _BLOCK_HEADER.match(code)
        if header and open_block is None:
            open_block = (header.group(2), number, header.start(2) + 1, {})
            continue
        if open_block is not None and _BLOCK_END.match(code):
            name, line, column, found = open_block
            blocks[name] = BlockText(name, line, column, number, found)
            open_block = None
            continue
        target = open_block[3] if open_block is not None else tensors
        for match in _NAMED.finditer(code):
            target[match.group(1)] = (number, match.start(1) + 1)
    if open_block is not None:  # a block without `end` runs to the end of the text
        name, line, column, found = open_block
        blocks[name] = BlockText(name, line, column, len(lines), found)
    return Names(tensors, blocks)
