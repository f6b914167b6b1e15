from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.login_view, name="login"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("losenord/", views.password_change, name="password_change"),
    path("historik/", views.changelog, name="changelog"),
    path("aviseringar/", views.notifications, name="notifications"),
    path("nivafarger.css", views.risk_level_css, name="risk_level_css"),
]
