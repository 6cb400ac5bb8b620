"""The Pareto frontier against the definition, checked pair by pair."""

from hypothesis import given
from hypothesis import strategies as st

from cnnspec.analysis.pareto import pareto_frontier


def dominates(a, b):
    return a[0] <= b[0] and a[1] <= b[1] and a != b


# Small coordinates so that ties in one or both costs are common.
points = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=40)


@given(points)
def test_frontier_is_exactly_the_points_no_other_point_dominates(pts):
    brute_force = {i for i, p in enumerate(pts) if not any(dominates(q, p) for q in pts)}
    assert pareto_frontier(pts) == brute_force


@given(points)
def test_frontier_is_empty_only_for_no_points(pts):
    assert bool(pareto_frontier(pts)) == bool(pts)
