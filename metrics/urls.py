from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:name>/", views.TableExportView.as_view(), name="export"),
    path("chart/<slug:name>.svg", views.chart, name="chart"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/pdf/", views.report_download, name="report_download"),
]
