"""Cases and their contacts over the API: a CDC's tracing team enters a case's contacts in
one batch, each found or created in the registry and, in the same call, put under
observation here or sent to its locality by an assistance letter."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from fangkong.accounts.models import User
from fangkong.cases import chains, selectors, services, services_letters
from fangkong.cases.models import Case
from fangkong.cases.schemas import (
    CaseIn,
    CaseOut,
    ChainNodeOut,
    ContactIn,
    ContactOut,
    ContactsIn,
    ContactsOut,
    ProblemOut,
)
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.observation.models import Room
from fangkong.observation.selectors import sites_serving
from fangkong.observation.services import Member
from fangkong.orgunits.models import OrgUnit
from fangkong.people.models import Person

router = Router(tags=["cases"])


def _out(case: Case) -> dict[str, Any]:
    span = services.window(case)
    return {
        "id": case.pk, "number": case.number, "person_id": case.person_id,
        "classification": case.classification, "onset_date": case.onset_date,
        "diagnosed_at": case.diagnosed_at, "reported_at": case.reported_at,
        "late": services.is_late(case), "window_from": span.start, "window_rule": span.rule,
    }  # fmt: skip


def _problems(error: ValidationError) -> list[ProblemOut]:
    if hasattr(error, "error_dict"):
        return [
            ProblemOut(field=field, message=str(message))
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [ProblemOut(field="", message=str(m)) for m in error.messages]


@router.post("/", response={201: CaseOut, 400: list[ProblemOut]})
def report_case(request: HttpRequest, data: CaseIn):  # type: ignore[no-untyped-def]
    person = get_object_or_404(
        Person.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=data.person
    )
    hospital = (
        get_object_or_404(selectors.hospital_list(actor=request.user), pk=data.hospital)
        if data.hospital
        else None
    )
    values = data.dict(exclude={"person", "hospital"})
    try:
        assert isinstance(request.user, User)
        case = services.case_report(actor=request.user, person=person, hospital=hospital, **values)
    except PermissionDenied:
        raise HttpError(403, "forbidden") from None
    except ValidationError as error:
        return Status(400, _problems(error))
    return Status(201, _out(case))


@router.get("/{int:case_id}", response=CaseOut)
def get_case(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    return _out(get_object_or_404(selectors.case_list(actor=request.user), pk=case_id))


def _one(request: HttpRequest, case: Case, item: ContactIn) -> ContactOut:
    actor = request.user
    assert isinstance(actor, User)  # the API let in authenticated users only
    unit = None
    if item.unit:
        unit = (
            OrgUnit.objects.visible_to(actor, Perm.MANAGE_PEOPLE)
            .filter(code=item.unit.strip())
            .first()
        )
        if unit is None:
            raise ValidationError(
                {"unit": _("No unit has the code %(code)s.") % {"code": item.unit}}
            )
    who = services.PersonIn(
        full_name=item.full_name, id_type=item.id_type, id_number=item.id_number,
        phone=item.phone, unit=unit, address=item.address,
    )  # fmt: skip
    via = case.contacts.filter(pk=item.via).first() if item.via else None
    contact = services.contact_add(
        actor=actor, case=case, who=who, setting=item.setting, last_contact=item.last_contact,
        relation=item.relation, level=item.level, via=via, gone_to=item.gone_to,
    )  # fmt: skip
    out = ContactOut(index=0, status="created", contact=contact.pk, person=contact.person_id)
    if item.observe is not None:
        room = None
        if item.observe.room is not None:
            room = Room.objects.filter(pk=item.observe.room, site__in=sites_serving(actor)).first()
            if room is None:
                raise ValidationError({"room": _("No room with this id serves your area.")})
        lead = item.observe.lead_name or actor.full_name or actor.username  # type: ignore[union-attr]
        observation = services.contact_observe(
            actor=actor, contact=contact, kind=item.observe.kind,
            team=[Member("cadre", lead, item.observe.lead_phone, lead=True)],
            site=room.site if room else None, room=room,
        )  # fmt: skip
        out.observation = observation.pk
    elif item.letter is not None:
        letter = services_letters.letter_draft(
            actor=actor, contact=contact, authority=item.letter.authority,
            region=item.letter.region,
        )  # fmt: skip
        out.letter = letter.pk
    return out


@router.post("/{int:case_id}/contacts", response=ContactsOut)
def add_contacts(request: HttpRequest, case_id: int, batch: ContactsIn):  # type: ignore[no-untyped-def]
    """Up to 500 contacts of a case. Each item is answered on its own: created (with the
    contact, the person, and the observation or letter made for it) or invalid (with
    every problem, by field); the good items are kept whatever the bad ones hold."""
    case = get_object_or_404(selectors.case_list(actor=request.user), pk=case_id)
    if not has_perm_at(request.user, Perm.MANAGE_CASES, case.org_path):
        raise HttpError(403, "forbidden")
    results = []
    for index, item in enumerate(batch.items):
        try:
            with transaction.atomic():
                out = _one(request, case, item)
        except ValidationError as error:
            out = ContactOut(index=index, status="invalid", errors=_problems(error))
        except PermissionDenied as error:
            out = ContactOut(
                index=index, status="invalid", errors=[ProblemOut(field="", message=str(error))]
            )
        out.index = index
        results.append(out)
    created = sum(r.status == "created" for r in results)
    return {"created": created, "invalid": len(results) - created, "results": results}


def _node(node: chains.Node, names: dict[int, str], cases: dict[int, str]) -> dict[str, Any]:
    return {
        # A person outside the caller's scope stays a dot: no id, no name.
        "person": node.person_id if node.person_id in names else None,
        "depth": node.depth, "name": names.get(node.person_id, ""),
        "case": cases.get(node.person_id),
        "children": [_node(child, names, cases) for child in node.children],
    }  # fmt: skip


@router.get("/{int:case_id}/chain", response=ChainNodeOut)
def get_chain(request: HttpRequest, case_id: int, depth: int = chains.MAX_DEPTH):  # type: ignore[no-untyped-def]
    """The transmission chain from the case, to ``depth`` (at most 5)."""
    case = get_object_or_404(selectors.case_list(actor=request.user), pk=case_id)
    root = chains.tree(case.person_id, max(1, min(depth, chains.MAX_DEPTH)))
    names, cases = selectors.chain_labels(actor=request.user, root=root)
    return _node(root, names, cases)
