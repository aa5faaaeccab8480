"""Notices before activities and reminders for minutes: an idempotent periodic scan.

Defaults follow DOMAIN §5: participants are notified 15 working days before an activity,
materials are due 10 working days before, minutes within 7 working days after it ends.
Each notice is logged once per activity, kind and due date (``ActivityNotice``), so running the
scan again, or in two processes, sends nothing twice; if an activity moves, the new due date
is a new notice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xieshang.core.notify import notify
from xieshang.organisations.models import User
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period, table

from .models import Activity, ActivityNotice, Attachment

NOTICE_WORKDAYS: int = getattr(settings, "XIESHANG_ACTIVITY_NOTICE_WORKDAYS", 15)
MATERIALS_WORKDAYS: int = getattr(settings, "XIESHANG_ACTIVITY_MATERIALS_WORKDAYS", 10)
MINUTES_WORKDAYS: int = getattr(settings, "XIESHANG_ACTIVITY_MINUTES_WORKDAYS", 7)


def workdays_before(moment: dt.datetime, amount: int) -> dt.datetime:
    """The start (00:00) of the working day ``amount`` working days before ``moment``'s day."""
    t = table()
    day = timezone.localtime(moment).date()
    counted = 0
    while counted < amount:
        day -= dt.timedelta(days=1)
        if t.is_workday(day):
            counted += 1
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


def notice_due(activity: Activity) -> dt.datetime:
    return workdays_before(activity.starts_at, NOTICE_WORKDAYS)


def materials_due(activity: Activity) -> dt.datetime:
    return workdays_before(activity.starts_at, MATERIALS_WORKDAYS)


def minutes_due(activity: Activity) -> dt.datetime:
    return add_period(activity.ends_at, MINUTES_WORKDAYS, TimeUnit.WORKDAY).at


def _once(activity: Activity, kind: str, due: dt.datetime, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            ActivityNotice.objects.create(
                activity=activity, kind=kind, due_at=due, late=now > due + dt.timedelta(days=1)
            )
    except IntegrityError:
        return False
    return True


def _participants(activity: Activity) -> list[User]:
    return [p.user for p in activity.participants.select_related("user").exclude(attendance="on_leave") if p.user_id]


def _organisers(activity: Activity) -> list[User]:
    users = [activity.created_by] if activity.created_by_id else []
    if not users:
        users = list(User.objects.filter(committee_id=activity.committee_id, role=User.Role.OFFICE, is_active=True))
    return users


def _when(activity: Activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%Y年%m月%d日 %H:%M}"


def scan_activity_notices(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"notices": 0, "materials": 0, "minutes_due": 0, "minutes_overdue": 0}
    url = "/consultations/activities/{}/"
    upcoming = Activity.objects.filter(status=Activity.Status.PLANNED, starts_at__gt=now).select_related("created_by")
    for a in upcoming.iterator():
        due = notice_due(a)
        if now >= due and _once(a, ActivityNotice.Kind.NOTICE, due, now):
            users = _participants(a)
            body = f"时间：{_when(a)}；地点：{a.location or '另行通知'}。如不能参加，请在活动开始前请假。"
            transaction.on_commit(
                lambda a=a, users=users, body=body: notify(
                    users,
                    title=f"活动通知：{a.title}",
                    body=body,
                    url=url.format(a.pk),
                    dedupe_key=f"activity:{a.pk}:notice:{a.starts_at:%Y%m%d%H%M}",
                )
            )
            counts["notices"] += 1
        due = materials_due(a)
        if now >= due and _once(a, ActivityNotice.Kind.MATERIALS, due, now):
            has_materials = a.attachments.filter(kind=Attachment.Kind.MATERIALS).exists()
            if has_materials:
                users, title = _participants(a), f"会议材料已提供，请提前阅读：{a.title}"
            else:
                users, title = _organisers(a), f"请于活动前 {MATERIALS_WORKDAYS} 个工作日提供会议材料：{a.title}"
            transaction.on_commit(
                lambda a=a, users=users, title=title: notify(
                    users,
                    title=title,
                    url=url.format(a.pk),
                    dedupe_key=f"activity:{a.pk}:materials:{a.starts_at:%Y%m%d%H%M}",
                )
            )
            counts["materials"] += 1
    ended = Activity.objects.filter(
        status__in=[Activity.Status.PLANNED, Activity.Status.HELD], ends_at__lte=now, minutes_recorded_at__isnull=True
    ).select_related("created_by")
    for a in ended.iterator():
        due = minutes_due(a)
        kind = ActivityNotice.Kind.MINUTES_DUE if now <= due else ActivityNotice.Kind.MINUTES_OVERDUE
        if _once(a, kind, due, now):
            when = f"{timezone.localtime(due):%Y-%m-%d}"
            title = (
                f"请于 {when} 前提交活动纪要：{a.title}"
                if kind == ActivityNotice.Kind.MINUTES_DUE
                else f"活动纪要已超期（应于 {when} 前提交）：{a.title}"
            )
            users = _organisers(a)
            transaction.on_commit(
                lambda a=a, users=users, title=title, kind=kind: notify(
                    users,
                    title=title,
                    url=url.format(a.pk),
                    dedupe_key=f"activity:{a.pk}:{kind}",
                )
            )
            counts[kind] += 1
    return counts
