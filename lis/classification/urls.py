"""Classification's pages, under the register's /system/ prefix."""

from django.urls import path

from . import views

app_name = "classification"
urlpatterns = [
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
    path("klassning/<int:set_pk>/", views.classification_edit, name="classification_edit"),
    path("klassning/forslag/<int:pk>/faststall/", views.classification_approve, name="classification_approve"),
    path("klassning/forslag/<int:pk>/aterfor/", views.classification_return, name="classification_return"),
    path("klassning/granskning/<int:pk>/", views.classification_review, name="classification_review"),
    path("klassning/borttagning/<int:pk>/godkann/", views.removal_approve, name="removal_approve"),
    path("klassning/borttagning/<int:pk>/avsla/", views.removal_return, name="removal_return"),
]
