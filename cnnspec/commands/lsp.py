from __future__ import annotations

import sys

HELP = ("The language server, over standard input and output: diagnostics, hover, inlay shapes, "
        "completion, formatting, symbols (needs cnnspec[lsp]).")


def add_arguments(parser):
    parser.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")


def run(args) -> int:
    try:
        from cnnspec.servers.language_server import server
    except ModuleNotFoundError as error:
        print(f"cnnspec lsp: error: this needs the '{error.name}' package: pip install 'cnnspec[lsp]'",
              file=sys.stderr)
        return 1
    server().start_io()
    return 0
