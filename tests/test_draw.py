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
    assert main(["draw", str(path), "-o", str(out), "--blocks", "expanded"]) == 0
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
    diagram = layout(analyze(load(path)))  # collapsed: the default
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


# --- blocks drawn collapsed or expanded (issue 11) -----------------------------------------

ZOO = SPECS / "zoo"


def boxes(diagram):
    from cnnspec.render.diagram import BOX_FILL, Polygon

    return [shape for shape in diagram.shapes if isinstance(shape, Polygon) and shape.fill == BOX_FILL]


def kinds(diagram, kind):
    return [shape for shape in diagram.shapes if isinstance(shape, kind)]


def test_collapsed_resnet50_is_sixteen_boxes_labelled_by_their_calls():
    from cnnspec.render.diagram import Link

    analysis = analyze(load(ZOO / "resnet50.cnn"))
    diagram = layout(analysis, blocks="collapsed")
    assert len(boxes(diagram)) == 16  # 1+2, 1+3, 1+5, 1+2 bottlenecks
    labels = diagram.labels
    assert labels.count("projection f=64 out=256 s=1 (#1, line 19)") == 1
    assert "identity f=256 out=1024 (#9, line 24)" in labels  # the 5th of `x5`, the 9th identity call
    assert labels.count("56x56x64 -> 56x56x256") == 1 and "56x56x256 -> 56x56x256" in labels
    # each box's parameters are its rows' sum: with the stem's and head's, the network's total
    boxed = sum(int(label.split()[0].replace(",", "")) for label in labels if label.endswith(" params"))
    outside = sum(row.params for row, calls in zip(analysis.rows, analysis.spec.calls) if not calls)
    assert boxed + outside == analysis.total_params == 25_636_712
    assert kinds(diagram, Link) == []  # every shortcut lies inside its call
    assert "add" not in labels and not any("@" in label for label in labels)
    for x, y in (point for shape in diagram.shapes for point in getattr(shape, "points", ())):
        assert 0 <= x <= diagram.width and 0 <= y <= diagram.height


def test_expanded_resnet50_draws_every_layer_bracketed_by_its_call():
    from cnnspec.render.diagram import Arrow, Bracket, Link

    analysis = analyze(load(ZOO / "resnet50.cnn"))
    diagram = layout(analysis, blocks="expanded")
    assert len(kinds(diagram, Arrow)) == len(analysis.rows) and boxes(diagram) == []
    assert len(kinds(diagram, Link)) == 16 + 4  # each add's shortcut; each projection's conv reads @in
    calls = [label for label in diagram.labels if "(#" in label or "(line" in label]
    assert len(set(calls)) == 16 and calls[0] == "projection f=64 out=256 s=1 (#1, line 19)"
    assert len(kinds(diagram, Bracket)) >= 16  # one per call and row it spans
    assert "add @shortcut (projection #1, line 19)" in diagram.labels  # the name as written, never shortcut__1


def test_a_name_read_across_calls_is_still_a_link_when_collapsed():
    from cnnspec import parse
    from cnnspec.render.diagram import Link

    text = ("input 32x32x3\nblock down f\n  conv 3x3x$f -> skip\n  pool 2\nend\nblock up f\n"
            "  upsample 2 | conv 3x3x$f\nend\ndown 8\ndown 16\nconv 3x3x32\nup 16\nconcat @skip__2\nup 8\n"
            "concat @skip__1\ngap | dense 10")
    collapsed = layout(analyze(parse(text)))
    assert len(boxes(collapsed)) == 4 and len(kinds(collapsed, Link)) == 2  # the U's two skips, from their calls
    assert "concat @skip (down #2, line 10)" in collapsed.labels
    expanded = layout(analyze(parse(text)), blocks="expanded")
    assert len(kinds(expanded, Link)) == 2 and boxes(expanded) == []


def test_a_spec_without_blocks_draws_the_same_either_way():
    analysis = analyze(load(SPECS / "model3.cnn"))
    assert layout(analysis, blocks="collapsed") == layout(analysis, blocks="expanded")


@pytest.mark.parametrize("blocks", ["collapsed", "expanded"])
def test_draw_blocks_option_writes_svg_and_png(blocks, tmp_path, capsys):
    for name in ("res.svg", "res.png"):
        out = tmp_path / name
        assert main(["draw", str(SPECS / "residual.cnn"), "-o", str(out), "--blocks", blocks]) == 0
        assert out.stat().st_size > 1000
    svg = (tmp_path / "res.svg").read_text()
    assert ("res f=16 (#1, line 12)" in svg) and (("<polygon" in svg and "#eef3fa" in svg) == (blocks == "collapsed"))
    assert main(["draw", str(SPECS / "residual.cnn"), "-o", "-"]) == 0  # collapsed unless told
    assert 'fill="#eef3fa"' in capsys.readouterr().out


def test_an_unknown_blocks_choice_is_misuse(tmp_path, capsys):
    assert main(["draw", str(SPECS / "residual.cnn"), "-o", str(tmp_path / "a.svg"), "--blocks", "folded"]) == 2
    assert "invalid choice: 'folded'" in capsys.readouterr().err and not (tmp_path / "a.svg").exists()


def test_a_calls_name_stays_on_the_canvas_when_wider_than_its_layers():
    from cnnspec import parse
    from cnnspec.render.diagram import Label, text_width

    text = ("input 8\nblock a_block_with_a_long_name first second=2 third=3\n  dense 2\nend\n"
            "a_block_with_a_long_name 1\ndense 10\na_block_with_a_long_name 1")  # the last: at the right edge
    diagram = layout(analyze(parse(text)), blocks="expanded")
    for label in (shape for shape in diagram.shapes if isinstance(shape, Label) and shape.anchor == "middle"):
        half = text_width(label.text, label.size) / 2
        assert 0 <= label.x - half and label.x + half <= diagram.width, label.text
