from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0001_reports_bulletins_adoptions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opinionreport",
            index=models.Index(fields=["committee", "submitted_at"], name="opinion_committee_submitted"),
        ),
    ]
