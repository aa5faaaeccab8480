"""A loader several indicators read runs once inside ``sharing()`` and afresh outside it."""

from __future__ import annotations

from xieshang.core import indicators


def test_a_shared_loader_runs_once_per_arguments_inside_sharing_and_every_time_outside():
    calls = []

    @indicators.shared
    def load(committee_id, year):
        calls.append((committee_id, year))
        return {"n": len(calls)}

    assert load(1, 2022) == {"n": 1} and load(1, 2022) == {"n": 2}  # outside: nothing reused
    calls.clear()
    with indicators.sharing():
        first = load(1, 2022)
        assert load(1, 2022) is first
        load(1, 2021)
        load(2, 2022)
    assert calls == [(1, 2022), (1, 2021), (2, 2022)]
    load(1, 2022)  # after the block: loaded again
    assert calls[-1] == (1, 2022) and len(calls) == 4
