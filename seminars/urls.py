from django.urls import path

from seminars import views

app_name = "seminars"

urlpatterns = [
    path("feed.ics", views.feed_ics, name="feed"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/roster/", views.roster, name="roster"),
]
