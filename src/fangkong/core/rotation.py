"""Re-sealing personal data with the current field key (key rotation).

Rotation runs in three steps: put the new key first in ``FANGKONG_FIELD_KEYS`` (the old
ones stay after it, so that everything can still be read), run ``fangkong rotate_keys``,
and drop an old key once ``fangkong rotate_keys --check`` finds nothing sealed with it.
The blind indexes keep their own key and do not change.

Each batch is its own transaction and only rows sealed with another key are read, so a
run that is stopped resumes where it was when run again, and a second run finds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from fangkong.core.crypto import EncryptedTextField, _ciphers

BATCH = 2000


@dataclass
class Rotation:
    current: str
    # "app.Model.field" -> values sealed with an older key (found, or re-sealed)
    stale: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.stale.values())


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted columns, and their names."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def _stale_q(name: str, current: str) -> Q:
    return Q(**{f"{name}__gt": ""}) & ~Q(**{f"{name}__startswith": f"{current}:"})


def key_ids(model: type[models.Model], name: str) -> Counter[str]:
    """How many values of one column each key sealed (read raw, nothing decrypted)."""
    raw = model._base_manager.annotate(_raw=Cast(name, TextField())).filter(**{f"{name}__gt": ""})
    return Counter(value.partition(":")[0] for value in raw.values_list("_raw", flat=True))


def rotate(*, check: bool = False, progress: Callable[[str, int], None] | None = None) -> Rotation:
    current = _ciphers()[0]
    result = Rotation(current)
    for model, names in encrypted_fields():
        label = model._meta.label
        for name in names:
            stale = model._base_manager.filter(_stale_q(name, current))
            if check:
                result.stale[f"{label}.{name}"] = stale.count()
                continue
            done = 0
            while True:
                with transaction.atomic():
                    # Decrypted on read with whichever key sealed it, sealed again with the
                    # current key on write; rows locked so that an edit in between is not lost.
                    rows = list(stale.select_for_update().only("pk", name).order_by("pk")[:BATCH])
                    if not rows:
                        break
                    model._base_manager.bulk_update(rows, [name])
                done += len(rows)
                if progress:
                    progress(f"{label}.{name}", done)
            result.stale[f"{label}.{name}"] = done
    return result
