"""Smart assistance on the loop's pages: routing suggestions for the dispatcher, the record of what
was suggested and chosen, training samples from past assignments, the same-matter index, hotspots,
the reply check and the model page. A tiny router is trained from hand-made samples."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from xieshang.handling import assist, registry
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, RouteDecision
from xieshang.insight import services as insight_services
from xieshang.insight.models import RouterTraining

from .conftest import CHANNEL

HOUSING = [
    "小区加装电梯",
    "老旧小区改造",
    "楼房外墙脱落",
    "住宅楼顶漏水",
    "违章搭建阁楼",
    "物业维修基金",
]
SCHOOL = ["学校学位紧张", "幼儿园收费过高", "小学课后托管", "中学校服质量", "教师编制不足", "学生午餐营养"]
TRAFFIC = ["公交线路太少", "路口红绿灯时长", "道路拥堵严重", "公交站台破损", "货车超载上路", "地铁接驳公交"]
PLACES = ["张槎", "石湾", "祖庙", "南庄", "澜石", "季华"]


def samples(housing: str, school: str, traffic: str) -> list[tuple[str, str, str]]:
    out = []
    for topic, place in itertools.product(HOUSING, PLACES[:3]):
        out.append(
            (f"关于{place}{topic}的问题", f"{place}一带{topic}，住户反映房屋和楼道问题多，请住建部门处理。", housing)
        )
    for topic, place in itertools.product(SCHOOL, PLACES[:3]):
        out.append((f"关于{place}{topic}的问题", f"{place}{topic}，家长反映孩子上学读书不便，请教育部门解决。", school))
    for topic, place in itertools.product(TRAFFIC, PLACES[:3]):
        out.append((f"关于{place}{topic}的问题", f"{place}{topic}，市民出行坐车走路不便，请交通部门改善。", traffic))
    return out


@pytest.fixture
def tiny_router(world, settings, tmp_path: Path):
    """A router trained on hand-made samples labelled with the world's unit names; no shared data."""
    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    settings.XIESHANG_SHARED_DATA = tmp_path / "no-shared-data"
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()
    insight_services.route_train(samples(world.dept1.name, world.dept2.name, world.dept3.name))
    yield
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()


def _accept(drive, title: str, text: str, **kw) -> Item:
    return drive.accept(title=title, text=text, **kw)


def _lift(drive) -> Item:
    return _accept(drive, "关于南庄小区加装电梯的问题", "南庄某小区楼房没有电梯，老人上下楼困难，住户希望加装电梯。")


# --- the suggestion panel ----------------------------------------------------------------------------


def test_dispatcher_sees_suggested_unit_with_confidence(client, world, drive, tiny_router):
    item = _lift(drive)
    client.force_login(world.office)
    resp = client.get(reverse("handling:assist_panel", args=[item.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "智能交办建议" in html
    first = html.index("assist-unit")
    assert world.dept1.name in html[first : first + 200]
    assert "置信度" in html and f'data-assist-unit="{world.dept1.pk}"' in html
    # the item page renders the panel at once now that model and index are in memory
    page = client.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert f'data-assist-unit="{world.dept1.pk}"' in page and 'hx-trigger="load"' not in page


def test_panel_is_for_dispatchers_only(client, world, drive, tiny_router):
    item = _lift(drive)
    drive.assign(_lift(drive), Item.Mode.SINGLE, [world.dept1])
    assigned = Item.objects.exclude(pk=item.pk).get()
    url = reverse("handling:assist_panel", args=[assigned.pk])
    for user in (world.unit_user(world.dept1), world.leader, world.member, world.foreign_office):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.role
    client.force_login(world.unit_user(world.dept1))
    page = client.get(reverse("handling:item", args=[assigned.pk])).content.decode()
    assert "assist-panel" not in page and "智能交办建议" not in page
    client.force_login(world.leader)
    page = client.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "assist-panel" not in page


def test_item_page_loads_the_panel_later_when_the_index_is_not_ready(client, world, drive, tiny_router):
    item = _lift(drive)
    client.force_login(world.office)
    page = client.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert f'hx-get="{reverse("handling:assist_panel", args=[item.pk])}"' in page
    assert 'hx-trigger="load"' in page


def test_accepting_and_changing_the_suggestion_are_recorded(client, world, drive, tiny_router):
    client.force_login(world.office)
    lift = _lift(drive)
    school = _accept(drive, "关于石湾学校学位紧张的问题", "石湾学校学位紧张，家长反映孩子上学难，希望增加学位。")
    for item in (lift, school):
        client.get(reverse("handling:assist_panel", args=[item.pk]))
        client.get(reverse("handling:item", args=[item.pk]))
    # showing the suggestion writes nothing; 交办 records it with the choice
    assert not RouteDecision.objects.exists()

    def assign(item, unit):
        item.refresh_from_db()
        data = {"mode": "single", "lead_units": [unit.pk], "version": item.version, "reason": ""}
        resp = client.post(reverse("handling:item_assign", args=[item.pk]), data)
        assert resp.status_code == 302

    assign(lift, world.dept1)  # accepted
    assign(school, world.dept3)  # changed
    accepted = RouteDecision.objects.get(item=lift)
    changed = RouteDecision.objects.get(item=school)
    assert (accepted.suggested_unit, changed.suggested_unit) == (world.dept1, world.dept2)
    assert (accepted.accepted, accepted.chosen_unit, accepted.decided_by) == (True, world.dept1, world.office)
    assert (changed.accepted, changed.chosen_unit) == (False, world.dept3)
    rate = assist.acceptance(world.committee.pk)
    assert (rate.decided, rate.accepted, rate.percent) == (2, 1, "50.0%")


def test_training_samples_are_the_committees_past_lead_assignments(world, drive, tiny_router):
    kept = drive.single(world.dept2, title="关于祖庙幼儿园收费过高的问题", text="幼儿园收费过高。")
    returned = drive.single(world.dept3, title="关于季华学校学位的问题", text="学位紧张。")
    a = drive.lead(returned, world.dept3)
    loop.assignment_request_return(assignment_id=a.pk, actor=world.unit_user(world.dept3), reason="不属于本单位职责")
    req = a.requests.get()
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True, note="")
    assert Assignment.objects.get(pk=a.pk).status == Assignment.Status.RETURNED
    drive.assign(Item.objects.get(pk=returned.pk), Item.Mode.SINGLE, [world.dept2])
    elsewhere = loop.item_accept(
        committee=world.other_committee, channel=CHANNEL, title="关于公交线路的问题", text="公交太少。"
    )
    assert elsewhere.pk
    got = assist.training_samples(world.committee.pk)
    assert sorted(got) == sorted(
        [
            (kept.title, kept.text, world.dept2.name),
            (returned.title, returned.text, world.dept2.name),
        ]
    )


# --- same matter ------------------------------------------------------------------------------------


def test_index_is_updated_incrementally_and_rebuilt_when_damaged(world, drive, tiny_router, settings):
    first = _lift(drive)
    index = assist.item_index(world.committee.pk)
    assert index.max_item_id == first.pk and len(index) == 1
    path = Path(settings.XIESHANG_MODEL_DIR) / f"items-{world.committee.pk}.joblib"
    assert path.is_file()
    second = _accept(drive, "南庄小区没有电梯老人上下楼难", "南庄某小区楼房没有电梯，老人上下楼困难，请求加装电梯。")
    hits = assist.same_matter_ids(world.committee.pk, first.title, first.text, exclude={first.pk})
    assert [pk for pk, *_ in hits] == [second.pk]
    assert assist.item_index(world.committee.pk) is index and index.max_item_id == second.pk
    # another process finds a damaged file: it rebuilds from the database
    assist.forget_indexes()
    path.write_bytes(b"not an index")
    rebuilt = assist.item_index(world.committee.pk)
    assert rebuilt is not index and len(rebuilt) == 2 and rebuilt.max_item_id == second.pk


def test_same_matter_list_leaves_out_the_item_itself_and_other_committees(client, world, drive, tiny_router):
    text = "南庄某小区楼房没有电梯，老人上下楼困难，住户希望加装电梯。"
    item = _accept(drive, "关于南庄小区加装电梯的问题", text)
    twin = _accept(drive, "南庄小区老人盼加装电梯", text + "已经反映多次。")
    unrelated = _accept(drive, "关于石湾公交线路太少的问题", "石湾公交线路太少，市民出行不便。")
    foreign = loop.item_accept(committee=world.other_committee, channel=CHANNEL, title=item.title, text=text)
    client.force_login(world.office)
    html = client.get(reverse("handling:assist_panel", args=[item.pk])).content.decode()
    similar = html[html.index("疑似同一事项") :]
    assert f"#{twin.pk} " in similar
    # shown as a measured likelihood in words, never as a bare similarity percentage
    assert "<strong>很可能</strong>是同一事项" in similar and "相似度" not in html
    for other in (item, unrelated, foreign):
        assert reverse("handling:item", args=[other.pk]) not in similar


# --- hotspots ---------------------------------------------------------------------------------------


def test_hotspots_rank_the_larger_matter_first(client, world, drive, tiny_router, clock):
    lift = [
        "南庄某小区楼房没有电梯，老人上下楼困难，希望加装电梯。",
        "南庄小区加装电梯的事拖了很久，老人爬楼太辛苦。",
        "请尽快为南庄小区楼房加装电梯，方便老人上下楼。",
        "南庄小区的老人上下楼困难，加装电梯进展缓慢。",
    ]
    noise = ["石湾工地夜间施工噪音很大，居民无法休息。", "石湾某工地深夜施工，噪音扰民严重。"]
    for text in lift:
        _accept(drive, "南庄小区加装电梯", text, area=world.street)
        clock.advance(days=1)
    for text in noise:
        _accept(drive, "石湾工地夜间施工噪音", text)
        clock.advance(days=1)
    _accept(drive, "祖庙学校学位", "祖庙学校学位紧张，孩子上学难。")
    client.force_login(world.office)
    resp = client.get(reverse("handling:hotspots"))
    assert resp.status_code == 200
    html = resp.content.decode()
    for head in ("热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"):
        assert head in html
    rows = resp.context["rows"]
    assert [r.count for r in rows] == [4, 2]
    assert rows[0].heat > rows[1].heat and "电梯" in rows[0].description
    assert world.street.name in rows[0].place
    assert rows[0].period.count("/") == 4
    for it in rows[0].items:
        assert reverse("handling:item", args=[it.pk]) in html
    client.force_login(world.unit_user(world.dept1))
    assert client.get(reverse("handling:hotspots")).status_code == 403


def test_a_hotspot_never_joins_two_communities_unless_the_texts_name_one_site(client, world, drive, tiny_router, clock):
    from xieshang.organisations.tests.factories import AreaFactory

    other = AreaFactory(code="T440604011002", name="大富社区", level=world.community.level, parent=world.street)
    lamp = "某路段路灯长期不亮，晚上漆黑一片，老人小孩出行很不安全，请有关部门尽快派人维修路灯。"
    for area in (world.community, world.community, other, other, world.street):
        _accept(drive, "路灯不亮请维修", lamp, area=area)
        clock.advance(days=1)
    client.force_login(world.office)
    rows = client.get(reverse("handling:hotspots")).context["rows"]
    # one hotspot per community; the message filed under their street may join either, not both
    assert sorted(len({i.area_id for i in r.items} - {world.street.pk}) for r in rows) == [1, 1]
    assert sum(r.count for r in rows) in (4, 5)


def test_hotspots_group_by_posting_time_only_items_the_public_sends_over_months(world, drive, monkeypatch):
    from django.core.cache import cache

    seen: list[bool] = []

    def spy(docs, top, *, now=None, by_time=True):
        seen.append(by_time)
        return []

    monkeypatch.setattr(assist.hotspots, "insight_hotspots", spy)
    # the test channel says its items come in bursts, as the messages channel does
    monkeypatch.setattr(registry.get(CHANNEL), "bursty", True)
    first = _lift(drive)
    _accept(drive, "石湾工地夜间施工噪音", "石湾某工地深夜施工，噪音扰民严重。")
    start, end = timezone.now() - dt.timedelta(days=30), timezone.now() + dt.timedelta(days=1)
    cache.clear()
    assist.hotspot_rows(world.committee.pk, start, end)
    # a session's proposals or a consultation's suggestions arrive together: time says nothing there
    Item.objects.filter(pk=first.pk).update(channel="proposal")
    cache.clear()
    assist.hotspot_rows(world.committee.pk, start, end)
    assert seen == [True, False]


def test_hotspots_page_rejects_a_bad_period_with_a_message(client, world, tiny_router):
    client.force_login(world.leader)
    resp = client.get(reverse("handling:hotspots"), {"start": "2024-05-01", "end": "2024-01-01"})
    assert resp.status_code == 200 and "结束日期不能早于开始日期" in resp.content.decode()
    resp = client.get(reverse("handling:hotspots"), {"start": "not-a-date", "top": "abc"})
    assert resp.status_code == 200 and "请填写正确的开始日期" in resp.content.decode()


# --- reply check ------------------------------------------------------------------------------------


GOOD_REPLY = (
    "关于南庄小区加装电梯的问题，我局已会同街道到现场查看。根据《佛山市既有住宅增设电梯指导意见》第八条规定，"
    "既有住宅加装电梯须经本单元业主三分之二以上同意。目前该小区已有三个单元完成意见征集，我局将指导业主提交"
    "申请材料，符合条件的按照规定给予每台电梯财政补贴，预计年底前完成首批加装，老人上下楼困难将得到缓解。"
)


def test_reply_check_flags_a_thin_reply_and_passes_a_good_one(client, world, drive, tiny_router):
    item = drive.single(world.dept1, title="关于南庄小区加装电梯的问题", text="南庄小区没有电梯，老人上下楼困难。")
    a = drive.lead(item)
    drive.sign(a)
    client.force_login(world.unit_user(world.dept1))
    page = client.get(reverse("handling:item", args=[item.pk])).content.decode()
    url = reverse("handling:reply_check", args=[a.pk])
    assert f'hx-post="{url}"' in page and "检查答复" in page
    thin = client.post(url, {f"p{a.pk}-body": "您好，已收悉，感谢您的留言。"}).content.decode()
    assert 'data-flag="too_thin"' in thin and 'data-flag="no_basis"' in thin
    good = client.post(url, {f"p{a.pk}-body": GOOD_REPLY}).content.decode()
    assert "data-flag" not in good and "未发现问题" in good
    # hints only: the thin reply can still be submitted
    a.refresh_from_db()
    resp = client.post(
        reverse("handling:assignment_reply", args=[a.pk]),
        {f"p{a.pk}-body": "您好，已收悉。", f"p{a.pk}-category": "a", f"p{a.pk}-version": a.version},
    )
    assert resp.status_code == 302
    # the office sees the flags at review; another unit cannot use the endpoint
    client.force_login(world.office)
    review = client.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert 'data-flag="too_thin"' in review and "供审核时参考" in review
    # ... and in the queue's 答复审核 tab, beside the reply
    tab = client.get(reverse("handling:queue"), {"tab": "replies"}).content.decode()
    assert "您好，已收悉。" in tab and 'data-flag="too_thin"' in tab
    client.force_login(world.unit_user(world.dept2))
    assert client.post(url, {"body": "x"}).status_code == 404


# --- the model page ---------------------------------------------------------------------------------


def test_model_page_enqueues_training_on_history_and_shows_progress(client, world, drive, tiny_router, settings):
    settings.XIESHANG_ROUTING_MIN_HISTORY = 6
    for title, text, unit in samples(world.dept1.name, world.dept2.name, world.dept3.name)[::9]:
        drive.single(next(u for u in (world.dept1, world.dept2, world.dept3) if u.name == unit), title=title, text=text)
    client.force_login(world.office)
    page = client.get(reverse("handling:assist_model")).content.decode()
    assert "本会历史交办记录（6 条）" in page and "重新训练" in page
    resp = client.post(reverse("handling:assist_train"))
    assert resp.status_code == 302
    run = RouterTraining.objects.get()
    assert run.status == RouterTraining.Status.DONE and run.progress == 1.0
    assert run.metrics["n_train"] == 6 and set(run.metrics["labels"]) == {
        world.dept1.name,
        world.dept2.name,
        world.dept3.name,
    }
    page = client.get(reverse("handling:assist_model")).content.decode()
    assert f"第 {run.pk} 次训练" in page and "已完成" in page and "训练样本 6 条" in page and "<progress" in page
    frag = client.get(reverse("handling:assist_training", args=[run.pk])).content.decode()
    assert "every 2s" not in frag  # done: no more polling
    RouterTraining.objects.filter(pk=run.pk).update(status=RouterTraining.Status.RUNNING, progress=0.4)
    frag = client.get(reverse("handling:assist_training", args=[run.pk])).content.decode()
    assert "every 2s" in frag and 'value="40"' in frag
    # a second click while one runs does not start another
    client.post(reverse("handling:assist_train"))
    assert RouterTraining.objects.count() == 1
    for user in (world.leader, world.unit_user(world.dept1)):
        client.force_login(user)
        assert client.get(reverse("handling:assist_model")).status_code == 403


def test_model_page_counts_the_units_and_samples_of_the_loaded_model(client, world, tiny_router):
    """Also for a model no training run recorded (the first one, trained when first needed)."""
    assert not RouterTraining.objects.exists()
    assert assist.router.ready(wait=10)
    client.force_login(world.office)
    page = client.get(reverse("handling:assist_model")).content.decode()
    n = len(samples(world.dept1.name, world.dept2.name, world.dept3.name))
    assert "<b>3</b><span>模型可建议的承办单位" in page
    assert f"<dt>训练样本</dt><dd>{n} 条</dd>" in page


def test_without_enough_history_the_training_uses_the_shipped_data(world, drive, tiny_router, settings, tmp_path):
    drive.single(world.dept1)
    drive.single(world.dept2)
    # no shipped data on this server: the little history there is, once it names two units
    plan = assist.training_plan(world.committee.pk)
    assert (plan.source, plan.n_history, len(plan.samples)) == ("history", 2, 2)
    shipped = tmp_path / "shared" / "routing"
    shipped.mkdir(parents=True)
    (shipped / "messages_dev.csv").write_text("id,title,detail,label\n", encoding="utf-8")
    settings.XIESHANG_SHARED_DATA = tmp_path / "shared"
    plan = assist.training_plan(world.committee.pk)
    assert plan.samples is None and plan.source == "shared" and plan.available


def test_with_nothing_to_train_on_the_button_refuses_with_a_message(client, world, drive, tiny_router):
    drive.single(world.dept1)
    client.force_login(world.office)
    page = client.get(reverse("handling:assist_model")).content.decode()
    assert "暂无可用数据" in page
    resp = client.post(reverse("handling:assist_train"), follow=True)
    assert "暂无可用的训练数据" in resp.content.decode()
    assert not RouterTraining.objects.exists()


@pytest.fixture
def shipped_router(settings, tmp_path: Path):
    """The cold start: no model file, the shipped data present (skips when it is not)."""
    shared = Path(settings.XIESHANG_SHARED_DATA)
    if not (shared / "routing" / "messages_dev.csv").is_file():
        pytest.skip(f"shared data absent: {shared}/routing/messages_dev.csv not found")
    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()
    yield
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()


def test_without_history_suggestions_come_from_the_shipped_data_mapped_to_units(world, drive, shipped_router):
    from xieshang.insight import defaults
    from xieshang.organisations.models import Unit

    units = {
        name: Unit.objects.get_or_create(committee=world.committee, name=name)[0]
        for name in defaults.INSIGHT_CATEGORY_UNITS.values()
    }
    assert assist.router.ready(wait=120)
    got = assist.suggest_units(
        world.committee.pk, "孩子上小学学位不够", "我家孩子今年上小学，片区学校学位不够，教育部门能否增加学位。"
    )
    assert got and got[0].unit == units["区教育局"] and 0 < got[0].confidence <= 1
    assert insight_services.model_path().is_file()


def test_the_router_reads_the_place_an_item_was_filed_under(world, drive, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """属地管理: the unit depends on the place as well as the kind, so the router learns and asks with
    the names of the item's area before its title."""
    filed = _accept(drive, "路灯不亮", "晚上路灯不亮，出行不便。", area=world.community)
    drive.assign(filed, Item.Mode.SINGLE, [world.street_unit])
    place = f"{world.district.name} {world.street.name} {world.community.name}"
    assert (f"{place} 路灯不亮", "晚上路灯不亮，出行不便。", world.street_unit.name) in assist.training_samples(
        world.committee.pk
    )
    asked: list[str] = []
    monkeypatch.setattr(
        "xieshang.handling.assist.routing.route_suggest", lambda text, title, *a, **k: asked.append(title) or []
    )
    assist.suggest_units(world.committee.pk, "路灯不亮", "晚上路灯不亮。", world.community.pk)
    assist.suggest_units(world.committee.pk, "路灯不亮", "晚上路灯不亮。")
    assert asked == [f"{place} 路灯不亮", "路灯不亮"]


def test_a_suggestion_never_reads_as_certain(world) -> None:  # type: ignore[no-untyped-def]
    assert assist.UnitSuggestion(unit=world.dept2, confidence=0.9991).percent == 99
    assert assist.UnitSuggestion(unit=world.dept2, confidence=0.734).percent == 73
    assert assist.UnitSuggestion(unit=world.dept2, confidence=0.0).percent == 0


def test_the_messages_channel_is_the_bursty_one():
    """Bursts are a flag each channel sets on its registration; the engine names no channel."""
    import xieshang.messages.channel  # noqa: F401 - registers the channel

    assert registry.get("message").bursty
    assert "message" in assist.bursty_channels()
    assert not registry.get(CHANNEL).bursty
