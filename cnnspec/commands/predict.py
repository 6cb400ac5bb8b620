from __future__ import annotations

HELP = ("Classify PNG or JPEG files of any size with a finished run's model, each prepared as "
        "the run's data were (greyscale or colour, size, scaling; MNIST: inverted and centred "
        "like its digits): the top classes with their probabilities.")

FORMATS = ("text", "json")


def add_arguments(parser):
    from cnnspec.commands.types import positive_int

    parser.add_argument("run_dir", metavar="RUN", help="a finished run directory")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG or JPEG files")
    parser.add_argument("--top", "-k", type=positive_int, default=3, metavar="K",
                        help="how many classes to list per image (default 3)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")


def run(args) -> int:
    import json

    from cnnspec.training.evaluation import predict_files
    from cnnspec.commands import write_stdout

    predictions = predict_files(args.run_dir, args.images, top=args.top)
    if args.format == "json":
        write_stdout(json.dumps([p.to_json() for p in predictions], indent=2) + "\n")
        return 0
    for prediction in predictions:
        ranked = ", ".join(f"{name} {p:.1%}" for name, p in prediction.top)
        write_stdout(f"{prediction.path}: {prediction.top[0][0]} ({ranked})\n")
    return 0
