from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "csww_portal"
    verbose_name = "CSWW collection portal"
    default_auto_field = "django.db.models.BigAutoField"
