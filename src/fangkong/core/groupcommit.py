"""Group commit: the writes that wait while one is being written go together, in one transaction.

A checkpoint upload's own rows cost PostgreSQL little; its transaction costs more (the
round trips, the look-ups, the commit's flush). Under load many uploads wait at once, so
one thread, the leader, writes every job waiting when it starts, on its own connection,
in one transaction, and hands each job its result; the others wait meanwhile, then
answer. A job that arrives while a group is being written waits for the next group, led
by the first of them. No timer: alone, a job is written at once, as before.

If the write of a group fails, every job of it is told (:class:`GroupFailed`) and its own
thread writes it alone, so that one job's trouble (a race on a unique key, a bug) fails
no other. A caller whose writes belong to a transaction it opened (``atomic``) must not
join a group: the leader would commit them in another transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

J = TypeVar("J")


class GroupFailed(Exception):
    """The group this job was in could not be written; nothing of it was stored."""


@dataclass(eq=False)
class _Waiter(Generic[J]):
    job: J
    woken: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    error: BaseException | None = None


class Group(Generic[J]):
    """Write jobs with ``write(jobs)``, in groups; ``write`` writes all of them or none."""

    def __init__(self, write: Callable[[Sequence[J]], None]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._waiting: list[_Waiter[J]] = []
        self._busy = False
        self.written = 0  # groups written, or failed
        self.sizes: list[int] = []  # the sizes of the last 100

    def submit(self, job: J) -> None:
        """Return once ``job`` is written (with others); raise :class:`GroupFailed` if not."""
        me = _Waiter(job)
        with self._lock:
            self._waiting.append(me)
            if not self._busy:
                self._busy = me.lead = True
        if not me.lead:
            me.woken.wait()
        if me.lead:
            self._lead()
        if me.error is not None:
            raise GroupFailed(str(me.error)) from me.error

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        error: BaseException | None = None
        try:
            self._write([w.job for w in group])
        except BaseException as failed:  # every member is told, and writes alone
            error = failed
            if not isinstance(failed, Exception):
                raise  # the leader's thread is stopping: the others go on (finally)
        finally:
            self._hand_over(group, error)

    def _hand_over(self, group: list[_Waiter[J]], error: BaseException | None) -> None:
        """Answer the group, and wake the first job waiting since as the next leader."""
        self.written += 1
        self.sizes = [*self.sizes[-99:], len(group)]
        with self._lock:
            following = self._waiting[0] if self._waiting else None
            if following is None:
                self._busy = False
            else:
                following.lead = True
        for waiter in group:
            waiter.error = error
            waiter.woken.set()
        if following is not None:
            following.woken.set()
