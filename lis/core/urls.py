from django.urls import path

from . import job_views, mfa_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.login_view, name="login"),
    path("logga-in/verifiera/", mfa_views.login_second_step, name="login_mfa"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("tvastegsverifiering/", mfa_views.overview, name="mfa"),
    path("tvastegsverifiering/app/", mfa_views.totp_add, name="mfa_totp"),
    path("tvastegsverifiering/app/qr.svg", mfa_views.totp_qr, name="mfa_totp_qr"),
    path("tvastegsverifiering/nyckel/", mfa_views.webauthn_add, name="mfa_webauthn"),
    path("tvastegsverifiering/reservkoder/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("tvastegsverifiering/<int:pk>/ta-bort/", mfa_views.remove, name="mfa_remove"),
    path("losenord/", views.password_change, name="password_change"),
    path("historik/", views.changelog, name="changelog"),
    path("aviseringar/", views.notifications, name="notifications"),
    path("nivafarger.css", views.risk_level_css, name="risk_level_css"),
    path("dokument/<int:pk>/", job_views.job_detail, name="job"),
    path("dokument/<int:pk>/fil/", job_views.job_download, name="job_download"),
    path("dokument/<int:pk>/forsok-igen/", job_views.job_retry, name="job_retry"),
]
