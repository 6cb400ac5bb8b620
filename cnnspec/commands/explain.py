from __future__ import annotations

from cnnspec.errors import UsageError

HELP = (
    "Explain each layer's padding, window centres, dropped rows/columns and receptive field "
    "in plain sentences (rows and columns counted from 1) or JSON (0-indexed)."
)


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--layer", metavar="N",
                        help="only layer N (counting from 1, as summary lists them) or the layer named N")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")


def _layer_number(choice: str, rows) -> int | None:
    if choice.isdecimal() and choice.isascii() and 1 <= int(choice) <= len(rows):
        return int(choice)
    return next((i for i, row in enumerate(rows, 1) if row.name == choice), None)


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.analysis.receptive_field import explain
    from cnnspec.render.explain import EXPLAIN_FORMATS
    from cnnspec.commands import read_spec, write_stdout

    analysis = analyze(read_spec(args.file))
    fields = explain(analysis)
    only = None
    if args.layer is not None:
        only = _layer_number(args.layer, analysis.rows)
        if only is None:
            names = ", ".join(row.name for row in analysis.rows)
            raise UsageError(f"--layer {args.layer}: {args.file} has layers 1 to {len(analysis.rows)} ({names})")
    write_stdout(EXPLAIN_FORMATS[args.format](analysis, fields, only))
    return 0
