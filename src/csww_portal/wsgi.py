"""WSGI entry point: ``waitress-serve csww_portal.wsgi:application`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csww_portal.settings")
application = get_wsgi_application()
