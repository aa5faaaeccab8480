from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("handling", "0003_assignment_successor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="request",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "pending"),
                    ("approved", "approved"),
                    ("refused", "refused"),
                    ("withdrawn", "no longer needed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
