"""Writing bulletins: generate a draft, edit it, approve and publish it, correct it.

Everything here needs ``Perm.PUBLISH_BULLETIN`` at a district: the bulletin speaks for the
whole district, so holding the permission at a street is not enough. A published bulletin
is locked; a correction keeps the replaced text (bulletin.models.Revision).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.bulletin import figures as bulletin_figures
from fangkong.bulletin import text as bulletin_text
from fangkong.bulletin.models import Bulletin, Revision, State
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import Level, OrgUnit

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def may_publish(actor: User, unit: OrgUnit) -> bool:
    return unit.level == Level.DISTRICT and has_perm_at(actor, Perm.PUBLISH_BULLETIN, unit.path)


def _require(actor: User, unit: OrgUnit) -> None:
    if not may_publish(actor, unit):
        raise PermissionDenied(_("You may not publish the bulletin of this unit."))


def _language(language: str | None) -> str:
    chosen = language or translation.get_language() or settings.LANGUAGE_CODE
    if chosen not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    return chosen


def _locked(bulletin: Bulletin) -> ValidationError:
    return ValidationError(
        _("The bulletin of %(day)s is published; correct it instead.")
        % {"day": bulletin.day.isoformat()},
        code="locked",
    )


def _clean_text(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip().replace("\r\n", "\n")
    errors = {}
    if not title:
        errors["title"] = [_("The bulletin needs a title.")]
    if not text:
        errors["text"] = [_("The bulletin needs a text.")]
    if errors:
        raise ValidationError(errors)
    return title[:200], text


def bulletin_generate(
    *,
    actor: User,
    unit: OrgUnit,
    day: date,
    language: str | None = None,
    now: datetime | None = None,
) -> Bulletin:
    """The draft of ``unit``'s bulletin for ``day``, with figures and text from the roll-up
    now; an existing draft is refreshed (its edits are written over), a published one is
    refused."""
    now = now or timezone.now()
    _require(actor, unit)
    language = _language(language)
    if day > timezone.localtime(now).date():
        raise ValidationError({"day": _("A day that has not begun has no bulletin.")})
    figures = bulletin_figures.compute(unit, day)
    title, text = bulletin_text.compose(unit.name, day, figures, language)
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.select_for_update().filter(unit=unit, day=day).first()
            if bulletin is not None and bulletin.is_published:
                raise _locked(bulletin)
            created = bulletin is None
            if bulletin is None:
                bulletin = Bulletin(unit=unit, day=day, org_path=unit.path)
            bulletin.language = language
            bulletin.title, bulletin.text, bulletin.figures = title, text, figures
            bulletin.generated_at, bulletin.generated_by = now, actor
            bulletin.edited_at = bulletin.edited_by = None
            bulletin.save()
    except IntegrityError:
        # Two generations of the same day at once: the other one made the draft.
        raise ValidationError(
            _("The bulletin of this day was being generated at the same time; try again."),
            code="race",
        ) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE if created else audit.Action.UPDATE,
        target=bulletin, changes={"day": day.isoformat(), "generated": figures},
    )  # fmt: skip
    return bulletin


def _lock(actor: User, bulletin: Bulletin) -> Bulletin:
    locked = Bulletin.objects.select_for_update().select_related("unit").get(pk=bulletin.pk)
    _require(actor, locked.unit)
    return locked


@transaction.atomic
def bulletin_edit(*, actor: User, bulletin: Bulletin, title: str, text: str) -> Bulletin:
    """The HQ's wording of a draft (the figures stay as generated)."""
    bulletin = _lock(actor, bulletin)
    if bulletin.is_published:
        raise _locked(bulletin)
    title, text = _clean_text(title, text)
    if (title, text) == (bulletin.title, bulletin.text):
        return bulletin
    bulletin.title, bulletin.text = title, text
    bulletin.edited_at, bulletin.edited_by = timezone.now(), actor
    bulletin.save(update_fields=["title", "text", "edited_at", "edited_by"])
    audit.record(actor=actor, action=audit.Action.UPDATE, target=bulletin, changes={"text": True})
    return bulletin


@transaction.atomic
def bulletin_publish(*, actor: User, bulletin: Bulletin, now: datetime | None = None) -> Bulletin:
    """Approve a draft and publish it, once its day is over (a bulletin speaks of 0—24 h)."""
    now = now or timezone.now()
    bulletin = _lock(actor, bulletin)
    if bulletin.is_published:
        raise _locked(bulletin)
    if bulletin.day >= timezone.localtime(now).date():
        raise ValidationError(
            _("The bulletin of %(day)s can be published once the day is over.")
            % {"day": bulletin.day.isoformat()},
            code="too_early",
        )
    bulletin.state = State.PUBLISHED
    bulletin.approved_at = bulletin.published_at = now
    bulletin.approved_by = actor
    bulletin.save(update_fields=["state", "approved_at", "approved_by", "published_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=bulletin,
        changes={"state": [State.DRAFT, State.PUBLISHED]},
    )  # fmt: skip
    return bulletin


@transaction.atomic
def bulletin_correct(
    *,
    actor: User,
    bulletin: Bulletin,
    reason: str,
    title: str = "",
    text: str = "",
    refresh: bool = False,
    now: datetime | None = None,
) -> Bulletin:
    """Replace a published bulletin's text, keeping what it said, who approved it, and who
    corrected it why. With ``refresh`` the figures are taken again from the reports (some were
    amended since) and the text is written anew from them; otherwise ``title`` and ``text``
    are the new wording and the figures stay."""
    now = now or timezone.now()
    bulletin = _lock(actor, bulletin)
    if not bulletin.is_published:
        raise ValidationError(_("Only a published bulletin is corrected."), code="not_published")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the bulletin is corrected.")})
    figures = bulletin.figures
    if refresh:
        figures = bulletin_figures.compute(bulletin.unit, bulletin.day)
        title, text = bulletin_text.compose(
            bulletin.unit.name, bulletin.day, figures, bulletin.language
        )
    title, text = _clean_text(title, text)
    if (title, text, figures) == (bulletin.title, bulletin.text, bulletin.figures):
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    Revision.objects.create(
        bulletin=bulletin, org_path=bulletin.org_path, number=bulletin.revision,
        title=bulletin.title, text=bulletin.text, figures=bulletin.figures,
        approved_at=bulletin.approved_at, approved_by_id=bulletin.approved_by_id,
        reason=reason[:200], corrected_at=now, corrected_by=actor,
    )  # fmt: skip
    before = bulletin.figures
    bulletin.title, bulletin.text, bulletin.figures = title, text, figures
    bulletin.revision += 1
    bulletin.edited_at = bulletin.approved_at = now
    bulletin.edited_by = bulletin.approved_by = actor
    bulletin.save(
        update_fields=[
            "title", "text", "figures", "revision", "edited_at", "edited_by",
            "approved_at", "approved_by",
        ]
    )  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=bulletin, note=reason[:200],
        changes={"revision": bulletin.revision,
                 "figures": {k: [before.get(k), v] for k, v in figures.items()
                             if before.get(k) != v}},
    )  # fmt: skip
    return bulletin
