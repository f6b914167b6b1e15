from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.login_view, name="login"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("historik/", views.changelog, name="changelog"),
    path("aviseringar/", views.notifications, name="notifications"),
]
