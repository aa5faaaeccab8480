"""What each unit reads on an item: its own work, and the units it is told about (handling.permissions)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from xieshang.handling import permissions as perms
from xieshang.handling import services as loop
from xieshang.handling.models import Item

from .conftest import Driver, World


def test_in_split_handling_a_unit_is_not_told_the_other_units(world: World, drive: Driver) -> None:
    item = drive.assign(drive.accept(), Item.Mode.SPLIT, [world.dept1, world.dept2])
    staff1 = world.unit_user(world.dept1)
    assign = next(e for e in perms.visible_history(staff1, item) if e.action == "assign")
    assert assign.data["lead"] == ["区住建局"]
    page = Client()
    page.force_login(staff1)
    html = page.get(reverse("handling:item", args=[item.pk])).content.decode()
    # the return form lists every unit to suggest one; the history names only the unit's own
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "区住建局" in timeline and "区教育局" not in timeline
    office_view = next(e for e in perms.visible_history(world.office, item) if e.action == "assign")
    assert office_view.data["lead"] == ["区住建局", "区教育局"]


def test_the_lead_reads_the_co_units_opinions_and_a_co_unit_only_its_own(world: World, drive: Driver) -> None:
    item = drive.assign(drive.accept(), Item.Mode.JOINT, [world.dept1], [world.dept2, world.dept3])
    for unit, body in ((world.dept2, "教育局意见"), (world.dept3, "交通局意见")):
        a = item.assignments.get(unit=unit)
        drive.sign(a)
        loop.co_opinion_send(assignment_id=a.pk, actor=world.unit_user(unit), body=body)

    def bodies(user) -> list[str]:
        return sorted(perms.visible_opinions(user, item).values_list("body", flat=True))

    assert bodies(world.unit_user(world.dept1)) == ["交通局意见", "教育局意见"]
    assert bodies(world.unit_user(world.dept2)) == ["教育局意见"]
    assert bodies(world.unit_user(world.dept3)) == ["交通局意见"]
    assert bodies(world.leader) == ["交通局意见", "教育局意见"]
    assert bodies(world.unit_user(world.street_unit)) == []
    assert perms.known_unit_ids(world.unit_user(world.dept2), item) == {world.dept1.pk, world.dept2.pk}
    assert perms.known_unit_ids(world.unit_user(world.dept1), item) == {world.dept1.pk, world.dept2.pk, world.dept3.pk}
    assert perms.known_unit_ids(world.office, item) is None
