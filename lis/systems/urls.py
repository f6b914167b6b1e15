from django.urls import path

from . import views

app_name = "systems"
urlpatterns = [
    path("", views.system_list, name="system_list"),
    path("nytt/", views.system_create, name="system_create"),
    path("<int:pk>/", views.system_detail, name="system_detail"),
    path("<int:pk>/andra/", views.system_edit, name="system_edit"),
    path("<int:pk>/it-samrad/", views.system_it_consultation, name="it_consultation"),
    path("<int:pk>/informationsmangder/ny/", views.information_set_edit, name="information_set_create"),
    path("<int:pk>/informationsmangder/<int:set_pk>/", views.information_set_edit, name="information_set_edit"),
    path("<int:pk>/avtal/nytt/", views.agreement_edit, name="agreement_create"),
    path("<int:pk>/avtal/<int:agreement_pk>/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/avtal/<int:agreement_pk>/ta-bort/", views.agreement_delete, name="agreement_delete"),
    path("<int:pk>/granskad/", views.system_documentation_review, name="documentation_review"),
    path("<int:pk>/avtal/<int:agreement_pk>/granskad/", views.agreement_review, name="agreement_review"),
    path("<int:pk>/grupper/ny/", views.user_group_edit, name="user_group_create"),
    path("<int:pk>/grupper/<int:group_pk>/", views.user_group_edit, name="user_group_edit"),
    path("<int:pk>/grupper/<int:group_pk>/ta-bort/", views.user_group_delete, name="user_group_delete"),
    path("plattformar/", views.platform_list, name="platform_list"),
    path("plattformar/ny/", views.platform_edit, name="platform_create"),
    path("plattformar/<int:pk>/andra/", views.platform_edit, name="platform_edit"),
    path("parter/", views.party_list, name="party_list"),
    path("parter/ny/", views.party_edit, name="party_create"),
    path("parter/<int:pk>/", views.party_detail, name="party_detail"),
    path("parter/<int:pk>/andra/", views.party_edit, name="party_edit"),
]
