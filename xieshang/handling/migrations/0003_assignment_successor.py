import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("handling", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                help_text="The assignment that took over after a reassignment or escalation.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="handling.assignment",
                verbose_name="passed on to",
            ),
        ),
    ]
