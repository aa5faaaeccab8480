"""Routing suggestions kept open on items that were assigned since (from the API or another channel's
page, which did not settle them) are settled against the lead units chosen: from now on 交办 settles
its suggestion itself, and no page settles rows when it is shown."""

from django.db import migrations


def settle(apps, schema_editor):
    RouteDecision = apps.get_model("handling", "RouteDecision")
    Assignment = apps.get_model("handling", "Assignment")
    for row in RouteDecision.objects.filter(decided_at__isnull=True).iterator():
        leads = list(
            Assignment.objects.filter(item_id=row.item_id, role="lead", assigned_at__gte=row.created_at)
            .order_by("assigned_at", "id")
            .values_list("unit_id", "assigned_at", "assigned_by_id")
        )
        if not leads:
            continue
        chosen = [unit_id for unit_id, _at, _by in leads]
        row.chosen_unit_id = chosen[0]
        row.accepted = row.suggested_unit_id is not None and row.suggested_unit_id in chosen
        row.decided_by_id = leads[0][2]
        row.decided_at = leads[0][1]
        row.save(update_fields=["chosen_unit", "accepted", "decided_by", "decided_at"])


class Migration(migrations.Migration):
    dependencies = [("handling", "0006_list_indexes")]

    operations = [migrations.RunPython(settle, migrations.RunPython.noop)]
