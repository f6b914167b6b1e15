"""WSGI entry point for gunicorn: `gunicorn lis.wsgi`. Production settings by default."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis.settings.production")
application = get_wsgi_application()
