# ruff: noqa: RUF012  (Django reads migration lists as class attributes)

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("csww_portal", "0006_throttle_counts_shared_by_every_process"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkbookLease",
            fields=[
                ("slot", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(unique=True)),
                ("holder", models.CharField(help_text="One making's random id.", max_length=32)),
                (
                    "expires",
                    models.FloatField(
                        help_text="When the lease ends unless renewed (Unix time, s)."
                    ),
                ),
            ],
        ),
    ]
