from __future__ import annotations

from cnnspec.errors import UsageError
from cnnspec.commands.train import add_max_params_argument

HELP = "Draw a spec as feature-map blocks with their shapes and the layers between them (.svg or .png)."

SUFFIXES = (".svg", ".png")


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="the image to write; its suffix picks the format (.svg or .png; a PNG "
                             "is refused past 40,000,000 pixels: write .svg then); '-': SVG on stdout")
    parser.add_argument("--blocks", choices=("collapsed", "expanded"), default="collapsed",
                        help="a block call as one box with its shapes and parameters (collapsed, the "
                             "default), or as its layers, bracketed under the call (expanded); a spec "
                             "without blocks draws the same either way")
    add_max_params_argument(parser)


def run(args) -> int:
    from pathlib import Path

    from cnnspec.analysis.analyzer import analyze
    from cnnspec.analysis.budget import require_fits
    from cnnspec.atomic import write_atomic
    from cnnspec.render.diagram import layout
    from cnnspec.errors import RunError, cannot_write
    from cnnspec.training.outputs import STDOUT, check_file
    from cnnspec.commands import read_spec, write_stdout

    output = Path(args.output)
    to_stdout = args.output == STDOUT
    if not to_stdout and output.suffix.lower() not in SUFFIXES:
        raise UsageError(f"-o {args.output}: the name must end in .svg or .png")
    analysis = analyze(read_spec(args.file))
    require_fits(analysis, batch=1, training=False, max_params=args.max_params)
    if to_stdout:
        from cnnspec.render.svg import render

        write_stdout(render(layout(analysis, args.blocks)))
        return 0
    check_file(output, "the image")  # before the (for a deep network, long) layout and drawing
    diagram = layout(analysis, args.blocks)
    if output.suffix.lower() == ".svg":
        from cnnspec.render.svg import render

        text = render(diagram)
        write = lambda file: file.write(text.encode("utf-8"))  # noqa: E731
        size = lambda: (diagram.width, diagram.height)  # noqa: E731
    else:
        from cnnspec.render.png import MAX_PIXELS, MIN_SCALE, pixel_scale, png_size
        from cnnspec.render.png import write as write_png

        scale = pixel_scale(diagram)
        if scale is None:
            least = diagram.width * diagram.height * MIN_SCALE**2
            raise RunError(f"this diagram is {diagram.width}x{diagram.height} units; as "
                           f"PNG it needs {least:,} pixels or more, over the limit of "
                           f"{MAX_PIXELS:,} pixels: write it as .svg instead", str(output))
        write = lambda file: write_png(diagram, file, scale)  # noqa: E731
        size = lambda: png_size(output)  # noqa: E731  the pixels as written, not as planned
    try:
        write_atomic(output, write)
    except OSError as error:
        raise cannot_write("the image", output, error) from None
    width, height = size()
    print(f"{args.output}: {width}x{height} diagram of {args.file}")
    return 0
