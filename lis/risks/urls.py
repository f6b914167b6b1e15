from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("", views.analysis_list, name="analysis_list"),
    path("analys/ny/", views.analysis_start, name="analysis_start"),
    path("analys/<int:pk>/", views.analysis_detail, name="analysis_detail"),
    path("analys/<int:pk>/andra/", views.analysis_edit, name="analysis_edit"),
    path("analys/<int:pk>/klar/", views.analysis_complete, name="analysis_complete"),
    path("analys/<int:pk>/oppna/", views.analysis_reopen, name="analysis_reopen"),
    path("analys/<int:pk>/rapportera/", views.analysis_report, name="analysis_report"),
    path("analys/<int:pk>/jamfor/", views.analysis_compare, name="analysis_compare"),
    path("version/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("analys/<int:pk>/hotkatalog/", views.threat_catalogue, name="threat_catalogue"),
    path("analys/<int:pk>/risk/ny/", views.risk_edit, name="risk_create"),
    path("analys/<int:pk>/atgard/ny/", views.measure_edit, name="measure_create"),
    path("risk/<int:risk_pk>/", views.risk_detail, name="risk_detail"),
    path("risk/<int:risk_pk>/andra/", views.risk_edit, name="risk_edit"),
    path("risk/<int:risk_pk>/ta-bort/", views.risk_delete, name="risk_delete"),
    path("atgard/<int:measure_pk>/ta-bort/", views.measure_delete, name="measure_delete"),
    path("atgard/<int:measure_pk>/andra/", views.measure_edit, name="measure_edit"),
    path("atgard/<int:measure_pk>/status/", views.measure_status, name="measure_status"),
    path("atgard/<int:measure_pk>/verifiera/", views.measure_verify, name="measure_verify"),
    path("atgard/<int:measure_pk>/underlag/", views.measure_evidence, name="measure_evidence"),
    path("karta/", views.heat_map, name="heat_map"),
    path("lista/", views.risk_list, name="risk_list"),
    path("atgarder/", views.measure_list, name="measure_list"),
]
