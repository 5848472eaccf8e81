"""The retention purge: identities older than the cutoff go, records and figures stay,
open work is kept, and a second run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fangkong.checkpoints.models import Handoff, HandoffState, Passage, Traveller
from fangkong.checkpoints.tests.helpers import created, passage, traveller
from fangkong.core.retention import ANONYMISED, purge
from fangkong.observation.tests.helpers import observe, person
from fangkong.people.models import Person
from fangkong.tips.models import State, Tip
from fangkong.tips.tests.helpers import public_tip

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CUTOFF = TODAY - timedelta(days=60)
LONG_AGO = timezone.now() - timedelta(days=90)


@pytest.fixture
def records(world):  # type: ignore[no-untyped-def]
    old = created(passage(world, travellers=[traveller(full_name="老旅客", id_number="")],
                          plate="鲁A11111"))  # fmt: skip
    new = created(passage(world, travellers=[traveller(full_name="新旅客")], plate="鲁A22222"))
    Passage.objects.filter(pk=old.pk).update(passed_at=LONG_AGO)
    open_handoff = Handoff.objects.get(travellers__passage=old)
    open_handoff.arrived_at = LONG_AGO
    open_handoff.save(update_fields=["arrived_at"])

    quiet = person(world, "旧居民")
    Person.objects.filter(pk=quiet.pk).update(updated_at=LONG_AGO, birth_date=date(1961, 7, 9))
    observed = observe(world, person(world, "观察中"))
    Person.objects.filter(pk=observed.person_id).update(updated_at=LONG_AGO)

    closed_tip = public_tip(world)
    open_tip = public_tip(world)
    Tip.objects.filter(pk__in=[closed_tip.pk, open_tip.pk]).update(received_at=LONG_AGO)
    Tip.objects.filter(pk=closed_tip.pk).update(state=State.REJECTED)
    return {
        "old": old, "new": new, "handoff": open_handoff, "quiet": quiet,
        "observed": observed.person, "closed_tip": closed_tip, "open_tip": open_tip,
    }  # fmt: skip


def test_old_identities_go_and_the_records_stay(records) -> None:  # type: ignore[no-untyped-def]
    travellers_before = Traveller.objects.count()
    fevers_before = Traveller.objects.filter(fever=True).count()
    result = purge(CUTOFF)

    old = Traveller.objects.get(passage=records["old"])
    assert old.full_name == ANONYMISED and old.phone == "" and old.phone_key == ""
    assert old.temperature is not None
    assert Traveller.objects.get(passage=records["new"]).full_name == "新旅客"
    assert Traveller.objects.count() == travellers_before
    assert Traveller.objects.filter(fever=True).count() == fevers_before

    quiet = Person.objects.get(pk=records["quiet"].pk)
    assert quiet.full_name == ANONYMISED
    assert quiet.id_number == "" and quiet.id_key is None
    assert quiet.birth_date == date(1961, 1, 1)  # the year stays, for age groups
    assert quiet.unit_id == records["quiet"].unit_id
    # Someone still under observation keeps their name, however old the record.
    assert Person.objects.get(pk=records["observed"].pk).full_name == "观察中"

    assert Tip.objects.get(pk=records["closed_tip"].pk).contact_phone == ""
    assert Tip.objects.get(pk=records["open_tip"].pk).contact_phone != ""
    # A hand-off still waiting for its visit is open work.
    assert Handoff.objects.get(pk=records["handoff"].pk).full_name != ANONYMISED
    assert result.counts["checkpoints.Traveller"] == 1
    assert result.counts["people.Person"] >= 1


def test_a_closed_handoff_is_anonymised(records) -> None:  # type: ignore[no-untyped-def]
    Handoff.objects.filter(pk=records["handoff"].pk).update(state=HandoffState.NOT_FOUND)
    purge(CUTOFF)
    handoff = Handoff.objects.get(pk=records["handoff"].pk)
    assert handoff.full_name == ANONYMISED and handoff.key == "" and handoff.address == ""


def test_a_dry_run_counts_what_a_run_does_and_a_second_run_does_nothing(records) -> None:  # type: ignore[no-untyped-def]
    counted = purge(CUTOFF, dry_run=True)
    assert Traveller.objects.get(passage=records["old"]).full_name == "老旅客"
    done = purge(CUTOFF)
    assert done.counts == counted.counts
    assert purge(CUTOFF).total == 0


def test_the_command_refuses_a_recent_or_bad_date(world, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="too recent"):
        call_command("purge_personal", "--before", (TODAY - timedelta(days=3)).isoformat())
    with pytest.raises(CommandError, match="not a date"):
        call_command("purge_personal", "--before", "2020-13-01")
    call_command("purge_personal", "--before", CUTOFF.isoformat(), "--dry-run")
    assert "would be anonymised" in capsys.readouterr().out
