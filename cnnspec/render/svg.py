"""A `Diagram` as SVG text, written by hand: no library and no system binary needed."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from cnnspec.render.diagram import BOX_LINE, FONT, LINK_COLOUR, Arrow, Bracket, Diagram, Label, Link, Polygon

_ANCHORS = {"start", "middle", "end"}


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render(diagram: Diagram) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{diagram.width}" height="{diagram.height}" '
        f'viewBox="0 0 {diagram.width} {diagram.height}" font-family={quoteattr(FONT)}>',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#404040"/></marker></defs>',
        f'<rect x="0" y="0" width="{diagram.width}" height="{diagram.height}" fill="white"/>',
    ]
    for shape in diagram.shapes:
        if isinstance(shape, Polygon):
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
            out.append(f'<polygon points="{points}" fill="{shape.fill}" stroke="{shape.stroke}" stroke-width="1"/>')
        elif isinstance(shape, Arrow):
            (x1, y1), (x2, y2) = shape.start, shape.end
            out.append(
                f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}" '
                'stroke="#404040" stroke-width="1.5" marker-end="url(#head)"/>'
            )
        elif isinstance(shape, Link):
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
            out.append(f'<polyline points="{points}" fill="none" stroke="{LINK_COLOUR}" stroke-width="1.5" '
                       'marker-end="url(#head)"/>')
        elif isinstance(shape, Bracket):
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
            out.append(f'<polyline points="{points}" fill="none" stroke="{BOX_LINE}" stroke-width="1.5"/>')
        elif isinstance(shape, Label):
            anchor = shape.anchor if shape.anchor in _ANCHORS else "start"
            weight = ' font-weight="bold"' if shape.bold else ""
            out.append(
                f'<text x="{_number(shape.x)}" y="{_number(shape.y)}" font-size="{_number(shape.size)}" '
                f'text-anchor="{anchor}"{weight} fill="#202020">{escape(shape.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"
