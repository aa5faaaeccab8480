# ruff: noqa: S608 - table and column names come from the catalogue, numbers from the command line
"""The scorecard benchmark's data: the demo year copied to C committees × Y years, in SQL.

``seed_demo`` builds one district committee-year through the real services (禅城区政协, 2022: 194
proposals with their handling, 640 opinion reports, 120 meetings with 2,300 attendance rows, the
outreach and consultation records …). This module copies it, inside PostgreSQL, with one
``INSERT … SELECT … CROSS JOIN generate_series`` per table:

- *committee-level* tables (the committee and its parent, terms, sessions, sectors, units, users,
  members, stations, enterprises, volunteer teams …) once per extra committee ``c``: every id and
  every reference to such a table is offset by ``c × max(id)``;
- *year-level* tables (every record: proposals, items, assignments, replies, ratings, opinion
  reports, meetings, attendance, activities, visits …) once per committee-year ``k = c × Y + y``:
  ids and references to year-level tables offset by ``k × max(id)``, references to committee-level
  tables by ``c × max(id)``, every date and timestamp moved ``y`` years back (and integer ``year``
  columns ``y`` less);
- static tables (areas, calendars, permissions, deadline rules) are shared; the audit trail and
  notifications are not copied (no figure reads them).

A text or UUID column in a unique index that the offsets do not already make unique (user names,
submission tokens, tracking codes …) gets the copy's number appended; an integer one (the proposal
number within its session) is moved by a multiple of a million. Copy 0 is the demo itself.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
_t0 = time.perf_counter()

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, transaction  # noqa: E402

COMMITTEE_LEVEL = {
    "organisations_committee",
    "organisations_term",
    "organisations_session",
    "organisations_sector",
    "organisations_specialcommittee",
    "organisations_unit",
    "organisations_user",
    "organisations_user_groups",
    "organisations_leader",
    "organisations_member",
    "organisations_member_special_committees",
    "outreach_station",
    "outreach_station_members",
    "outreach_enterprise",
    "outreach_enterpriselink",
    "outreach_volunteerteam",
    "outreach_volunteer",
    "duties_pointsscheme",
    "opinions_scorerule",
    "proposals_numbercounter",
    "opinions_bulletincounter",
}
NOT_COPIED = {"core_auditentry", "core_notification", "django_admin_log", "django_session"}
STATIC_PREFIXES = ("areas_", "workdays_", "auth_", "django_", "axes_", "insight_")
STATIC = {"handling_deadlinerule"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _exec(sql: str, params: Any = None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def level_of(table: str) -> str:
    if table in NOT_COPIED or table in STATIC or table.startswith(STATIC_PREFIXES):
        return "static"
    return "committee" if table in COMMITTEE_LEVEL else "year"


def copy(committees: int, years: int) -> int:
    """Copy the demo committee-year to ``committees`` × ``years``; returns the rows inserted."""
    tables = [
        t
        for (t,) in _rows(
            "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id' "
            "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1"
        )
    ]
    level = {t: level_of(t) for t in tables}
    maxid = {t: _rows(f"SELECT coalesce(max(id), 0) FROM {_quote(t)}")[0][0] for t in tables if level[t] != "static"}
    copied = [t for t in tables if level[t] != "static" and maxid[t]]
    fks: dict[str, dict[str, str]] = {}
    for table, column, target in _rows(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
    ):
        fks.setdefault(table, {})[column] = target
    columns: dict[str, list[tuple[str, str, int | None]]] = {}
    for table, column, dtype, length in _rows(
        "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    ):
        columns.setdefault(table, []).append((column, dtype, length))
    unique: dict[str, list[list[str]]] = {}
    for table, cols in _rows(
        "SELECT i.indrelid::regclass::text, array_agg(a.attname::text) FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indisunique AND NOT i.indisprimary GROUP BY i.indexrelid, i.indrelid"
    ):
        unique.setdefault(table, []).append(list(cols))
    # handling_item.source_type/source_id: a reference by model label.
    source_tables = {}
    for (label,) in _rows("SELECT DISTINCT source_type FROM handling_item WHERE source_type <> ''"):
        try:
            source_tables[label] = apps.get_model(label)._meta.db_table
        except (LookupError, ValueError):
            continue

    def offset(target: str, value: str) -> str:
        lv = level.get(target, "static")
        if lv == "static" or not maxid.get(target):
            return value
        factor = "s.c" if lv == "committee" else "s.k"
        return f"{value} + {factor} * {maxid[target]}"

    rank = {"static": 0, "committee": 1, "year": 2}
    # Indexes that back no constraint are dropped during the copy and built again after it (one
    # sort each instead of millions of insertions); building a unique one checks the copies.
    rebuilt = _rows(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE NOT i.indisprimary AND i.indrelid::regclass::text = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [copied],
    )
    for name, _ in rebuilt:
        _exec(f"DROP INDEX {name}")
    total = 0
    # The copies are consistent by construction: no foreign-key trigger per row (superuser of the cluster).
    _exec("SET session_replication_role = replica")
    started = time.monotonic()
    for table in copied:
        lv = level[table]
        refs = fks.get(table, {})
        shifted = {
            c
            for c, dtype, _ in columns[table]
            if lv == "year" and (dtype in ("date", "timestamp with time zone") or (c == "year" and "int" in dtype))
        }
        # Columns of unique indexes that the offsets leave equal between copies.
        bump: set[str] = set()
        for cols in unique.get(table, []):
            own = any(
                (c in refs and rank[level.get(refs[c], "static")] >= rank[lv] and level.get(refs[c]) != "static")
                or c in shifted
                for c in cols
            )
            if not own:
                bump.update(c for c in cols if c not in refs)
        exprs = []
        for c, dtype, length in columns[table]:
            q = _quote(c)
            if c == "id":
                e = offset(table, "t.id")
            elif c in refs:
                e = offset(refs[c], f"t.{q}")
            elif table == "handling_item" and c == "source_id" and source_tables:
                cases = " ".join(
                    f"WHEN '{label}' THEN {offset(t, 't.source_id')}" for label, t in source_tables.items()
                )
                e = f"CASE t.source_type {cases} ELSE t.source_id END"
            elif c in shifted:
                e = f"t.{q} - s.y" if c == "year" else f"t.{q} - make_interval(years => s.y)"
            elif c in bump:
                tag = "s.c" if lv == "committee" else "s.k"
                if dtype == "uuid":
                    e = f"md5(t.{q}::text || ':' || {tag})::uuid"
                elif dtype in ("character varying", "text"):
                    keep = f"left(t.{q}, {length - 5})" if length else f"t.{q}"
                    e = f"{keep} || '~' || {tag}"
                elif "int" in dtype:
                    e = f"t.{q} + {tag} * 1000000"
                else:
                    e = f"t.{q}"
            else:
                e = f"t.{q}"
            exprs.append(e)
        if lv == "committee":
            series = f"(SELECT c, 0 AS y, c * {years} AS k FROM generate_series(1, {committees - 1}) c) s"
        else:
            series = (
                f"(SELECT k / {years} AS c, k % {years} AS y, k FROM generate_series(1, {committees * years - 1}) k) s"
            )
        names = ", ".join(_quote(c) for c, _, _ in columns[table])
        sql = (
            f"INSERT INTO {_quote(table)} ({names}) OVERRIDING SYSTEM VALUE "
            f"SELECT {', '.join(exprs)} FROM {_quote(table)} t CROSS JOIN {series} WHERE t.id <= {maxid[table]}"
        )
        t0 = time.monotonic()
        n = _exec(sql)
        total += n
        log(
            f"  {table}: +{n:,} ({lv}) in {time.monotonic() - t0:.1f} s; "
            f"{total:,} rows so far, {time.monotonic() - started:.0f} s"
        )
    t0 = time.monotonic()
    _exec("SET maintenance_work_mem = '256MB'")
    for _, definition in rebuilt:
        _exec(definition)
    log(f"  {len(rebuilt)} indexes built again in {time.monotonic() - t0:.0f} s")
    for table in copied:
        _exec(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {_quote(table)}))")
    first = 2022 - years + 1
    # Every committee's records reach back to the first copied year: its first term, its links and
    # volunteers start then (the previous-year comparison needs the year before to be on record).
    _exec(
        "UPDATE organisations_term t SET starts_on = LEAST(starts_on, make_date(%s, 1, 1)) "
        "WHERE number = (SELECT min(number) FROM organisations_term u WHERE u.committee_id = t.committee_id)",
        [first - 1],
    )
    _exec("UPDATE outreach_enterpriselink SET linked_on = LEAST(linked_on, make_date(%s, 1, 6))", [first])
    _exec("UPDATE outreach_volunteer SET joined_on = LEAST(joined_on, make_date(%s, 3, 1))", [first])
    _exec("SET session_replication_role = DEFAULT")
    return total


# --- measuring ------------------------------------------------------------------------------------


def target(committees: int, years: int) -> tuple[str, int]:
    """The measured committee-year: the committee in the middle, a year in the middle (with the one before)."""
    c = committees // 2
    return ("chancheng" if c == 0 else f"chancheng~{c}"), 2022 - years // 2


def compute(committee: Any, year: int) -> Any:
    """What the scorecard page computes: every figure of the year and of the year before, and the years."""
    from xieshang.scorecard import selectors

    return selectors.scorecard(committee, year), selectors.years(committee)


def _ms(fn: Any, *args: Any) -> float:
    t = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t) * 1000


def warm(committees: int, years: int, runs: int) -> dict[str, Any]:
    from django.test.utils import CaptureQueriesContext

    from xieshang.organisations.models import Committee

    slug, year = target(committees, years)
    committee = Committee.objects.get(slug=slug)
    first = _ms(compute, committee, year)
    times = [_ms(compute, committee, year) for _ in range(runs)]
    with CaptureQueriesContext(connection) as ctx:
        compute(committee, year)
    figures = {f.indicator.key: f.value for s in compute(committee, year)[0] for f in s.figures}
    # Baselines in the same process: a round trip, and the same computation for a committee without records.
    with connection.cursor() as cur:
        trips = []
        for _ in range(200):
            t = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            trips.append((time.perf_counter() - t) * 1000)
    empty = committee.parent
    compute(empty, year)
    empty_times = [_ms(compute, empty, year) for _ in range(runs)]
    return {
        "committee": slug,
        "year": year,
        "first_ms": round(first, 1),
        "warm_ms": round(statistics.median(times), 1),
        "warm_min_ms": round(min(times), 1),
        "queries": len(ctx.captured_queries),
        "select1_ms": round(statistics.median(trips), 3),
        "empty_committee_ms": round(statistics.median(empty_times), 1),
        "figures": figures,
    }


def cold(committees: int, years: int) -> dict[str, Any]:
    """A fresh process: Django set up (``setup_ms``), then the first connection and the computation."""
    from xieshang.organisations.models import Committee

    setup = (time.perf_counter() - _t0) * 1000
    slug, year = target(committees, years)
    t = time.perf_counter()
    committee = Committee.objects.get(slug=slug)
    compute(committee, year)
    return {"setup_ms": round(setup, 1), "cold_ms": round((time.perf_counter() - t) * 1000, 1)}


# The indexes the scorecard's queries added (migrations in the apps that own the tables); the
# write measurement drops them inside a transaction that is rolled back.
ADDED_INDEXES: list[str] = ["opinion_committee_submitted"]


def _again(obj: Any, **changes: Any) -> Any:
    """A new row like ``obj`` (one more record of the same kind), its unique columns made unique."""
    import uuid

    from django.db import models

    obj.pk = None
    obj.id = None
    obj._state.adding = True
    for f in obj._meta.concrete_fields:
        if f.primary_key or not f.unique:
            continue
        if isinstance(f, models.UUIDField):
            setattr(obj, f.attname, uuid.uuid4())
        elif isinstance(f, models.ForeignKey) and f.null:
            setattr(obj, f.attname, None)
        elif isinstance(f, models.CharField):
            setattr(obj, f.attname, uuid.uuid4().hex[: f.max_length])
    for k, v in changes.items():
        setattr(obj, k, v)
    obj.save(force_insert=True)
    return obj


def _round(committee: Any, year: int) -> dict[str, float]:
    """The rows one pass of the loop's transitions writes, each step timed (ms)."""
    from django.utils import timezone

    from xieshang.duties.models import Attendance, Meeting
    from xieshang.handling.models import Assignment, Rating, Reply
    from xieshang.opinions.models import OpinionReport
    from xieshang.outreach.models import OutreachVisit, Participant
    from xieshang.proposals.models import Proposal

    now = timezone.now()
    steps: dict[str, float] = {}

    def step(name: str, fn: Any) -> Any:
        t = time.perf_counter()
        out = fn()
        steps[name] = (time.perf_counter() - t) * 1000
        return out

    proposal = Proposal.objects.filter(committee=committee, year=year, status=Proposal.Status.FILED).first()
    draft = step("proposal_submit", lambda: _again(proposal, status=Proposal.Status.SUBMITTED, number=None))
    draft.status = Proposal.Status.FILED
    step("proposal_file", lambda: draft.save(update_fields=["status"]))
    assignment = Assignment.objects.filter(item_id=proposal.item_id, role=Assignment.Role.LEAD).first()
    reply = Reply.objects.filter(assignment=assignment).first()
    if reply is not None:
        step("reply", lambda: _again(reply, created_at=now))
    rating = Rating.objects.filter(assignment=assignment).first()
    if rating is not None:
        step("rate", lambda: _again(rating, rater_key=f"bench:{time.perf_counter_ns()}"))
    assignment.status = Assignment.Status.CLOSED
    assignment.closed_at = now
    step("close", lambda: assignment.save(update_fields=["status", "closed_at"]))
    report = OpinionReport.objects.filter(committee=committee, submitted_at__year=year).first()
    step("opinion_report", lambda: _again(report, submitted_at=now))
    visit = OutreachVisit.objects.filter(committee=committee, visited_on__year=year).first()
    people = list(Participant.objects.filter(visit=visit)[:5])

    def outreach() -> None:
        new = _again(visit)
        for p in people:
            _again(p, visit_id=new.pk)

    step("outreach_visit", outreach)
    meeting = Meeting.objects.filter(committee=committee, starts_at__year=year).first()
    present = list(Attendance.objects.filter(meeting=meeting, member__isnull=False)[:10])

    def attendance() -> None:
        new = _again(meeting)
        for a in present:
            _again(a, meeting_id=new.pk, leave_id=None)

    step("meeting_attendance", attendance)
    return steps


def writes(committees: int, years: int, rounds: int) -> dict[str, Any]:
    """The loop's writes with the added indexes and without them, alternating, each round rolled back."""
    from xieshang.organisations.models import Committee

    slug, year = target(committees, years)
    committee = Committee.objects.get(slug=slug)
    present = {n for (n,) in _rows("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [ADDED_INDEXES])}
    totals: dict[bool, list[float]] = {True: [], False: []}
    per_step: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    for i in range(rounds * 2 + 2):
        with_indexes = i % 2 == 0
        with transaction.atomic():
            if not with_indexes:
                for name in present:
                    _exec(f"DROP INDEX {name}")
            steps = _round(committee, year)
            transaction.set_rollback(True)
        if i < 2:
            continue  # the first of each way warms the caches
        totals[with_indexes].append(sum(steps.values()))
        for k, v in steps.items():
            per_step[with_indexes].setdefault(k, []).append(v)
    med_with, med_without = statistics.median(totals[True]), statistics.median(totals[False])
    return {
        "indexes": sorted(present),
        "with_ms": round(med_with, 2),
        "without_ms": round(med_without, 2),
        "overhead_pct": round((med_with - med_without) / med_without * 100, 1),
        "steps_with_ms": {k: round(statistics.median(v), 2) for k, v in per_step[True].items()},
        "steps_without_ms": {k: round(statistics.median(v), 2) for k, v in per_step[False].items()},
    }


def main() -> None:
    cmd, *rest = sys.argv[1:]
    if cmd == "copy":
        with transaction.atomic():
            n = copy(int(rest[0]), int(rest[1]))
        print(json.dumps({"copied": n}))
    elif cmd == "warm":
        print(json.dumps(warm(int(rest[0]), int(rest[1]), int(rest[2])), ensure_ascii=False))
    elif cmd == "writes":
        print(json.dumps(writes(int(rest[0]), int(rest[1]), int(rest[2]))))
    elif cmd == "cold":
        print(json.dumps(cold(int(rest[0]), int(rest[1]))))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
