"""Writes over accounts, units and members. Administrators only; every change is audited."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xieshang.areas.models import Area
from xieshang.core import audit
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text

from .models import Committee, Member, Sector, Term, Unit, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
_UNIT_AREA_LEVEL: dict[str, int] = {Unit.Kind.STREET: Area.Level.STREET, Unit.Kind.COMMUNITY: Area.Level.COMMUNITY}


def _require_admin(actor: Any) -> None:
    # ``actor=None`` is the system itself (management commands such as seed_demo).
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDeniedError("只有系统管理员可以维护账号、单位和委员名册。")


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    committee: Committee | None,
    full_name: str = "",
    unit: Unit | None = None,
    office: str = "",
    is_superuser: bool = False,
    check_password_strength: bool = True,
) -> User:
    """Create an account. Unit staff need a unit of the same committee; committee staff an office."""
    _require_admin(actor)
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ServiceError("用户名须为 3 位以上的字母、数字或 _ . @ + -。")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名「{username}」已被使用。")
    if role not in User.Role.values:
        raise ServiceError("请选择角色。")
    if office not in User.Office.values:
        raise ServiceError("所属部门无效。")
    if role == User.Role.UNIT:
        if unit is None:
            raise ServiceError("承办单位工作人员须选择所属承办单位。")
        if committee is not None and unit.committee_id != committee.pk:
            raise ServiceError("承办单位不属于该政协。")
    elif unit is not None:
        raise ServiceError("只有承办单位工作人员可以关联承办单位。")
    user = User(
        username=username,
        full_name=clean_text(full_name, field="姓名", limit=50, required=False, single_line=True),
        role=role,
        office=office,
        committee=committee,
        unit=unit,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError("密码不符合要求：" + "；".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    audit.record(thread=f"user:{user.pk}", target=user, action="user_create", actor=actor, to_state=role)
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str, check_password_strength: bool = True) -> User:
    _require_admin(actor)
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError("密码不符合要求：" + "；".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(thread=f"user:{user.pk}", target=user, action="user_set_password", actor=actor)
    return user


@transaction.atomic
def user_set_language(*, actor: Any, user: User, language: str) -> User:
    """The script a person reads the site in (简体 or 繁體). Each person chooses their own; the change
    is audited. Choosing the one already set changes nothing and writes no audit row."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise PermissionDeniedError("只能设置自己的显示语言。")
    if language not in User.Language.values:
        raise ServiceError("请选择简体中文或繁體中文。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.language == language:
        return user
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        thread=f"user:{user.pk}",
        target=user,
        action="user_set_language",
        actor=actor,
        from_state=before,
        to_state=language,
    )
    return user


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    committee: Committee,
    name: str,
    kind: str = Unit.Kind.DEPARTMENT,
    short_name: str = "",
    area: Area | None = None,
) -> Unit:
    """A handling unit. A town, street or village committee answers for an area of its own level,
    which is what escalation (村居 → 镇街 → 区) follows."""
    _require_admin(actor)
    name = clean_text(name, field="单位名称", limit=100, single_line=True)
    if kind not in Unit.Kind.values:
        raise ServiceError("单位类型无效。")
    expected = _UNIT_AREA_LEVEL.get(kind)
    if expected is not None and (area is None or area.level != expected):
        raise ServiceError(f"「{Unit.Kind(kind).label}」须关联一个{Area.Level(expected).label}级区域。")
    if Unit.objects.filter(committee=committee, name=name).exists():
        raise ServiceError(f"承办单位「{name}」已存在。")
    unit = Unit.objects.create(
        committee=committee,
        name=name,
        kind=kind,
        short_name=clean_text(short_name, field="单位简称", limit=30, required=False, single_line=True),
        area=area,
    )
    audit.record(thread=f"unit:{unit.pk}", target=unit, action="unit_create", actor=actor)
    return unit


@transaction.atomic
def member_create(
    *,
    actor: Any,
    term: Term,
    name: str,
    sector: Sector | None = None,
    gender: str = "",
    party: str = "",
    is_standing: bool = False,
    is_hk_macao: bool = False,
    workplace: str = "",
    user: User | None = None,
) -> Member:
    _require_admin(actor)
    name = clean_text(name, field="委员姓名", limit=50, single_line=True)
    if sector is not None and sector.committee_id != term.committee_id:
        raise ServiceError("界别不属于该政协。")
    if user is not None and Member.objects.filter(user=user).exists():
        raise ServiceError("该账号已关联其他委员。")
    member = Member.objects.create(
        committee_id=term.committee_id,
        term=term,
        name=name,
        sector=sector,
        gender=(gender or "")[:2],
        party=clean_text(party, field="党派", limit=30, required=False, single_line=True),
        is_standing=is_standing,
        is_hk_macao=is_hk_macao,
        workplace=clean_text(workplace, field="工作单位及职务", limit=100, required=False, single_line=True),
        user=user,
    )
    audit.record(thread=f"member:{member.pk}", target=member, action="member_create", actor=actor)
    return member
