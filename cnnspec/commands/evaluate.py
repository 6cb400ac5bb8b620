from __future__ import annotations

HELP = ("Evaluate a finished run on its test images (or --data/--dataset): loss, accuracy, "
        "per-class precision, recall and F1, a confusion matrix (PNG, CSV) and the most "
        "confidently misclassified images (PNG).")

FORMATS = ("text", "json")


def add_arguments(parser):
    from cnnspec.commands.train import add_data_arguments
    from cnnspec.commands.types import count

    parser.add_argument("run_dir", metavar="RUN", help="a finished run directory")
    add_data_arguments(parser)
    parser.add_argument("--out", metavar="DIR", help="where the files go (default: RUN/evaluation)")
    parser.add_argument("--mistakes", type=count, default=16, metavar="N",
                        help="misclassified images to show (default 16)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text",
                        help="text (default) or the JSON of evaluation.json")


def run(args) -> int:
    import json
    import sys
    from pathlib import Path

    from cnnspec.training.evaluation import evaluate_run
    from cnnspec.training.inspection import to_text, write_evaluation
    from cnnspec.commands import write_stdout

    evaluation = evaluate_run(args.run_dir, args.data, args.dataset,
                              log=lambda line: print(line, file=sys.stderr))
    out = Path(args.out) if args.out else Path(args.run_dir) / "evaluation"
    written = write_evaluation(evaluation, out, args.mistakes)
    if args.format == "json":
        write_stdout(json.dumps(evaluation.to_json(args.mistakes), indent=2) + "\n")
    else:
        write_stdout(to_text(evaluation))
    print(f"written: {', '.join(str(path) for path in written)}", file=sys.stderr)
    return 0
