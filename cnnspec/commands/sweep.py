from __future__ import annotations

import sys

from cnnspec.errors import UsageError

HELP = ("Expand a grid spec ({a,b} choices, [layer]? optional layers), analyse every variant "
        "statically, drop those over --max-params/--max-macs, rank the survivors by cost with "
        "the Pareto frontier marked, and optionally train them (in process or on Ray) and "
        "compare them as `compare` does.")

FORMATS = ("text", "csv", "json", "markdown")


def add_arguments(parser):
    from cnnspec.commands.train import add_training_arguments
    from cnnspec.commands.types import non_negative_float, positive_float, positive_int

    parser.add_argument("file", metavar="FILE", help="a .cnn file, with or without grid syntax")
    # --max-params comes with the training options below (the trainer refuses such models
    # too); here it drops the variants over it before anything is trained.
    parser.add_argument("--max-macs", type=positive_int, metavar="N", help="drop variants with more multiply-accumulates per sample")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text", help="the static report's format (default: text)")
    group = parser.add_argument_group("training the survivors")
    group.add_argument("--train", action="store_true",
                       help="train the survivors with one recipe; write table.md, table.csv and loss.png in --out")
    group.add_argument("--top", type=positive_int, metavar="K", help="train only the K cheapest variants on the Pareto frontier")
    group.add_argument("--out", metavar="DIR",
                       help="where each variant's run (DIR/<id>) and the comparison go; the same command again resumes them")
    group.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                       help="one Ray Tune trial per variant, on the cluster at ADDRESS or on a local Ray "
                            "when none is given (needs cnnspec[ray]); default: one after another in this process")
    group.add_argument("--ray-cpus", type=positive_int, metavar="N", help="CPUs of the local Ray instance (default: all)")
    group.add_argument("--trial-cpus", type=positive_float, default=1, metavar="N", help="CPUs Ray reserves per trial (default 1)")
    group.add_argument("--trial-gpus", type=non_negative_float, default=0, metavar="N", help="GPUs Ray reserves per trial (default 0)")
    add_training_arguments(parser)


def run(args) -> int:
    from cnnspec.language.grid import load_grid
    from cnnspec.render.sweep_report import SWEEP_FORMATS
    from cnnspec.analysis.sweep import Budget, sweep
    from cnnspec.commands import write_stdout

    training_options = args.top is not None or args.out is not None or args.ray is not None
    if training_options and not args.train:
        raise UsageError("--top, --out and --ray go with --train")
    if args.train and not args.out:
        raise UsageError("--train needs --out DIR for the runs and the comparison")
    grid, budget = load_grid(args.file), Budget(args.max_params, args.max_macs)
    if not args.train:
        return _stream(grid, budget, args.format)
    result = sweep(grid, budget)
    write_stdout(SWEEP_FORMATS[args.format](result))
    if not result.survivors:
        return 1
    return _train(result, args)


def _stream(grid, budget, format_: str) -> int:
    """The static report only: two streaming passes, a few numbers per variant in memory."""
    from cnnspec.render.sweep_stream import STREAM_FORMATS
    from cnnspec.analysis.sweep_stream import StreamedSweep, progress_reporter

    progress = progress_reporter(grid.size)
    result = StreamedSweep(grid, budget, progress)
    if progress is not None:
        print(f"sweep: {grid.size:,} variants analysed; writing the report", file=sys.stderr, flush=True)
    STREAM_FORMATS[format_](result, sys.stdout.write)
    sys.stdout.flush()
    return 0 if result.surviving else 1


def _train(result, args) -> int:
    from cnnspec.training.compare import render_markdown
    from cnnspec.training.sweeps import train_sweep
    from cnnspec.commands import write_stdout
    from cnnspec.commands.train import config_from_args

    config = config_from_args(args, None, False)
    ray_options = {"num_cpus": args.ray_cpus, "trial_cpus": args.trial_cpus, "trial_gpus": args.trial_gpus} if args.ray is not None else {}
    rows = train_sweep(result, config, args.out, top=args.top, use_ray=args.ray is not None,
                       ray_address=args.ray or None, log=_log, progress_bar=sys.stdout.isatty() and args.ray is None,
                       **ray_options)
    if args.format in ("text", "markdown"):
        # JSON and CSV keep stdout one document for tools; the table is in --out either way.
        write_stdout("\n" + render_markdown(rows))
    print(f"written: {args.out}/table.md, table.csv, loss.png", file=sys.stderr)
    return 0


def _log(message: str) -> None:
    # Training progress goes to stderr: stdout holds the static report and the comparison.
    print(message, file=sys.stderr, flush=True)
