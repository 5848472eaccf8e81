"""Exporting a scoped list of persons to XLSX, in the columns the importer reads back.

Numbers are masked unless the actor asks for them in full and may reveal them at
every exported row's unit; either way the export is written to the audit log.
"""

from __future__ import annotations

import tempfile
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core import watermark
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.people.importing.mapping import COLUMNS
from fangkong.people.models import Person

FIELDS = ("full_name", "id_type", "id_number", "phone", "unit_code", "address", "relation",
          "residence", "tags", "note")  # fmt: skip
STATUS_COLUMNS = 2  # status and until, after the importer's columns


def _inert(value: Any) -> Any:
    """A cell Excel will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def may_export_full(actor: User) -> bool:
    roots = scope_roots(actor, Perm.EXPORT)
    return roots is None or all(has_perm_at(actor, Perm.REVEAL_PERSONAL, r) for r in roots)


def export_persons(
    *, actor: User, persons: QuerySet[Person], full: bool = False, filters: dict[str, Any]
) -> bytes:
    """An XLSX of ``persons`` (already scoped by the caller's selector), audited."""
    if not has_perm_at(actor, Perm.EXPORT, None):
        raise PermissionDenied
    rows = persons.select_related("unit", "household").order_by("org_path", "full_name", "id")
    if full and not all(
        has_perm_at(actor, Perm.REVEAL_PERSONAL, path)
        for path in rows.values_list("org_path", flat=True).distinct()
    ):
        raise PermissionDenied(_("You may not export full numbers for every row."))
    count = 0
    with tempfile.TemporaryFile() as spool:
        book = xlsxwriter.Workbook(
            spool, {"constant_memory": True, "strings_to_formulas": False,
                    "strings_to_urls": False, "tmpdir": tempfile.gettempdir()},
        )  # fmt: skip
        sheet = book.add_worksheet(_("Persons"))
        watermark.xlsx(book, [sheet], actor)
        bold = book.add_format({"bold": True})
        header = [str(COLUMNS[f][0]) for f in FIELDS] + [_("status"), _("until")]
        sheet.write_row(0, 0, header, bold)
        for index, width in enumerate([10, 10, 22, 14, 18, 28, 8, 20, 16, 20, 14, 12]):
            sheet.set_column(index, index, width)
        for count, person in enumerate(rows.iterator(chunk_size=2000), start=1):
            values = [
                person.full_name, person.get_id_type_display(),
                person.id_number if full else person.masked_id_number,
                person.phone if full else person.masked_phone, person.unit.code,
                person.household.address if person.household else "", person.relation,
                person.address, ", ".join(person.tag_list), person.note,
                person.get_risk_status_display(),
                person.risk_until.isoformat() if person.risk_until else "",
            ]  # fmt: skip
            for column, value in enumerate(values):
                sheet.write_string(count, column, str(_inert(value)))
        book.close()
        spool.seek(0)
        content = spool.read()
    audit.record(
        actor=actor, action=audit.Action.EXPORT, org_path=_common_path(actor),
        changes={"rows": count, "full_numbers": full, "filters": filters,
                 "at": timezone.now().isoformat()},
        note=_("Persons exported"),
    )  # fmt: skip
    return content


def _common_path(actor: User) -> str:
    roots = scope_roots(actor, Perm.EXPORT)
    if not roots:
        return ""
    from fangkong.core.paths import common_ancestor

    return common_ancestor(roots)
