from django.db import models


class Stamp(models.Model):
    """A value that changes whenever one kind of reference data changes (units, checkpoints,
    policies, affected areas, users and their keys), so that a process may keep a copy of
    that data and know, by one cheap read, when its copy has gone stale."""

    name = models.CharField(primary_key=True, max_length=32)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
