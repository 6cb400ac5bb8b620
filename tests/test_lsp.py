"""`cnnspec lsp` through a real LSP client over stdio (pytest-lsp): open, change, hover,
inlay hints, complete, format, symbols, definition; the messages are check's."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("pygls", reason="the language server needs cnnspec[lsp]")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="the LSP tests need pytest-lsp (cnnspec[test])")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from conftest import SPECS  # noqa: E402

URI = "file:///work/model3.cnn"
MODEL3 = (SPECS / "model3.cnn").read_text()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cnnspec", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def opened(client: LanguageClient, text: str, uri: str = URI) -> list[types.Diagnostic]:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="cnnspec", version=1, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def position(line: int, column: int) -> types.Position:
    """1-based, as check prints them."""
    return types.Position(line - 1, column - 1)


@pytest.mark.asyncio
async def test_diagnostics_as_you_type_are_checks_messages(client: LanguageClient):
    assert list(await opened(client, MODEL3)) == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        [types.TextDocumentContentChangeWholeDocument(text="conv 5x5x6\ndense 128 sigmod\ndense 10\n")]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [error] = client.diagnostics[URI]
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.message.startswith("unknown activation 'sigmod'")
    assert (error.range.start, error.range.end) == (position(2, 11), position(2, 17))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=URI, version=3),
        [types.TextDocumentContentChangeWholeDocument(text="dense 7\n")]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [warning] = client.diagnostics[URI]
    assert warning.severity == types.DiagnosticSeverity.Warning and warning.code == "output-classes"


@pytest.mark.asyncio
async def test_hover_shows_shape_params_macs_and_receptive_field(client: LanguageClient):
    await opened(client, MODEL3)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(URI), position(6, 3)))
    text = hover.contents.value
    assert "**conv2d_1** (Conv2D): 14x14x16 → **14x14x32**" in text
    assert "params: 12,832" in text  # 5*5*16*32 + 32
    assert "MACs: 2,508,800" in text  # 14*14*32 outputs, 5*5*16 each
    assert "receptive field: 16x16" in text  # 7, then 8 after the pool, then 8 + (5-1)*2
    second = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(URI), position(6, 24)))  # on "pool 2"
    assert "**max_pooling2d_1**" in second.contents.value


@pytest.mark.asyncio
async def test_inlay_hints_put_each_lines_output_shape_at_its_end(client: LanguageClient):
    await opened(client, MODEL3)
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        types.TextDocumentIdentifier(URI), types.Range(position(1, 1), position(99, 1))))
    by_line = {hint.position.line + 1: hint.label for hint in hints}
    assert by_line[5].strip() == "→ 28x28x16 → 14x14x16"
    assert by_line[8].strip() == "→ 10"
    assert hints[0].position.character == len(MODEL3.split("\n")[4])


@pytest.mark.asyncio
async def test_completion_of_keywords_then_options_and_activations(client: LanguageClient):
    await opened(client, "conv 3x3x8 \nd")
    at_start = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(URI), position(2, 2)))
    assert {"conv", "dense", "depthwise", "gap", "input", "name"} <= {item.label for item in at_start.items}
    options = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(URI), position(1, 12)))
    labels = {item.label for item in options.items}
    assert {"relu", "gelu", "same", "valid", "s2", "nobias"} <= labels and "conv" not in labels


@pytest.mark.asyncio
async def test_formatting_is_cnnspec_fmt(client: LanguageClient):
    from cnnspec.language.formatter import format_text

    messy = "conv   5x5x6 |pool 2\n\n\n\ndense   10\n"
    await opened(client, messy)
    [edit] = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(URI), types.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert edit.new_text == format_text(messy, "model3.cnn") != messy
    await opened(client, "dense sigmod\n", uri="file:///work/bad.cnn")
    assert await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier("file:///work/bad.cnn"), types.FormattingOptions(4, True))) is None


@pytest.mark.asyncio
async def test_document_symbols_one_per_layer(client: LanguageClient):
    await opened(client, MODEL3)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(types.TextDocumentIdentifier(URI)))
    assert [s.name for s in symbols] == ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten",
                                         "dense", "dense_1", "dense_2"]
    assert symbols[2].selection_range.start == position(6, 1)


@pytest.mark.asyncio
async def test_definition_is_none_where_a_chain_names_nothing(client: LanguageClient):
    # Chains name no tensors or blocks; named ones arrive with graphs (rows carrying `inputs`),
    # which `definitions` already maps to their lines.
    await opened(client, MODEL3)
    found = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(URI), position(5, 2)))
    assert found is None


@pytest.mark.asyncio
async def test_incremental_changes_as_editors_send_them(client: LanguageClient):
    await opened(client, MODEL3)
    # "dense 256 sigmoid" on line 7: delete the second "i" of "sigmoid" (column 16), one keystroke
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        [types.TextDocumentContentChangePartial(range=types.Range(position(7, 16), position(7, 17)), text="")]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [error] = client.diagnostics[URI]
    assert error.message.startswith("unknown activation 'sigmod'") and error.range.start == position(7, 11)


RESIDUAL_URI = "file:///work/residual.cnn"
RESIDUAL = """input 28x28x1
conv 3x3x8 -> a
block res f
  conv 3x3x$f -> b | conv 3x3x$f linear
  add @in | multiply @b | relu
end
conv 3x3x8 linear
add @a | relu
res 8
gap
dense 10
"""


async def definition_at(client: LanguageClient, line: int, column: int):
    return await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(RESIDUAL_URI), position(line, column)))


@pytest.mark.asyncio
async def test_definition_of_named_tensors_and_block_calls(client: LanguageClient):
    assert list(await opened(client, RESIDUAL, RESIDUAL_URI)) == []
    tensor = await definition_at(client, 8, 6)  # the `a` of `add @a`
    assert tensor.range.start == position(2, 15)  # the `a` of `-> a`
    call = await definition_at(client, 9, 2)  # `res 8`
    assert call.range.start == position(3, 7)  # the `res` of `block res f`
    own = await definition_at(client, 5, 23)  # `@b` inside the body: the body's own `-> b`
    assert own.range.start == position(4, 18)
    block_input = await definition_at(client, 5, 8)  # `@in`: the block's header
    assert block_input.range.start == position(3, 7)
    assert await definition_at(client, 10, 2) is None  # `gap` defines nothing


@pytest.mark.asyncio
async def test_document_symbols_hold_blocks_with_their_layers(client: LanguageClient):
    await opened(client, RESIDUAL, RESIDUAL_URI)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(RESIDUAL_URI)))
    assert [s.name for s in symbols] == ["conv2d", "res", "conv2d_1", "add", "re_lu",
                                         "global_average_pooling2d", "dense"]
    [block] = [s for s in symbols if s.name == "res"]
    assert block.kind == types.SymbolKind.Class
    assert (block.range.start.line, block.range.end.line) == (2, 5)
    assert [c.name for c in block.children] == ["conv2d_2", "conv2d_3", "add_1", "multiply", "re_lu_1"]


@pytest.mark.asyncio
async def test_hover_and_inlay_hints_on_a_graph_show_the_rows_shapes(client: LanguageClient):
    await opened(client, RESIDUAL.replace("gap", "conv 3x3x4 s2\ngap"), RESIDUAL_URI)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(RESIDUAL_URI), position(8, 2)))
    assert "**add** (Add): 28x28x8 → **28x28x8**" in hover.contents.value
    assert "inputs: conv2d, conv2d_1" in hover.contents.value
    strided = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(RESIDUAL_URI), position(10, 2)))
    assert "28x28x8 → **14x14x4**" in strided.contents.value
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        types.TextDocumentIdentifier(RESIDUAL_URI), types.Range(position(1, 1), position(12, 1))))
    by_line = {h.position.line + 1: h.label for h in hints}
    assert by_line[8] == "  → 28x28x8 → 28x28x8"
    assert by_line[10] == "  → 14x14x4"
    assert by_line[11] == "  → 4"


@pytest.mark.asyncio
async def test_hover_on_a_block_call_line_sums_each_copy_and_points_at_the_block(client: LanguageClient):
    uri = "file:///work/residual.cnn"
    await opened(client, (SPECS / "residual.cnn").read_text(), uri)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), position(12, 2)))
    text = hover.contents.value  # line 12: `res 16 x2`
    assert text.startswith("**res 16 x2**: 2 calls of block `res`, defined on line 7: `block res f`")
    assert "- res f=16 (#1, line 12): 14x14x16 → **14x14x16**, 4,640 params" in text
    assert "- res f=16 (#2, line 12): 14x14x16 → **14x14x16**, 4,640 params" in text
    single = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), position(14, 5)))
    assert "1 call of block `res`" in single.contents.value  # `res 32`
    assert "- res f=32 (#3, line 14): 7x7x32 → **7x7x32**, 18,496 params" in single.contents.value


def test_hovering_a_call_repeated_a_thousand_times_lists_a_few_copies_and_sums_the_rest():
    from cnnspec.servers import document
    from cnnspec.servers.language_server import HOVER_COPIES, call_hover_text

    text = "block res f\n  conv 3x3x$f\n  add @in\nend\nconv 3x3x4\nres 4 x1000\ngap | dense 10"
    view = document.inspect(text)
    summaries = document.calls_at(view.analysis, 6)
    assert len(summaries) == 1000
    hover = call_hover_text(view, text.split("\n"), summaries)
    assert hover.startswith("**res 4 x1000**: 1000 calls of block `res`")
    assert hover.count("\n- res f=4 (#") == HOVER_COPIES
    assert hover.endswith(f"- and {1000 - HOVER_COPIES:,} more copies → **28x28x4**, {(1000 - HOVER_COPIES) * 148:,} params")
