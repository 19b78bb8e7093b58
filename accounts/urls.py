"""The signed-in person's own data: download it, or erase the account."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("export/", views.my_data_export, name="my_data_export"),
    path("erase/", views.my_data_erase, name="my_data_erase"),
    path("erased/", views.erased, name="erased"),
]
