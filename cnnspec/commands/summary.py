from __future__ import annotations

HELP = "Print a spec's layers, output shapes and parameters as Keras's model.summary() would."


def add_arguments(parser):
    from ..render import SUMMARY_FORMATS

    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--format", "-f", choices=sorted(SUMMARY_FORMATS), default="keras")


def run(args) -> int:
    from ..analyzer import analyze
    from ..render import render_summary
    from . import read_spec, write_stdout

    write_stdout(render_summary(analyze(read_spec(args.file)), args.format))
    return 0
