# ruff: noqa: RUF012  (Django reads migration lists as class attributes)
# Joins the two 0002 migrations (portal integrity; upload checks and API tokens) and gives
# the audit log the actions both added; an upload check may be confirmed in advance (API).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("csww_portal", "0002_integrity_limits_and_sign_in"),
        ("csww_portal", "0002_upload_checks_and_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="uploadcheck",
            name="confirmed",
            field=models.BooleanField(
                default=False,
                help_text="Load it even if it empties the return or removes most of its workers.",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Signed in"),
                    ("login_failed", "Sign-in failed"),
                    ("restore", "Restored a version"),
                    ("upload", "Uploaded a file"),
                    ("edit", "Edited the return"),
                    ("note", "Added a note"),
                    ("submit", "Submitted"),
                    ("approve", "Approved"),
                    ("reopen", "Reopened"),
                    ("download", "Downloaded"),
                    ("familiarisation", "Deleted familiarisation data"),
                    ("token", "Issued or revoked an API token"),
                ],
                max_length=20,
            ),
        ),
    ]
