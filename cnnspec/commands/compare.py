from __future__ import annotations

import sys

from cnnspec.errors import UsageError

HELP = ("Train several specs with one recipe (or reuse finished runs) and compare them as the "
        "report's Table 2 and Figure 5: table.md, table.csv and loss.png in --out DIR.")


def add_arguments(parser):
    from cnnspec.commands.train import add_training_arguments

    parser.add_argument("files", nargs="*", metavar="SPEC",
                        help=".cnn files to train (a folder means its *.cnn)")
    add_training_arguments(parser)
    parser.add_argument("--runs", nargs="+", default=[], metavar="RUN_DIR",
                        help="finished run directories to compare as they are")
    from cnnspec.training.compare import COMPARE_FORMATS

    parser.add_argument("--format", "-f", choices=COMPARE_FORMATS, default="markdown",
                        help="how to print the table (the files are always table.md and table.csv)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="where the runs, table.md, table.csv and loss.png go; running "
                             "the same command again resumes or reuses the runs in it")


def run(args) -> int:
    from cnnspec.training.compare import compare, render
    from cnnspec.commands import read_spec, spec_paths, write_stdout
    from cnnspec.commands.train import config_from_args

    specs = [read_spec(path) for path in spec_paths(args.files)]
    if not specs and not args.runs:
        raise UsageError("give at least one SPEC or --runs RUN_DIR")
    config = config_from_args(args, out=None, resume=False)
    rows = compare(specs, config, args.out, args.runs, log=_print,
                   note=lambda line: print(line, file=sys.stderr),  # stdout: the table alone
                   progress_bar=sys.stdout.isatty())
    write_stdout(render(rows, args.format))
    print(f"written: {args.out}/table.md, table.csv, loss.png", file=sys.stderr)
    return 0


def _print(message: str) -> None:
    print(message, flush=True)
