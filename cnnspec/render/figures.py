"""What every matplotlib figure cnnspec draws shares (matplotlib is imported only when drawn)."""

from __future__ import annotations


def literal_text(figure) -> None:
    """Show every text as written: a spec named "a $x$" must not be read as a formula (and
    one with a lone '$' must not fail to render after 50 epochs of training)."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_parse_math(False)
