"""URLconf of the benchmark server: the site's own URLs plus a minimal baseline view (bench.settings only)."""

from django.http import HttpResponse
from django.urls import path

from elearn.urls import urlpatterns as base


def minimal(request):
    """The cheapest response Django can give through the site's full middleware stack: the baseline."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *base]
