from django.urls import path

from enrolments import views

app_name = "enrolments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("course/<int:page_id>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("lesson/<int:page_id>/complete/", views.complete_lesson, name="complete_lesson"),
]
