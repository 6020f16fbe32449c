from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "csww_portal"
    verbose_name = "CSWW collection portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Their signal receivers delete kept files with their rows.
        from csww_portal.services import storage, workbooks  # noqa: F401
