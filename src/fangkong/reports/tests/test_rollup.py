"""Roll-up equality on generated trees: every level's sum is the sum of its grids."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import make_unit
from fangkong.orgunits.models import Level
from fangkong.reports import selectors, services

pytestmark = pytest.mark.django_db

grid_values = st.tuples(st.integers(0, 10_000), st.integers(0, 500))
# streets → communities → grids, each grid's (masks, volunteers)
trees = st.lists(
    st.lists(st.lists(grid_values, min_size=1, max_size=3), min_size=1, max_size=3),
    min_size=1,
    max_size=3,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=trees)
def test_each_level_adds_up_to_the_sum_of_its_grids(world, tree):
    day = timezone.localdate() - timedelta(days=1)
    actor = world.superuser
    try:
        with transaction.atomic():
            district = make_unit(None, "990000", "生成区", Level.DISTRICT)
            sums: dict[int, list[int]] = {}

            def add(unit, masks, volunteers):  # type: ignore[no-untyped-def]
                total = sums.setdefault(unit.pk, [0, 0])
                total[0] += masks
                total[1] += volunteers

            units = [district]
            for s, communities in enumerate(tree, start=1):
                street = make_unit(district, f"99{s:02d}00", f"街道{s}", Level.STREET)
                units.append(street)
                for c, grids in enumerate(communities, start=1):
                    community = make_unit(street, f"99{s:02d}{c:02d}", f"社区{c}", Level.COMMUNITY)
                    units.append(community)
                    for g, (masks, volunteers) in enumerate(grids, start=1):
                        grid = make_unit(
                            community, f"99{s:02d}{c:02d}{g:02d}", f"网格{g}", Level.GRID
                        )
                        services.report_submit(
                            actor=actor, unit=grid, day=day,
                            values={"masks_distributed": masks, "volunteers_on_duty": volunteers,
                                    "places_disinfected": 0},
                        )  # fmt: skip
                        for above in (grid, community, street, district):
                            add(above, masks, volunteers)
            for unit in units:
                rows = {r.indicator.code: r for r in selectors.rollup(unit, day)}
                assert rows["masks_distributed"].reported == sums[unit.pk][0]
                assert rows["volunteers_on_duty"].reported == sums[unit.pk][1]
                assert rows["confirmed"].difference == 0
            raise _Rollback
    except _Rollback:
        pass
