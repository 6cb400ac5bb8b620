"""draw: every report spec as a valid SVG and PNG of sensible size, written atomically."""

import struct
import xml.etree.ElementTree as ElementTree

import pytest

from cnnspec import analyze, load
from cnnspec.cli import main
from cnnspec.render.diagram import layout
from conftest import SPECS

REPORT_SPECS = sorted(SPECS.glob("*.cnn"))
SVG = "{http://www.w3.org/2000/svg}"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_svg_is_valid_xml_of_sensible_size_with_every_shape(path, tmp_path):
    out = tmp_path / "arch.svg"
    assert main(["draw", str(path), "-o", str(out)]) == 0
    root = ElementTree.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert 400 <= width <= 4000 and 200 <= height <= 1000
    texts = [t.text for t in root.iter(f"{SVG}text")]
    analysis = analyze(load(path))
    for row in analysis.rows:
        assert "x".join(map(str, row.output_shape)) in texts
        assert row.name in texts
    assert len(list(root.iter(f"{SVG}line"))) == len(analysis.rows)  # one arrow per layer


@pytest.mark.parametrize("path", REPORT_SPECS, ids=lambda p: p.stem)
def test_png_has_the_diagram_size_at_twice_the_resolution(path, tmp_path):
    out = tmp_path / "arch.png"
    assert main(["draw", str(path), "-o", str(out)]) == 0
    diagram = layout(analyze(load(path)))
    width, height = png_size(out.read_bytes())
    assert abs(width - 2 * diagram.width) <= 2 and abs(height - 2 * diagram.height) <= 2


def test_shapes_stay_inside_the_canvas():
    for path in REPORT_SPECS:
        diagram = layout(analyze(load(path)))
        for shape in diagram.shapes:
            for x, y in getattr(shape, "points", ()):
                assert 0 <= x <= diagram.width and 0 <= y <= diagram.height


def test_the_readme_diagram_is_current():
    from cnnspec.render.svg import render

    assert (SPECS / "model3.svg").read_text("utf-8") == render(layout(analyze(load(SPECS / "model3.cnn"))))


def test_an_unknown_image_type_is_misuse_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "arch.pdf"
    assert main(["draw", str(SPECS / "model3.cnn"), "-o", str(out)]) == 2
    assert "must end in .svg or .png" in capsys.readouterr().err
    assert not out.exists()


def test_a_failed_write_leaves_the_old_image_whole(tmp_path, monkeypatch, capsys):
    out = tmp_path / "arch.svg"
    out.write_text("old")
    import os

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    assert main(["draw", str(SPECS / "model3.cnn"), "-o", str(out)]) == 1
    assert "cannot write the image: Permission denied" in capsys.readouterr().err
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["arch.svg"]


# --- deep networks (issue 12) -------------------------------------------------------------


def deep_spec(tmp_path, layers: int):
    path = tmp_path / f"deep{layers}.cnn"
    path.write_text("input 28x28x1\n" + "conv 3x3x4\n" * (layers - 1) + "dense 10\n")
    return path


def test_draw_reports_the_size_of_the_file_it_wrote(tmp_path, capsys):
    for name in ("arch.png", "arch.svg"):
        out = tmp_path / name
        assert main(["draw", str(SPECS / "model3.cnn"), "-o", str(out)]) == 0
        width, height = (png_size(out.read_bytes()) if name.endswith(".png") else
                         (int(ElementTree.parse(out).getroot().get(side)) for side in ("width", "height")))
        assert capsys.readouterr().out.startswith(f"{out}: {width}x{height} ")


def test_a_deep_network_wraps_into_rows_no_wider_than_the_limit(tmp_path):
    from cnnspec.render.diagram import Arrow, MAX_WIDTH

    analysis = analyze(load(deep_spec(tmp_path, 1000)))
    diagram = layout(analysis)
    assert diagram.width <= MAX_WIDTH
    arrows = [shape for shape in diagram.shapes if isinstance(shape, Arrow)]
    assert len(arrows) == len(analysis.rows)  # every layer still has its arrow
    assert all(arrow.start[0] < arrow.end[0] for arrow in arrows)  # left to right, row by row
    rows = sorted({arrow.start[1] for arrow in arrows})
    assert len(rows) > 10
    for shape in diagram.shapes:
        for x, y in getattr(shape, "points", ()):
            assert 0 <= x <= diagram.width and 0 <= y <= diagram.height
    labels = diagram.labels
    assert labels.index("conv2d_500") < labels.index("conv2d_501")  # read in order


def test_a_png_over_the_pixel_limit_is_refused_before_drawing(tmp_path, capsys):
    from cnnspec.render.png import MAX_PIXELS

    out = tmp_path / "deep.png"
    assert main(["draw", str(deep_spec(tmp_path, 1000)), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"over the limit of {MAX_PIXELS:,} pixels" in err and ".svg" in err
    assert not out.exists()
    # A network deep enough to need more rows still gets its PNG, at most that large.
    assert main(["draw", str(deep_spec(tmp_path, 120)), "-o", str(out)]) == 0
    width, height = png_size(out.read_bytes())
    assert width * height <= MAX_PIXELS
