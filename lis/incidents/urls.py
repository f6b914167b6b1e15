from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.start, name="start"),
    path("rapportera/", views.report, name="report"),
    path("rapportera/system/", views.system_choices, name="system_choices"),
    path("mina/", views.mine, name="mine"),
    path("lista/", views.incident_list, name="incident_list"),
    path("statistik/", views.statistics, name="statistics"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/kvitto/", views.receipt, name="receipt"),
    path("<int:pk>/bedom/", views.triage, name="triage"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/personuppgifter/", views.gdpr, name="gdpr"),
    path("<int:pk>/tidslinje/", views.timeline_add, name="timeline_add"),
    path("<int:pk>/klocka/", views.clock_answer, name="clock_answer"),
    path("<int:pk>/klocka/<slug:key>/rapport/", views.clock_report, name="clock_report"),
    path("<int:pk>/klocka/<slug:key>/skickad/<slug:deadline>/", views.report_sent, name="report_sent"),
    path("<int:pk>/klocka/<slug:key>/rapporteras-inte/", views.not_reporting, name="not_reporting"),
    path("<int:pk>/atgard/ny/", views.measure_create, name="measure_create"),
    path("<int:pk>/risk/ny/", views.risk_create, name="risk_create"),
]
