from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("forteckning.xlsx", views.register_export, name="register_export"),
    path("forteckning/import/", views.register_import, name="register_import"),
    path("forteckning/import/genomfor/", views.register_import_apply, name="register_import_apply"),
    path("forteckning/import/<str:token>/", views.register_import_review, name="register_import_review"),
    path("analys/<int:pk>/riskmatris.xlsx", views.analysis_xlsx, name="analysis_xlsx"),
    path("analys/<int:pk>/rapport.pdf", views.analysis_pdf, name="analysis_pdf"),
]
