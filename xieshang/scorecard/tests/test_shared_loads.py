"""A whole scorecard costs a fixed, small number of queries: every count of both years in one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xieshang.core import indicators
from xieshang.duties.models import MediaReport, Meeting
from xieshang.scorecard import selectors

from .test_channel_indicators import _activity, _item, _proposal, _report, at

pytestmark = pytest.mark.django_db

# The years of the committee, the manual figures of both years, every count of both years, and per
# year the proposal scope: the proposals with their first proposer, the items closed, their lead
# assignments. (Once an item has a lead unit, four more a year: its replies, adopted suggestions,
# ratings and the closings without a rating; the benchmark counts them on the demo year.)
QUERIES = 3 + 2 * 3


def _records(w, year):
    lead = _proposal(w, f"{year}主案", "filed", year=year, item=_item(w, f"{year}主案"), first=w.members[0])
    _proposal(w, f"{year}并案", "filed", year=year, merged_into=lead, first=w.members[1])
    _report(w, "adopted", year=year)
    _activity(w, "inspection", at(year, 3, 1))
    when = at(year, 4, 1)
    Meeting.objects.create(
        committee=w.committee,
        kind=Meeting.Kind.READING,
        title="读书",
        starts_at=when,
        ends_at=when,
        organiser=w.office,
        created_at=when,
    )
    MediaReport.objects.create(
        committee=w.committee,
        title="报道",
        outlet="佛山日报",
        published_on=dt.date(year, 5, 1),
        recorded_by=w.office,
        recorded_at=when,
    )


def test_a_whole_scorecard_with_last_year_costs_a_fixed_number_of_queries(w):
    _records(w, 2022)
    _records(w, 2021)
    with CaptureQueriesContext(connection) as ctx:
        sections = selectors.scorecard(w.committee, 2022)
    assert len(ctx.captured_queries) == QUERIES, "\n".join(q["sql"][:100] for q in ctx.captured_queries)
    figures = {f.indicator.key: f for s in sections for f in s.figures}
    assert figures["proposals_filed"].value == 2 and figures["proposals_filed"].previous == 2
    assert figures["inspections"].value == 1 and figures["media_reports"].previous == 1
    # one more record of a kind: the query count stays
    _records(w, 2022)
    with CaptureQueriesContext(connection) as ctx:
        selectors.scorecard(w.committee, 2022)
    assert len(ctx.captured_queries) == QUERIES


def test_every_counted_figure_in_the_combined_query_equals_its_own_count_and_its_drill_down(w):
    _records(w, 2022)
    _records(w, 2022)
    figures = {f.indicator.key: f.value for s in selectors.scorecard(w.committee, 2022) for f in s.figures}
    tallies = [i for i in indicators.all_indicators() if isinstance(i.compute, indicators.Tally)]
    assert len(tallies) > 30
    for ind in tallies:
        assert figures[ind.key] == ind.compute(w.committee, 2022), ind.key
        part = ind.compute.parts[0]
        if len(ind.compute.parts) == 1 and not part.distinct and not part.total:
            assert figures[ind.key] == len(list(ind.records(w.committee, 2022))), ind.key
    assert figures["opinion_reports"] == 2 and figures["reading_events"] == 2 and figures["media_reports"] == 2
