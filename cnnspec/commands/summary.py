from __future__ import annotations

from cnnspec.commands.types import positive_int

HELP = (
    "Print a spec's layers, output shapes and parameters as Keras's model.summary() would "
    "(--format keras), or with MACs, FLOPs and memory in a report format."
)


def add_arguments(parser):
    from cnnspec.analysis.costs import OPTIMIZER_STATE_COPIES, REPORT_BATCH
    from cnnspec.render import SUMMARY_FORMATS

    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--format", "-f", choices=list(SUMMARY_FORMATS), default="keras")
    parser.add_argument("--batch", type=positive_int, default=REPORT_BATCH, metavar="N",
                        help=f"batch size for the training-memory estimate (default: {REPORT_BATCH}, the report's)")
    parser.add_argument("--optimizer", choices=list(OPTIMIZER_STATE_COPIES), default="sgd",
                        help="optimizer whose state the training-memory estimate counts (default: sgd, the report's)")


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.render import render_summary
    from cnnspec.commands import read_spec, write_stdout

    analysis = analyze(read_spec(args.file))
    write_stdout(render_summary(analysis, args.format, batch=args.batch, optimizer=args.optimizer))
    return 0
