from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mina/", views.mine, name="mine"),
    path("kurser/", views.course_list, name="course_list"),
    path("kurser/ny/", views.course_create, name="course_create"),
    path("kurser/<int:pk>/", views.course_detail, name="course_detail"),
    path("kurser/<int:pk>/andra/", views.course_edit, name="course_edit"),
    path("registrera/", views.completion_create, name="completion_create"),
    path("genomford/<int:pk>/andra/", views.completion_edit, name="completion_edit"),
    path("genomford/<int:pk>/ta-bort/", views.completion_delete, name="completion_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/genomfor/", views.import_apply, name="import_apply"),
    path("import/<str:token>/", views.import_review, name="import_review"),
]
