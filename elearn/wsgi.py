"""WSGI entry point (gunicorn elearn.wsgi)."""

from django.core.wsgi import get_wsgi_application

from elearn.environment import configure

configure()
application = get_wsgi_application()
