from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("planera/", views.notice_create, name="notice_create"),
    path("storning/", views.disruption_create, name="disruption_create"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/andra/", views.notice_edit, name="notice_edit"),
    path("<int:pk>/avisera/", views.notice_notify, name="notice_notify"),
    path("<int:pk>/paborja/", views.notice_start, name="notice_start"),
    path("<int:pk>/avsluta/", views.notice_close, name="notice_close"),
    path("<int:pk>/stall-in/", views.notice_cancel, name="notice_cancel"),
    path("kalender/<str:token>/driftinformation.ics", views.feed, name="feed"),
]
