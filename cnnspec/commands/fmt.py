from __future__ import annotations

import sys

HELP = (
    "Rewrite .cnn files in one canonical layout, comments kept (--explicit writes every default; "
    "--check only reports files that would change, exit 1)."
)


def add_arguments(parser):
    parser.add_argument("files", nargs="+", metavar="FILE", help=".cnn files (a folder means its *.cnn)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    parser.add_argument("--explicit", action="store_true",
                        help="write every default: strides, paddings, activations, name, input, flatten")


def run(args) -> int:
    from pathlib import Path

    from cnnspec.atomic import write_text_atomic
    from cnnspec.errors import CnnspecError, cannot_write
    from cnnspec.language.formatter import format_text, line_ending
    from cnnspec.language.source import read_source, source_name
    from cnnspec.commands import spec_paths

    status = 0
    for path in spec_paths(args.files):
        try:
            text = read_source(path)
            formatted = format_text(text, source_name(path), explicit=args.explicit,
                                    default_name=None if path == "-" else Path(path).stem)
            formatted = formatted.replace("\n", line_ending(text))
            if path == "-" and not args.check:  # a filter: standard input, formatted, to standard output
                sys.stdout.write(formatted)
                continue
            if formatted == text:
                continue
            if args.check:
                print(f"{source_name(path)}: would reformat", file=sys.stderr)
                status = 1
                continue
            try:
                write_text_atomic(path, formatted)
            except OSError as error:
                raise cannot_write("the file", path, error) from None
            print(f"{path}: reformatted")
        except CnnspecError as error:  # this file cannot be formatted; the next may be
            print(error, file=sys.stderr)
            status = 1
    return status
