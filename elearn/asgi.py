"""ASGI entry point."""

from django.core.asgi import get_asgi_application

from elearn.environment import configure

configure()
application = get_asgi_application()
