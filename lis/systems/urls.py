from django.urls import path

from lis.classification import views as classification_views

from . import views

app_name = "systems"
urlpatterns = [
    path("", views.system_list, name="system_list"),
    path("nytt/", views.system_create, name="system_create"),
    path("<int:pk>/", views.system_detail, name="system_detail"),
    path("<int:pk>/andra/", views.system_edit, name="system_edit"),
    path("<int:pk>/informationsmangder/ny/", views.information_set_edit, name="information_set_create"),
    path("<int:pk>/informationsmangder/<int:set_pk>/", views.information_set_edit, name="information_set_edit"),
    path(
        "<int:pk>/informationsmangder/<int:set_pk>/sakerhetsskydd/",
        views.information_set_security,
        name="information_set_security",
    ),
    path(
        "<int:pk>/informationsmangder/<int:set_pk>/ta-bort/",
        views.information_set_delete,
        name="information_set_delete",
    ),
    path("<int:pk>/avtal/nytt/", views.agreement_edit, name="agreement_create"),
    path("<int:pk>/avtal/<int:agreement_pk>/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/avtal/<int:agreement_pk>/ta-bort/", views.agreement_delete, name="agreement_delete"),
    path("<int:pk>/grupper/ny/", views.user_group_edit, name="user_group_create"),
    path("<int:pk>/grupper/<int:group_pk>/", views.user_group_edit, name="user_group_edit"),
    path("<int:pk>/grupper/<int:group_pk>/ta-bort/", views.user_group_delete, name="user_group_delete"),
    path("klassning/<int:set_pk>/", classification_views.classification_edit, name="classification_edit"),
    path(
        "klassning/forslag/<int:pk>/faststall/",
        classification_views.classification_approve,
        name="classification_approve",
    ),
    path(
        "klassning/forslag/<int:pk>/aterfor/", classification_views.classification_return, name="classification_return"
    ),
    path("klassning/borttagning/<int:pk>/godkann/", classification_views.removal_approve, name="removal_approve"),
    path("klassning/borttagning/<int:pk>/avsla/", classification_views.removal_return, name="removal_return"),
    path("parter/", views.party_list, name="party_list"),
    path("parter/ny/", views.party_edit, name="party_create"),
    path("parter/<int:pk>/", views.party_detail, name="party_detail"),
    path("parter/<int:pk>/andra/", views.party_edit, name="party_edit"),
]
