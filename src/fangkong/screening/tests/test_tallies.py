"""The counts kept on write equal a recount from the rows, after every kind of write."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.people import services as people
from fangkong.people import tallies as people_tallies
from fangkong.people.importing.jobs import run_job
from fangkong.people.merging import person_merge
from fangkong.people.models import ImportJob, Policy
from fangkong.people.testing import resident_id
from fangkong.screening import selectors, services
from fangkong.screening import tallies as campaign_tallies
from fangkong.screening.services import Finding, NewMember

pytestmark = pytest.mark.django_db


def _registry_agrees() -> None:
    assert people_tallies.kept() == people_tallies.counted()


def _import(world: World, rows: list[str]) -> ImportJob:
    body = "姓名,身份证号,网格编码,家庭住址\r\n" + "\r\n".join(rows) + "\r\n"
    job = ImportJob(
        unit=world.a.district, org_path=world.a.district.path, filename="t.csv",
        created_by=world.a.commander, language="en", default_year=2020,
    )  # fmt: skip
    job.file.save("t.csv", io.BytesIO(body.encode()), save=False)
    job.save()
    return run_job(job, workers=0)


def test_registry_counts_follow_creates_moves_merges_and_imports(world: World):
    officer = world.a.community_officer
    home, _ = people.household_get_or_create(actor=officer, unit=world.a.grid, address="1号楼101")
    people.household_get_or_create(actor=officer, unit=world.a.grid, address="1号楼 101")  # same
    a = people.person_create(actor=officer, full_name="甲", unit=world.a.grid, household=home)
    b = people.person_create(actor=officer, full_name="乙", unit=world.a.grid2)
    _registry_agrees()
    assert people_tallies.kept()[world.a.grid.pk] == (1, 1)
    people.person_update(actor=officer, person=b, unit=world.a.grid)
    _registry_agrees()
    person_merge(actor=officer, kept=a, merged=b)
    _registry_agrees()
    assert people_tallies.kept()[world.a.grid.pk] == (1, 1)
    first = resident_id(seq=301)
    job = _import(
        world, [f"丙,{first},{world.a.grid.code},2号楼", f"丁,,{world.a.grid2.code},3号楼"]
    )
    assert job.created_persons == 2
    _registry_agrees()
    # The same person again, now living in the second grid: moved, not added.
    job = _import(world, [f"丙,{first},{world.a.grid2.code},4号楼"])
    assert (job.created_persons, job.updated_persons) == (0, 1)
    _registry_agrees()
    assert people_tallies.kept()[world.a.grid2.pk] == (2, 2)


def test_campaign_counts_take_each_household_and_person_once(world: World):
    officer = world.a.community_officer
    today = timezone.localdate()
    Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path,
        effective_from=today - timedelta(days=30), fever_threshold=Decimal("37.5"),
    )  # fmt: skip
    campaign = services.campaign_create(
        actor=world.a.commander, unit=world.a.district, name="排查",
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=3),
    )  # fmt: skip
    home, _ = people.household_get_or_create(actor=officer, unit=world.a.grid, address="5号楼")
    member = people.person_create(actor=officer, full_name="戊", unit=world.a.grid, household=home)
    services.visit_record(actor=officer, campaign=campaign, household=home, result="absent")
    assert campaign_tallies.kept(campaign.pk) == {}
    journey = services.Journey(origin="湖北省武汉市", arrived_on=today - timedelta(days=2))
    services.visit_record(
        actor=officer, campaign=campaign, household=home, result="found",
        findings=[Finding(person=member, temperature=Decimal("37.4"), journey=journey)],
        new_members=[NewMember(full_name="己", temperature=Decimal("37.6"))],
    )  # fmt: skip
    # 37.4 is under this district's line of 37.5; 37.6 is over it.
    assert campaign_tallies.kept(campaign.pk) == {(campaign.pk, world.a.grid.pk): (1, 1, 1)}
    services.visit_record(
        actor=officer, campaign=campaign, household=home, result="normal",
        findings=[Finding(person=member, temperature=Decimal("38.0"), symptoms=["fever"])],
    )  # fmt: skip
    assert campaign_tallies.kept(campaign.pk) == {(campaign.pk, world.a.grid.pk): (1, 1, 2)}
    assert campaign_tallies.kept(campaign.pk) == campaign_tallies.counted([campaign.pk])
    _registry_agrees()
    total, rows = selectors.coverage(campaign=campaign, unit=world.a.community)
    assert (total.registered, total.covered, total.persons) == (1, 1, 2)
    assert (total.arrivals, total.fevers) == (1, 2)
    assert {r.unit: r.covered for r in rows} == {world.a.grid: 1, world.a.grid2: 0}


def test_recount_rebuilds_what_a_bulk_load_skipped(world: World):
    officer = world.a.community_officer
    home, _ = people.household_get_or_create(actor=officer, unit=world.a.grid, address="6号楼")
    people.person_create(actor=officer, full_name="庚", unit=world.a.grid, household=home)
    people_tallies.recount(world.a.grid.path)
    _registry_agrees()
    from fangkong.people.models import UnitTally

    UnitTally.objects.all().delete()
    assert people_tallies.recount() == 1
    _registry_agrees()


def test_the_recount_command_checks_and_repairs(world: World):
    from django.core.management import call_command

    from fangkong.people.models import UnitTally

    officer = world.a.community_officer
    people.household_get_or_create(actor=officer, unit=world.a.grid, address="7号楼")
    out = io.StringIO()
    call_command("recount", "--check", stdout=out)
    assert out.getvalue().startswith("0 counts differ")
    UnitTally.objects.update(households=5)
    with pytest.raises(SystemExit):
        call_command("recount", "--check", stdout=io.StringIO())
    call_command("recount", stdout=io.StringIO())
    call_command("recount", "--check", stdout=out)
    _registry_agrees()
