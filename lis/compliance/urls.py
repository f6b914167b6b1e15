from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("paminnelser/", views.reminders_page, name="reminders"),
    path("paminnelser/kalender/", views.calendar_token, name="calendar_token"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
