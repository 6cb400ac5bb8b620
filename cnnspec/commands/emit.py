from __future__ import annotations

HELP = "Write a standalone plain-Keras script that builds, trains (the report's setup) and evaluates a spec on MNIST."


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("-o", "--output", metavar="OUT.py",
                        help="write the script here (default, or '-': print it on stdout)")


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.atomic import write_text_atomic
    from cnnspec.errors import cannot_write
    from cnnspec.training.emit import generate
    from cnnspec.training.outputs import STDOUT, check_file
    from cnnspec.commands import read_spec, write_stdout

    analysis = analyze(read_spec(args.file))
    to_stdout = args.output in (None, STDOUT)
    if not to_stdout:
        check_file(args.output, "the script")
    script = generate(analysis)
    if to_stdout:
        write_stdout(script)
        return 0
    try:
        write_text_atomic(args.output, script)
    except OSError as error:
        raise cannot_write("the script", args.output, error) from None
    print(f"{args.output}: {analysis.spec.name} as plain Keras; run it with: python {args.output}")
    return 0
