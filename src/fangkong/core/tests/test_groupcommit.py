"""Group commit: every job written exactly once, the waiting ones together, a failure told
to the members of its group only."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.core.groupcommit import Group, GroupFailed
from fangkong.core.testing import at_once


class Recorder:
    """A write that takes its time, so that others queue behind it, and can be told to fail."""

    def __init__(self, pause: float = 0.02, fail: set[int] | None = None) -> None:
        self.groups: list[list[int]] = []
        self.pause = pause
        self.fail = fail or set()
        self.lock = threading.Lock()

    def __call__(self, jobs: Sequence[int]) -> None:
        time.sleep(self.pause)
        if self.fail & set(jobs):
            raise RuntimeError("this group cannot be written")
        with self.lock:
            self.groups.append(list(jobs))


def run_all(group: Group[int], jobs: list[int]) -> dict[int, str]:
    """Every job submitted at once from its own thread; what each was told."""
    told: dict[int, str] = {}
    start = threading.Barrier(len(jobs))

    def submit(job: int) -> None:
        start.wait(timeout=10)
        try:
            group.submit(job)
        except GroupFailed:
            told[job] = "failed"
        else:
            told[job] = "written"

    at_once(submit, [(job,) for job in jobs], timeout=30)  # each job answered
    return told


def test_alone_a_job_is_written_at_once_in_a_group_of_one():
    write = Recorder(pause=0)
    group: Group[int] = Group(write)
    group.submit(1)
    group.submit(2)
    assert write.groups == [[1], [2]]
    assert group.sizes == [1, 1]


def test_jobs_that_wait_together_are_written_together_each_once():
    write = Recorder()
    group: Group[int] = Group(write)
    told = run_all(group, list(range(24)))
    assert told == dict.fromkeys(range(24), "written")
    written = [job for g in write.groups for job in g]
    assert sorted(written) == list(range(24))  # each once
    assert len(write.groups) < 24  # some waited for a group
    assert max(group.sizes) > 1


def test_a_failed_group_is_told_to_its_members_and_no_one_else():
    write = Recorder(fail={5})
    group: Group[int] = Group(write)
    told = run_all(group, list(range(16)))
    failed = {job for job, outcome in told.items() if outcome == "failed"}
    written = {job for g in write.groups for job in g}
    assert 5 in failed
    assert failed.isdisjoint(written)
    assert failed | written == set(range(16))
    # and the group goes on: the next job is written
    write.fail = set()
    group.submit(99)
    assert write.groups[-1] == [99]


def test_the_failure_is_the_cause_of_what_the_member_is_told():
    def broken(jobs: Sequence[int]) -> None:
        raise ValueError("disk full")

    group: Group[int] = Group(broken)
    with pytest.raises(GroupFailed) as told:
        group.submit(1)
    assert isinstance(told.value.__cause__, ValueError)


@settings(max_examples=15, deadline=None)
@given(jobs=st.integers(min_value=1, max_value=12), failing=st.sets(st.integers(0, 11)))
def test_every_job_is_answered_once_whatever_fails(jobs: int, failing: set[int]):
    write = Recorder(pause=0.002, fail=failing)
    group: Group[int] = Group(write)
    told = run_all(group, list(range(jobs)))
    written = [job for g in write.groups for job in g]
    assert len(written) == len(set(written))
    assert {j for j, o in told.items() if o == "written"} == set(written)
    assert set(told) == set(range(jobs))


class Stopping(BaseException):
    """As SystemExit or KeyboardInterrupt: not an Exception."""


def test_a_leader_stopped_mid_write_still_answers_the_others_and_hands_over():
    entered, release = threading.Event(), threading.Event()
    written: list[list[int]] = []

    def write(jobs: Sequence[int]) -> None:
        if 1 in jobs:  # the first leader: stopped while the others queue behind it
            entered.set()
            release.wait(timeout=10)
            raise Stopping
        written.append(list(jobs))

    group: Group[int] = Group(write)
    told: dict[int, str] = {}

    def first() -> None:
        try:
            group.submit(1)
        except Stopping:
            told[1] = "stopped"

    def later(job: int) -> None:
        entered.wait(timeout=10)
        group.submit(job)  # queued behind the stopped leader, then written
        told[job] = "written"

    def release_when_queued() -> None:
        deadline = time.monotonic() + 10
        while len(group._waiting) < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        release.set()

    at_once(lambda n: first() if n == 1 else release_when_queued() if n == 0 else later(n),
            [(n,) for n in range(5)])  # fmt: skip
    assert told == {1: "stopped", 2: "written", 3: "written", 4: "written"}
    assert sorted(job for g in written for job in g) == [2, 3, 4]
    group.submit(5)  # not left busy
    assert written[-1] == [5]
