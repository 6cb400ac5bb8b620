from __future__ import annotations

HELP = ("Expand a grid spec ({a,b} choices, [layer]? optional layers), analyse every variant "
        "statically, and rank the survivors by cost with the Pareto frontier marked.")

FORMATS = ("text", "csv", "json", "markdown")


def _count(text: str) -> int:
    import argparse

    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="a .cnn file, with or without grid syntax")
    parser.add_argument("--max-params", type=_count, metavar="N", help="drop variants with more parameters")
    parser.add_argument("--max-macs", type=_count, metavar="N", help="drop variants with more multiply-accumulates per sample")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")


def run(args) -> int:
    from ..grid import load_grid
    from ..render.sweep_report import SWEEP_FORMATS
    from ..sweep import Budget, sweep
    from . import write_stdout

    result = sweep(load_grid(args.file), Budget(args.max_params, args.max_macs))
    write_stdout(SWEEP_FORMATS[args.format](result))
    return 0 if result.survivors else 1
