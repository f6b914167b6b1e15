from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("ny/", views.plan_start, name="plan_start"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/skicka/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/ta-tillbaka/", views.plan_withdraw, name="plan_withdraw"),
    path("<int:pk>/beslut/", views.plan_decide, name="plan_decide"),
    path("<int:pk>/uppfoljning/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/jamfor/", views.plan_compare, name="plan_compare"),
    path("<int:pk>/forslag.pdf", views.plan_draft_pdf, name="plan_draft_pdf"),
    path("version/<int:pk>/arkiv.pdf", views.version_pdf, name="version_pdf"),
    path("kontinuitet/", views.continuity_list, name="continuity_list"),
    path("kontinuitet/ny/", views.continuity_create, name="continuity_create"),
    path("kontinuitet/<int:pk>/", views.continuity_detail, name="continuity_detail"),
    path("kontinuitet/<int:pk>/andra/", views.continuity_edit, name="continuity_edit"),
    path("kontinuitet/<int:pk>/utskrift.pdf", views.continuity_pdf, name="continuity_pdf"),
    path("kontinuitet/<int:pk>/granskad/", views.continuity_review, name="continuity_review"),
    path("kontinuitet/<int:pk>/steg/nytt/", views.continuity_step_edit, name="continuity_step_create"),
    path("kontinuitet/<int:pk>/steg/<int:step_pk>/", views.continuity_step_edit, name="continuity_step_edit"),
    path("kontinuitet/<int:pk>/kontakt/ny/", views.continuity_contact_edit, name="continuity_contact_create"),
    path(
        "kontinuitet/<int:pk>/kontakt/<int:contact_pk>/", views.continuity_contact_edit, name="continuity_contact_edit"
    ),
    path(
        "kontinuitet/<int:pk>/<str:kind>/<int:part_pk>/ta-bort/",
        views.continuity_part_delete,
        name="continuity_part_delete",
    ),
    path("rutiner/", views.routine_list, name="routine_list"),
    path("rutiner/ny/", views.routine_create, name="routine_create"),
    path("rutiner/<int:pk>/", views.routine_detail, name="routine_detail"),
    path("rutiner/<int:pk>/andra/", views.routine_edit, name="routine_edit"),
    path("rutiner/<int:pk>/anta/", views.routine_adopt, name="routine_adopt"),
    path("rutiner/<int:pk>/fil/", views.routine_file, name="routine_file"),
    path("rutiner/<int:pk>/granskad/", views.routine_review, name="routine_review"),
]
