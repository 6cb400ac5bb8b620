"""`cnnspec lsp`: the language server (pygls), over standard input and output.

Every request reads the document through `document.inspect`, so an editor shows what
`cnnspec check` prints (errors and warnings at the same line and column), and what
`summary` and `explain` know: hover gives a layer's shapes, parameters, MACs and receptive
field, and on a block call's line the call's shapes and parameters per copy; inlay hints put
each line's output shape at its end. Formatting is `cnnspec fmt`.
Columns are counted in characters (code points); a line with characters outside the
Basic Multilingual Plane would be off by one per such character in a UTF-16 client.
"""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from cnnspec.errors import SpecError
from cnnspec.servers import document

NAME = "cnnspec"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cnnspec")
    except PackageNotFoundError:
        return "unknown"


class CnnspecServer(LanguageServer):
    """A pygls server that keeps the last `View` of each open document."""

    def __init__(self):
        super().__init__(NAME, _version())
        self.views: dict[tuple[str, int | None], document.View] = {}

    def view(self, uri: str) -> tuple[document.View, list[str]]:
        text_document = self.workspace.get_text_document(uri)
        key = (uri, text_document.version)
        if key not in self.views:
            self.views = {k: v for k, v in self.views.items() if k[0] != uri}
            self.views[key] = document.inspect(text_document.source, source=_source_name(uri))
        return self.views[key], text_document.source.split("\n")


def _source_name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] or uri


def _range(line: int, start: int, end: int) -> types.Range:
    """A 0-based LSP range from 1-based line and columns."""
    return types.Range(types.Position(line - 1, start - 1), types.Position(line - 1, end - 1))


def diagnostics(view: document.View) -> list[types.Diagnostic]:
    return [
        types.Diagnostic(range=_range(m.line, m.column, m.end), message=m.message, source=NAME,
                         severity=_SEVERITY.get(m.severity, types.DiagnosticSeverity.Information), code=m.code)
        for m in view.messages
    ]


def shape_text(shape) -> str:
    return "x".join(str(n) for n in shape)


def hover_text(view: document.View, index: int) -> str:
    row = view.analysis.rows[index]
    fields = document.receptive_fields(view.analysis)[index]
    lines = [f"**{row.name}** ({row.type}): {shape_text(row.input_shape)} → **{shape_text(row.output_shape)}**",
             "", f"- params: {row.params:,} ({row.trainable_params:,} trainable)", f"- MACs: {row.macs:,}"]
    if fields is not None:
        lines.append(f"- receptive field: {shape_text(fields)} input pixels")
    inputs = getattr(row, "inputs", None)
    if inputs:
        lines.append(f"- inputs: {', '.join(str(getattr(i, 'name', i)) for i in inputs)}")
    return "\n".join(lines)


HOVER_COPIES = 8  # a call's copies listed one by one in its hover


def call_hover_text(view: document.View, lines: list[str], summaries) -> str:
    """A block call's line: the call as written, its block's definition line, and per copy
    its input and output shapes and its layers' parameters summed."""
    from cnnspec.layers.provenance import Written

    call = summaries[0].call
    written = Written(view.analysis.spec)
    code = lines[call.line - 1].split("#", 1)[0].strip() if call.line <= len(lines) else call.block
    block = document.names(view.text).blocks.get(call.block)
    header = lines[block.line - 1].split("#", 1)[0].strip() if block and block.line <= len(lines) else ""
    where = f", defined on line {block.line}: `{header}`" if block else ""
    count = len(summaries)
    out = [f"**{code}**: {count} call{'s' * (count != 1)} of block `{call.block}`{where}", ""]
    for summary in summaries[:HOVER_COPIES]:
        shapes = " + ".join(shape_text(shape) for shape in summary.input_shapes)
        out.append(f"- {written.call_label(summary.call)}: {shapes} → **{shape_text(summary.output_shape)}**, "
                   f"{summary.params:,} params")
    if count > HOVER_COPIES:  # `res 16 x1000` would fill the screen: the rest in one line
        rest = summaries[HOVER_COPIES:]
        out.append(f"- and {len(rest):,} more copies → **{shape_text(rest[-1].output_shape)}**, "
                   f"{sum(summary.params for summary in rest):,} params")
    return "\n".join(out)


def definitions(view: document.View) -> dict[str, tuple[int, int]]:
    """Names a spec's text defines and where (1-based line, column): its top-level tensors
    (`-> a`) and its blocks; a chain names nothing."""
    found = document.names(view.text)
    return {**found.tensors, **{name: (b.line, b.column) for name, b in found.blocks.items()}}


def completions(view: document.View, line_text: str, character: int) -> list[types.CompletionItem]:
    vocabulary = document.vocabulary()
    before = line_text[:character].split("|")[-1].split("#")[0]
    words = before.split()
    at_word_start = not before or before[-1].isspace()
    statement_start = not words or (len(words) == 1 and not at_word_start)
    items: list[types.CompletionItem] = []
    if statement_start:
        items += [types.CompletionItem(k, kind=types.CompletionItemKind.Keyword, detail="statement")
                  for k in vocabulary["keywords"]]
    else:
        items += [types.CompletionItem(a, kind=types.CompletionItemKind.EnumMember, detail="activation")
                  for a in vocabulary["activations"]]
        items += [types.CompletionItem(p, kind=types.CompletionItemKind.EnumMember, detail="padding")
                  for p in vocabulary["paddings"]]
        items += [types.CompletionItem(s, kind=types.CompletionItemKind.EnumMember, detail="switch")
                  for s in vocabulary["switches"]]
        items += [types.CompletionItem(s, kind=types.CompletionItemKind.Value, detail="stride")
                  for s in ("s1", "s2", "s2x1", "s1x2")]
    items += [types.CompletionItem(name, kind=types.CompletionItemKind.Reference, detail="defined on line "
                                   f"{line}") for name, (line, _) in definitions(view).items()]
    return items


def server() -> CnnspecServer:
    ls = CnnspecServer()

    def publish(uri: str) -> None:
        view, _ = ls.view(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics(view)))

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls_: CnnspecServer, params: types.DidOpenTextDocumentParams):
        publish(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls_: CnnspecServer, params: types.DidChangeTextDocumentParams):
        publish(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls_: CnnspecServer, params: types.DidSaveTextDocumentParams):
        publish(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls_: CnnspecServer, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.views = {k: v for k, v in ls.views.items() if k[0] != uri}
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls_: CnnspecServer, params: types.HoverParams) -> types.Hover | None:
        view, lines = ls.view(params.text_document.uri)
        line, character = params.position.line + 1, params.position.character + 1
        notes = [m for m in view.messages if m.line == line and m.column <= character < m.end]
        parts = [f"{m.severity}: {m.message}" for m in notes]
        if view.analysis is not None:
            index = document.row_index(view.analysis, line, character)
            calls = document.calls_at(view.analysis, line) if index is None else ()
            if index is not None:
                parts.insert(0, hover_text(view, index))
            elif calls:
                parts.insert(0, call_hover_text(view, lines, calls))
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)))

    @ls.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    def inlay_hints(ls_: CnnspecServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        view, lines = ls.view(params.text_document.uri)
        if view.analysis is None:
            return []
        shapes: dict[int, list[str]] = {}
        for row in view.analysis.rows:
            shapes.setdefault(row.line, []).append(shape_text(row.output_shape))
        first, last = params.range.start.line + 1, params.range.end.line + 1
        return [
            types.InlayHint(position=types.Position(line - 1, len(lines[line - 1].rstrip("\r"))),
                            label="  → " + " → ".join(found), kind=types.InlayHintKind.Type, padding_left=True)
            for line, found in sorted(shapes.items()) if first <= line <= last and line <= len(lines)
        ]

    @ls.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "|"]))
    def completion(ls_: CnnspecServer, params: types.CompletionParams) -> types.CompletionList:
        view, lines = ls.view(params.text_document.uri)
        line = lines[params.position.line] if params.position.line < len(lines) else ""
        return types.CompletionList(is_incomplete=False, items=completions(view, line, params.position.character))

    @ls.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls_: CnnspecServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        from cnnspec.language.formatter import format_text

        text_document = ls.workspace.get_text_document(params.text_document.uri)
        text = text_document.source
        try:
            formatted = format_text(text, _source_name(params.text_document.uri))
        except SpecError:
            return None  # as `cnnspec fmt`: a file that does not parse is left untouched
        if formatted == text:
            return []
        lines = text.split("\n")
        end = types.Position(len(lines) - 1, len(lines[-1]))
        return [types.TextEdit(range=types.Range(types.Position(0, 0), end), new_text=formatted)]

    @ls.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls_: CnnspecServer, params: types.DefinitionParams) -> types.Location | None:
        view, lines = ls.view(params.text_document.uri)
        where = document.names(view.text).definition(lines, params.position.line + 1, params.position.character)
        if where is None:
            return None
        return types.Location(uri=params.text_document.uri, range=_range(where[0], where[1], where[1]))

    @ls.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls_: CnnspecServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        view, lines = ls.view(params.text_document.uri)
        if view.analysis is None:
            return []
        blocks = document.names(view.text).blocks
        top: list[types.DocumentSymbol] = []
        inside: dict[str, list[types.DocumentSymbol]] = {name: [] for name in blocks}
        seen: set[tuple[int, int]] = set()
        for row in view.analysis.rows:
            start = row.layer.span.column
            block = next((b for b in blocks.values() if b.line <= row.line <= b.end), None)
            if block is not None and (row.line, start) in seen:  # a body line, met again at the next call
                continue
            seen.add((row.line, start))
            line_text = lines[row.line - 1] if row.line <= len(lines) else ""
            symbol = types.DocumentSymbol(
                name=row.name, detail=f"{row.type} → {shape_text(row.output_shape)}, {row.params:,} params",
                kind=types.SymbolKind.Function, range=_range(row.line, 1, len(line_text) + 1),
                selection_range=_range(row.line, start, start + 1))
            (inside[block.name] if block is not None else top).append(symbol)
        for block in blocks.values():  # one per block, its body's layers (first call's names) inside
            end_text = lines[block.end - 1] if block.end <= len(lines) else ""
            top.append(types.DocumentSymbol(
                name=block.name, detail="block", kind=types.SymbolKind.Class,
                range=types.Range(types.Position(block.line - 1, 0), types.Position(block.end - 1, len(end_text))),
                selection_range=_range(block.line, block.column, block.column + len(block.name)),
                children=inside[block.name]))
        return sorted(top, key=lambda s: (s.range.start.line, s.range.start.character))

    return ls
