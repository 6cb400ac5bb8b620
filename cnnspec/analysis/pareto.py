"""The Pareto frontier of cost points: which ones no other point beats in every dimension."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def pareto_frontier(points: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Indices of the points that no other point dominates.

    A point dominates another when it is <= in both costs and < in at least one; equal
    points do not dominate each other, so both stay on the frontier. A point survives when
    it has the least second cost among points with its first cost, and that cost is below
    every point with a smaller first cost.

    >>> sorted(pareto_frontier([(1, 9), (2, 5), (3, 5), (4, 1), (2, 5), (5, 0), (1, 10)]))
    [0, 1, 3, 4, 5]
    """
    least: dict[int, int] = {}
    for first, second in points:
        if first not in least or second < least[first]:
            least[first] = second
    on = frontier_of_least(least)
    return frozenset(i for i, point in enumerate(points) if (point[0], point[1]) in on)


def frontier_of_least(least: Mapping[int, int]) -> set[tuple[int, int]]:
    """The frontier's cost points, from the least second cost found at each first cost.

    Going up the first cost, a point is on the frontier when its second cost is below all
    those seen before (in O(distinct first costs), so a sweep of millions of variants
    keeps one number per distinct parameter count, not every point).

    >>> sorted(frontier_of_least({1: 9, 2: 5, 3: 5, 4: 1, 5: 0}))
    [(1, 9), (2, 5), (4, 1), (5, 0)]
    """
    on, best_before = set(), None  # least second cost among smaller first costs
    for first in sorted(least):
        second = least[first]
        if best_before is None or second < best_before:
            on.add((first, second))
            best_before = second
    return on
