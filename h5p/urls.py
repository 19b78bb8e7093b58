from django.urls import path, re_path

from h5p import views

app_name = "h5p"

urlpatterns = [
    path("xapi/", views.xapi, name="xapi"),
    path("play/<str:token>/", views.player, name="player"),
    re_path(r"^play/(?P<token>[^/]+)/package/(?P<path>.+)$", views.package_file, name="package_file"),
    re_path(r"^play/(?P<token>[^/]+)/libraries-(?P<version>[0-9a-f]+)/(?P<path>.+)$", views.library_file,
            name="library_file"),
    path("play/<str:token>/state/<str:data_type>/<str:sub_content_id>", views.user_data, name="user_data"),
]
