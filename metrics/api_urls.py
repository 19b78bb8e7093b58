"""`/api/v1/`: the metrics API and its OpenAPI schema (no UI: drf-spectacular's load their assets from a CDN)."""

from django.urls import path, re_path

from metrics import api, selectors

app_name = "metrics_api"

urlpatterns = [
    path("metrics/headline/", api.HeadlineView.as_view(), name="headline"),
    re_path(rf"^metrics/breakdown/(?P<group>{'|'.join(selectors.GROUPS)})/$", api.BreakdownView.as_view(),
            name="breakdown"),
    path("metrics/monthly/", api.MonthlyView.as_view(), name="monthly"),
    path("metrics/targets/", api.TargetsView.as_view(), name="targets"),
    path("schema/", api.SchemaView.as_view(), name="schema"),
]
