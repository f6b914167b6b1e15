from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("undantag/begar/", views.exception_request, name="exception_request"),
    path("undantag/registrera/", views.exception_register, name="exception_register"),
    path("undantag/<int:pk>/", views.exception_detail, name="exception_detail"),
    path("undantag/<int:pk>/utskrift/", views.exception_print, name="exception_print"),
    path("undantag/<int:pk>/bevilja/", views.exception_grant, name="exception_grant"),
    path("undantag/<int:pk>/avsla/", views.exception_refuse, name="exception_refuse"),
    path("undantag/<int:pk>/aterkalla/", views.exception_withdraw, name="exception_withdraw"),
    path("undantag/<int:pk>/avsluta/", views.exception_end, name="exception_end"),
    path("distansarbete/", views.remote_work_list, name="remote_work_list"),
    path("distansarbete/ny/", views.remote_work_create, name="remote_work_create"),
    path("distansarbete/<int:pk>/", views.remote_work_detail, name="remote_work_detail"),
    path("distansarbete/<int:pk>/andra/", views.remote_work_edit, name="remote_work_edit"),
    path("distansarbete/<int:pk>/avsluta/", views.remote_work_end, name="remote_work_end"),
    path("sakerhetsklass/", views.classified_list, name="classified_list"),
    path("sakerhetsklass/ny/", views.classified_create, name="classified_create"),
    path("sakerhetsklass/<int:pk>/", views.classified_detail, name="classified_detail"),
    path("sakerhetsklass/<int:pk>/andra/", views.classified_edit, name="classified_edit"),
    path("sakerhetsklass/<int:pk>/avsluta/", views.classified_end, name="classified_end"),
]
