"""The web benchmark's Django side: seed the data, open sessions, explain the pages.

Run by bench/web.py with DJANGO_SETTINGS_MODULE=bench.settings and the benchmark's DATABASE_URL:
    webdata.py seed N        N items in realistic states with their assignments, messages and replies
    webdata.py seed-proposals N   N proposals with proposers, items and assignments (bench/proposals_data.py)
    webdata.py sessions      JSON: session keys of the dispatcher and the unit staff, page URLs
    webdata.py analyze       VACUUM ANALYZE (a kept cluster, before measuring again)
    webdata.py profile       mean time per request in-process and a cProfile of each page (stderr)
    webdata.py explain       query count, time and the slowest queries' plans of each page (stderr)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import bulk, proposals_data  # noqa: E402
from xieshang.areas.models import Area  # noqa: E402
from xieshang.core.models import Notification  # noqa: E402
from xieshang.handling.models import Assignment, Item, Reply, Request  # noqa: E402
from xieshang.messages.models import Message  # noqa: E402
from xieshang.organisations.models import Committee, Unit, User  # noqa: E402

S = Assignment.Status
OPEN = (S.NEW, S.SIGNED, S.RETURN_REQUESTED)
BATCH = 2000
OFFICE, UNIT_STAFF = "bench-office", "bench-unit"

PLACES = ["祖庙", "石湾", "张槎", "南庄", "季华路", "汾江路", "岭南大道", "绿景路", "普澜", "澜石"]
ISSUES = [
    "小区停车难",
    "路灯不亮",
    "道路积水",
    "噪音扰民",
    "垃圾分类收运",
    "老旧小区加装电梯",
    "学位紧张",
    "公交线路调整",
    "菜市场环境",
    "占道经营",
    "油烟扰民",
    "社区养老服务",
]
KINDS = [("consult", 0.35), ("complaint", 0.30), ("suggestion", 0.33), ("urgent", 0.02)]
KIND_WORDS = {"consult": "咨询", "complaint": "投诉", "suggestion": "建议", "urgent": "紧急求助"}
CATEGORIES = ["solved", "explained", "planned", "unable"]
STREETS = ["祖庙街道", "石湾镇街道", "张槎街道", "南庄镇"]
DEPARTMENTS = [
    "区住房城乡建设和水利局",
    "区教育局",
    "区交通运输局",
    "区城市管理和综合执法局",
    "区市场监督管理局",
    "区卫生健康局",
    "区民政局",
    "区人力资源和社会保障局",
    "区公安分局",
    "区生态环境分局",
    "区自然资源分局",
    "区文化广电旅游体育局",
    "区发展和改革局",
    "区财政局",
    "区农业农村局",
    "区应急管理局",
    "区司法局",
    "区科学技术局",
    "区工业和信息化局",
    "区商务局",
    "区退役军人事务局",
    "区医疗保障局",
    "区政务服务数据管理局",
    "区统计局",
    "区审计局",
    "区供销社",
    "区残联",
    "区妇联",
    "区总工会",
    "团区委",
]


# How fast the seeded units work.
PACE = bulk.Pace(reply_days=(2, 17), sign_hours=(1, 20), rating_days=7, resolved=0.7)


def _structure() -> tuple[Committee, list[Unit], list[Area], dict[int, User]]:
    committee = Committee.objects.create(
        name="禅城区政协（基准数据）", short_name="禅城", level=Committee.Level.DISTRICT
    )
    district = Area.objects.create(code="B440604", name="禅城区", level=Area.Level.DISTRICT)
    units: list[Unit] = [Unit(committee=committee, name=n, kind=Unit.Kind.DEPARTMENT) for n in DEPARTMENTS]
    communities: list[Area] = []
    for i, name in enumerate(STREETS, 1):
        street = Area.objects.create(code=f"B440604{i:03d}", name=name, level=Area.Level.STREET, parent=district)
        units.append(Unit(committee=committee, name=f"{name}办事处", kind=Unit.Kind.STREET, area=street))
        for j in range(1, 7):
            c = Area.objects.create(
                code=f"B440604{i:03d}{j:03d}",
                name=f"{name[:2]}第{j}社区",
                level=Area.Level.COMMUNITY,
                kind="社区居委会",
                parent=street,
            )
            communities.append(c)
            units.append(Unit(committee=committee, name=f"{c.name}居委会", kind=Unit.Kind.COMMUNITY, area=c))
    units = Unit.objects.bulk_create(units)
    staff = {}
    for i, u in enumerate(units):
        name = UNIT_STAFF if i == 0 else f"bench-unit-{i}"
        user = User(username=name, full_name=f"{u.name}联络员", role=User.Role.UNIT, committee=committee, unit=u)
        user.set_unusable_password()
        staff[u.pk] = user
    User.objects.bulk_create(staff.values())
    staff = {u.unit_id: u for u in User.objects.filter(role=User.Role.UNIT, committee=committee)}
    office = User(username=OFFICE, full_name="提案委 王芳", role=User.Role.OFFICE, committee=committee)
    office.set_unusable_password()
    office.save()
    return committee, units, communities, staff


def seed(n: int, seed_value: int = 20240304) -> None:
    if Item.objects.exists():
        print(f"already seeded: {Item.objects.count()} items", file=sys.stderr)
        return
    rng = random.Random(seed_value)
    t0 = time.monotonic()
    committee, units, communities, staff = _structure()
    office = User.objects.get(username=OFFICE)
    # Some units get far more than others (the housing bureau more than the 团区委); the benchmark's
    # unit is the busiest one, about 9% of all assignments.
    weights = [1 / (i + 1) ** 0.6 for i in range(len(units))]
    now = timezone.now()
    day = dt.timedelta(days=1)
    states = [("pending", 0.03), ("handling", 0.25), ("replied", 0.07), ("closed", 0.63), ("declined", 0.02)]
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        items, plans = [], []
        for _ in range(size):
            state = bulk.pick(rng, states)
            recent = state in ("pending", "handling", "replied")
            accepted = now - day * (rng.uniform(0, 60) if recent else rng.uniform(60, 730))
            kind = bulk.pick(rng, KINDS)
            issue, place = rng.choice(ISSUES), rng.choice(PLACES)
            mode = (
                ""
                if state in ("pending", "declined")
                else bulk.pick(rng, [("single", 0.85), ("split", 0.08), ("joint", 0.07)])
            )
            item = Item(
                committee=committee,
                channel="message",
                kind=kind,
                title=f"关于{place}{issue}的{KIND_WORDS[kind]}",
                text=f"{place}一带{issue}问题已持续一段时间，影响周边居民生活，希望有关部门尽快研究解决。" * 3,
                area=rng.choice(communities),
                category=issue,
                status=state,
                mode=mode,
                is_urgent=kind == "urgent",
                is_supervised=recent and rng.random() < 0.03,
                returned_count=1 if state == "pending" and rng.random() < 0.05 else 0,
                escalated_to_district=state == "pending" and rng.random() < 0.03,
                accepted_at=accepted,
                assigned_at=None if state in ("pending", "declined") else accepted + day * rng.uniform(0.1, 1.5),
                closed_at=accepted + day * rng.uniform(5, 30) if state in ("closed", "declined") else None,
                created_by=None,
                version=rng.randint(1, 8),
            )
            leads = rng.choices(units, weights=weights, k=2 if mode == "split" else 1) if mode else []
            if mode == "split" and leads[0].pk == leads[1].pk:
                leads = leads[:1]
            cos = [rng.choices(units, weights=weights)[0]] if mode == "joint" else []
            cos = [u for u in cos if u.pk not in {x.pk for x in leads}]
            items.append(item)
            plans.append((leads, cos))
        with transaction.atomic():
            assignments: list[Assignment] = []
            for item, (leads, cos) in zip(items, plans, strict=True):
                mine = [_assignment(rng, item, u, Assignment.Role.LEAD, now) for u in leads]
                mine += [_assignment(rng, item, u, Assignment.Role.CO, now) for u in cos]
                assignments.extend(mine)
                open_leads = [a for a in mine if a.role == Assignment.Role.LEAD and a.status in OPEN]
                item.due_at = min((a.effective_due_at for a in open_leads), default=None)
                item.is_overdue = any(a.is_overdue for a in open_leads)
            # Items first get their derived fields, then one insert each; the assignments pick up
            # the new item ids when they are saved.
            Item.objects.bulk_create(items, batch_size=BATCH)
            Assignment.objects.bulk_create(assignments, batch_size=BATCH)
            Message.objects.bulk_create(
                [
                    Message(
                        committee=committee,
                        item=item,
                        kind=item.kind,
                        title=item.title[:100],
                        text=item.text[:2000],
                        area=item.area,
                        name=rng.choice("陈李黄梁何张王刘") + rng.choice(["先生", "女士"]),
                        phone=f"13{rng.randint(0, 999999999):09d}",
                        tracking_code=f"B{item.pk:09d}",
                        submission_token=uuid.UUID(int=rng.getrandbits(128)),
                        publish_consent=rng.random() < 0.4,
                    )
                    for item in items
                ],
                batch_size=BATCH,
            )
            replies, requests = [], []
            for a in assignments:
                if a.role == "lead" and a.status in (S.AWAITING_RATING, S.CLOSED):
                    replies.append(
                        Reply(
                            assignment=a,
                            round=1,
                            body="经核查，已协调相关部门现场处置，并向留言群众反馈办理情况。",
                            category=rng.choice(CATEGORIES),
                            resolved=rng.random() < 0.7,
                            review=Reply.Review.PASSED,
                            created_by=staff[a.unit_id],
                        )
                    )
                elif a.status == S.RETURN_REQUESTED:
                    requests.append(
                        Request(
                            assignment=a,
                            kind=Request.Kind.RETURN,
                            reason="该事项不属于本单位职责范围。",
                            previous_status=S.SIGNED,
                            created_by=staff[a.unit_id],
                        )
                    )
            Reply.objects.bulk_create(replies, batch_size=BATCH)
            Request.objects.bulk_create(requests, batch_size=BATCH)
        made += size
        print(f"  {made}/{n} items ({time.monotonic() - t0:.0f}s)", file=sys.stderr)
    Notification.objects.bulk_create(
        [Notification(recipient=office, title=f"新事项待交办 {i}", url="/handling/") for i in range(300)]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"seeded {Item.objects.count()} items, {Assignment.objects.count()} assignments, "
        f"{Reply.objects.count()} replies in {time.monotonic() - t0:.0f}s",
        file=sys.stderr,
    )


def _assignment(rng: random.Random, item: Item, unit: Unit, role: str, now: dt.datetime) -> Assignment:
    start = item.assigned_at or item.accepted_at
    due = start + dt.timedelta(days=18 if item.kind != "urgent" else 0.1)
    status = {
        "handling": bulk.pick(rng, [(S.NEW, 0.18), (S.SIGNED, 0.80), (S.RETURN_REQUESTED, 0.02)]),
        "replied": S.AWAITING_RATING,
        "closed": S.CLOSED,
    }[item.status]
    return bulk.assignment(rng, item, unit, role, status, due, now, PACE)


def _session(user: User) -> str:
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def pages() -> dict[str, tuple[str, str]]:
    """Page name -> (URL, whose session)."""
    out = {"hello": ("/bench/hello", "office")}
    for name, url_name, who in (("workbench", "handling:workbench", "unit"), ("queue", "handling:queue", "office")):
        try:
            out[name] = (reverse(url_name), who)
        except NoReverseMatch:
            print(f"{url_name} does not exist yet; the API lists stand in for it", file=sys.stderr)
    out["api-assignments"] = ("/api/v1/assignments/?status=new,signed,return_requested", "unit")
    out["api-items"] = ("/api/v1/items/?status=pending", "office")
    if User.objects.filter(username=proposals_data.OFFICE).exists():
        out["proposal-review"] = (reverse("proposals:review"), "proposals")
        out["proposal-unit"] = (reverse("proposals:handling"), "unit")
        out["proposal-search"] = (reverse("proposals:review") + "?q=%E7%94%B5%E6%A2%AF", "proposals")  # 电梯
    return out


def _proposal_sessions() -> dict[str, str]:
    office = User.objects.filter(username=proposals_data.OFFICE).first()
    return {"proposals": _session(office)} if office else {}


def sessions() -> None:
    office = User.objects.get(username=OFFICE)
    unit = User.objects.get(username=UNIT_STAFF)
    open_here = Assignment.objects.filter(unit_id=unit.unit_id, status__in=(S.NEW, S.SIGNED, S.RETURN_REQUESTED))
    print(
        json.dumps(
            {
                "sessions": {"office": _session(office), "unit": _session(unit), **_proposal_sessions()},
                "pages": pages(),
                "unit": unit.unit.name,
                "unit_assignments": Assignment.objects.filter(unit_id=unit.unit_id).count(),
                "unit_open_assignments": open_here.count(),
                "pending_items": Item.objects.filter(status=Item.Status.PENDING).count(),
                "items": Item.objects.count(),
                **proposals_data.stats(),
            },
            ensure_ascii=False,
        )
    )


def explain(names: list[str]) -> None:
    """Per page: the number of queries, their time, and the plans of the slowest ones."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = {"office": User.objects.get(username=OFFICE), "unit": User.objects.get(username=UNIT_STAFF)}
    users.update(("proposals", u) for u in User.objects.filter(username=proposals_data.OFFICE))
    for name, (url, who) in pages().items():
        if names and name not in names:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[who])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get(url)
            total = (time.perf_counter() - t) * 1000
        queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        db_ms = sum(float(q["time"]) for q in queries) * 1000
        print(
            f"\n== {name} {url}: HTTP {r.status_code}, {len(queries)} queries, {db_ms:.1f} ms in SQL, "
            f"{total:.1f} ms in all",
            file=sys.stderr,
        )
        for q in ctx.captured_queries:
            print(f"   {float(q['time']) * 1000:5.1f} ms  {q['sql'][:160]}", file=sys.stderr)
        for q in queries[:3]:
            print(f"-- {float(q['time']) * 1000:.1f} ms: {q['sql'][:600]}", file=sys.stderr)
            if connection.vendor == "postgresql" and q["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    for (line,) in cursor.fetchall():
                        print("     " + line, file=sys.stderr)


def profile(names: list[str], n: int = 200) -> None:
    """Per page: the mean time of ``n`` requests in this process, then where the time goes (cProfile)."""
    import cProfile
    import pstats

    from django.test import Client

    users = {"office": User.objects.get(username=OFFICE), "unit": User.objects.get(username=UNIT_STAFF)}
    users.update(("proposals", u) for u in User.objects.filter(username=proposals_data.OFFICE))
    for name, (url, who) in pages().items():
        if names and name not in names:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[who])
        for _ in range(20):
            client.get(url)
        t = time.perf_counter()
        for _ in range(n):
            client.get(url)
        mean = (time.perf_counter() - t) * 1000 / n
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(n):
            client.get(url)
        prof.disable()
        print(f"\n== {name} {url}: {mean:.2f} ms per request over {n} requests", file=sys.stderr)
        stats = pstats.Stats(prof, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "45")))
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "seed":
        seed(int(sys.argv[2]))
    elif command == "seed-proposals":
        proposals_data.seed(int(sys.argv[2]))
    elif command == "sessions":
        sessions()
    elif command == "analyze":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elif command == "explain":
        explain(sys.argv[2:])
    elif command == "profile":
        profile(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
