from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("enheter/ny/", views.unit_create, name="unit_create"),
    path("enheter/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("enheter/<int:pk>/andra/", views.unit_edit, name="unit_edit"),
    path("enheter/<int:pk>/avsluta/", views.unit_end, name="unit_end"),
    path("namnder/", views.board_list, name="board_list"),
    path("namnder/ny/", views.board_create, name="board_create"),
    path("namnder/<int:pk>/", views.board_detail, name="board_detail"),
    path("namnder/<int:pk>/andra/", views.board_edit, name="board_edit"),
    path("namnder/<int:pk>/avsluta/", views.board_end, name="board_end"),
    path("personer/", views.person_list, name="person_list"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/hr/", views.hr_sync, name="hr_sync"),
    path("personer/hr/genomfor/", views.hr_sync_apply, name="hr_sync_apply"),
    path("personer/hr/<str:token>/", views.hr_sync_review, name="hr_sync_review"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/andra/", views.person_edit, name="person_edit"),
    path("personer/<int:pk>/avsluta/", views.person_end, name="person_end"),
    path("personer/<int:pk>/inloggning/", views.person_login, name="person_login"),
    path("personer/<int:pk>/tvastegsverifiering/", views.person_mfa_reset, name="person_mfa_reset"),
    path("roller/", views.role_list, name="role_list"),
    path("roller/ny/", views.role_assign, name="role_assign"),
    path("roller/<int:pk>/andra/", views.role_edit, name="role_edit"),
    path("roller/<int:pk>/avsluta/", views.role_end, name="role_end"),
    path("mandatperioder/", views.mandate_period_list, name="mandate_period_list"),
]
