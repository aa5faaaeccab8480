from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_search_trigram_index")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                models.F("committee"),
                models.OrderBy(models.F("year"), descending=True),
                models.F("number"),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status__in", ["draft", "cosigning"]), _negated=True),
                name="proposal_staff_list",
            ),
        ),
    ]
