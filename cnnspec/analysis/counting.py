"""Pixel coordinates as the report writes them: counted from 1, long lists shortened."""

from __future__ import annotations


def counted(value: float) -> str:
    """A 0-indexed coordinate counted from 1; a half-integer (an even window's centre) stays one.

    >>> counted(2.0), counted(0.5)
    ('3', '1.5')
    """
    value = value + 1
    return str(int(value)) if float(value).is_integer() else str(value)


def counted_list(pixels, runs: bool = True) -> str:
    """0-indexed coordinates counted from 1: every one when few, else a run (when `runs`),
    a progression, or the first five and how many.

    >>> counted_list([6]), counted_list(range(24, 28)), counted_list([2.0, 4.0, 6.0, 8.0, 10.0])
    ('7', '25-28', '3, 5, ..., 11')
    >>> counted_list(range(2, 26), runs=False)
    '3, 4, ..., 26'
    >>> counted_list([2, 3, 4, 7, 8, 9, 12, 13])
    '3, 4, 5, 8, 9, ... (8 in all)'
    """
    if isinstance(pixels, range) or hasattr(pixels, "step"):
        return _progression(pixels, runs)
    pixels = list(pixels)
    steps = {b - a for a, b in zip(pixels, pixels[1:])}
    shown = [counted(p) for p in pixels]
    if len(pixels) <= 3:
        return ", ".join(shown)
    if runs and steps == {1} and all(float(p).is_integer() for p in pixels):
        return f"{shown[0]}-{shown[-1]}"
    if len(steps) == 1:
        return f"{shown[0]}, {shown[1]}, ..., {shown[-1]}"
    return ", ".join(shown[:5]) + f", ... ({len(pixels)} in all)"


def _progression(pixels, runs: bool) -> str:
    """`counted_list` of a range or a progression, from its ends alone (it may be huge).

    >>> _progression(range(24, 28), True), _progression(range(2, 10**30, 2), True)
    ('25-28', '3, 5, ..., 999999999999999999999999999999')
    """
    if isinstance(pixels, range):
        first, count = pixels.start, max(0, (pixels.stop - pixels.start + pixels.step - 1) // pixels.step)
    else:
        first, count = pixels.first, pixels.count
    if count <= 3:
        return ", ".join(counted(p) for p in pixels)
    last = first + (count - 1) * pixels.step
    if runs and pixels.step == 1 and float(first).is_integer():
        return f"{counted(first)}-{counted(last)}"
    return f"{counted(first)}, {counted(first + pixels.step)}, ..., {counted(last)}"


def counted_sample(pixels, count: int) -> str:
    """`count` pixels of which `pixels` yields the first ones: all when few, else five and how many.

    >>> counted_sample(iter([2, 3, 6, 7, 10, 11, 14]), 7)
    '3, 4, 7, 8, 11, ... (7 in all)'
    """
    import itertools

    first = list(itertools.islice(pixels, 6))
    if count <= 6:
        return counted_list(first)
    return ", ".join(counted(p) for p in first[:5]) + f", ... ({count} in all)"
