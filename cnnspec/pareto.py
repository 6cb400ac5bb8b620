"""The Pareto frontier of cost points: which ones no other point beats in every dimension."""

from __future__ import annotations

from collections.abc import Sequence


def pareto_frontier(points: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Indices of the points that no other point dominates.

    A point dominates another when it is <= in both costs and < in at least one; equal
    points do not dominate each other, so both stay on the frontier. O(n log n): after
    sorting by the first cost, a point survives when it has the least second cost among
    points with its first cost, and that cost is below every point with a smaller first cost.

    >>> sorted(pareto_frontier([(1, 9), (2, 5), (3, 5), (4, 1), (2, 5), (5, 0), (1, 10)]))
    [0, 1, 3, 4, 5]
    """
    order = sorted(range(len(points)), key=lambda i: points[i])
    return frozenset(order[k] for k in frontier_of_ranked([points[i] for i in order]))


def frontier_of_ranked(ranked: Sequence[tuple[int, int]]) -> list[int]:
    """Positions on the frontier of points already sorted by (first cost, second cost).

    >>> frontier_of_ranked([(1, 9), (1, 10), (2, 5), (2, 5), (3, 5), (4, 1), (5, 0)])
    [0, 2, 3, 5, 6]
    """
    frontier = []
    best_before = None  # least second cost among points with a smaller first cost
    group_start = 0
    while group_start < len(ranked):
        first = ranked[group_start][0]
        group_end = group_start
        while group_end < len(ranked) and ranked[group_end][0] == first:
            group_end += 1
        least = ranked[group_start][1]
        if best_before is None or least < best_before:
            frontier += [k for k in range(group_start, group_end) if ranked[k][1] == least]
            best_before = least
        group_start = group_end
    return frontier
