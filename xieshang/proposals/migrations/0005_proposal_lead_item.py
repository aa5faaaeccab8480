from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0004_search_bigram_index")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True), ("status", "filed")),
                fields=["item"],
                name="proposal_lead_item",
            ),
        ),
    ]
