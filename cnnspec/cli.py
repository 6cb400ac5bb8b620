"""The `cnnspec` command: parse arguments, call the public API, print, return an exit code.

Exit codes: 0 success, 1 an invalid spec or a failed run, 2 misuse of the command.
This is the one place errors become exit codes and messages: a `CnnspecError` prints
itself (`UsageError`s after the command's usage line, as argparse prints its own).
Each subcommand lives in `cnnspec.commands.<name>` with `HELP`, `add_arguments(parser)`
and `run(args) -> int`; those modules import nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from cnnspec.errors import CnnspecError, UsageError

COMMANDS = ("check", "summary", "explain", "diff", "draw", "fmt", "compile", "emit", "verify",
            "data", "train", "compare", "sweep", "evaluate", "predict", "show", "serve", "lsp")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or, given the command being run, of that one alone.

    Given a command, the others are only names (its own help and errors never show them),
    and only its module is imported: a run pays for no other command's arguments (some
    import what their choices come from). Without one, every command lists its help.
    """
    parser = argparse.ArgumentParser(
        prog="cnnspec",
        description="A compact language for convolutional networks: check, summarise, compile and train .cnn specs.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        if command not in (None, name):
            commands.add_parser(name, formatter_class=_Formatter)
            continue
        module = importlib.import_module(f"cnnspec.commands.{name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP, formatter_class=_Formatter)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run, command_parser=sub)
    return parser


class _Formatter(argparse.HelpFormatter):
    """argparse's own help, told the terminal's width: argparse would import `shutil` to ask
    (with zlib, bz2 and lzma, 2-3 ms of every start) each time it checks an argument."""

    def __init__(self, prog: str):
        super().__init__(prog, width=_terminal_columns() - 2)  # argparse's own margin


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _command(argv: list[str]) -> str | None:
    """The command `argv` runs (its first word, when no option comes before it), if any."""
    return argv[0] if argv and argv[0] in COMMANDS else None


class _Version(argparse.Action):
    """`--version`: the installed version, looked up only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help="show the version and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cnnspec")
    except PackageNotFoundError:
        return "unknown"


def _usage_error(parser: argparse.ArgumentParser, message: str) -> int:
    """Misuse found by a command itself, said as argparse says its own: the command's usage,
    then `cnnspec COMMAND: error: message`; exit 2."""
    try:
        parser.error(message)
    except SystemExit as exit_:
        return int(exit_.code)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command(argv))
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # told by the command's own parser, so that its usage is the one shown
            args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.run(args)
    except UsageError as error:
        return _usage_error(args.command_parser, str(error))
    except CnnspecError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("cnnspec: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as error:
        # The base install is the static tool; Keras, NumPy and matplotlib come with the extra.
        print(f"cnnspec {args.command}: error: this needs the '{error.name}' package: "
              "pip install 'cnnspec[keras]'", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `cnnspec summary ... | head`); nothing left to say.
        # Caught before OSError, its base class, which would report it as an error.
        sys.stderr.close()
        return 1
    except OSError as error:
        # A path the command cannot use (a file where a folder should be, a full disk, ...).
        print(f"cnnspec {args.command}: error: {error.strerror or error}"
              + (f": {error.filename}" if error.filename else ""), file=sys.stderr)
        return 1
