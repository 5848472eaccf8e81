from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.paths import (
    MAX_SIBLINGS,
    child_path,
    common_ancestor,
    minimal_roots,
    segment,
    subtree_q,
    successor,
)

segments = st.lists(st.integers(min_value=1, max_value=MAX_SIBLINGS), min_size=1, max_size=6)


def path_of(numbers: list[int]) -> str:
    return "".join(segment(n) for n in numbers)


@given(segments, segments)
def test_a_path_is_in_a_subtree_exactly_when_it_starts_with_the_root(root, other):
    root_path, path = path_of(root), path_of(other)
    upper = successor(root_path)
    in_range = path >= root_path and (upper is None or path < upper)
    assert in_range == path.startswith(root_path)


@given(segments, st.integers(min_value=1, max_value=MAX_SIBLINGS))
def test_every_child_lies_inside_its_parents_range(parent, number):
    parent_path = path_of(parent)
    child = child_path(parent_path, number)
    upper = successor(parent_path)
    assert child > parent_path
    assert upper is None or child < upper


def test_a_path_of_all_nines_has_no_upper_bound():
    assert successor("9999") is None
    assert "__lt" not in str(subtree_q("path", "9999"))


def test_segment_refuses_numbers_that_do_not_fit():
    for bad in (0, MAX_SIBLINGS + 1, -1):
        try:
            segment(bad)
        except ValueError:
            continue
        raise AssertionError(f"segment({bad}) did not refuse")


@given(st.lists(segments, min_size=1, max_size=8))
def test_minimal_roots_keeps_exactly_the_paths_with_no_ancestor_in_the_list(all_numbers):
    paths = [path_of(n) for n in all_numbers]
    roots = minimal_roots(paths)
    for path in paths:
        assert any(path.startswith(root) for root in roots)
    for root in roots:
        assert not any(root != other and root.startswith(other) for other in paths)


@given(st.lists(segments, min_size=1, max_size=8))
def test_common_ancestor_is_a_whole_segment_prefix_of_every_path(all_numbers):
    paths = [path_of(n) for n in all_numbers]
    ancestor = common_ancestor(paths)
    assert len(ancestor) % 4 == 0
    assert all(path.startswith(ancestor) for path in paths)
    longer = [p[: len(ancestor) + 4] for p in paths]
    assert len(set(longer)) > 1 or any(len(p) == len(ancestor) for p in paths)
