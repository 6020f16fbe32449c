from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "csww_portal"
    verbose_name = "CSWW collection portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from csww_portal.services import workbooks  # noqa: F401  (deletes kept workbooks)
