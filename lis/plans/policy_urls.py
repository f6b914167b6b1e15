"""The published policy at /policy/ (POL-2.4): the version in force, every earlier version at its
own address, and publishing by the säkerhetsstrateg (POL-3.7)."""

from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.policy, name="current"),
    path("versioner/", views.policy_version_list, name="versions"),
    path("versioner/ny/", views.policy_publish, name="publish"),
    path("versioner/<int:pk>/", views.policy_version, name="version"),
    path("versioner/<int:pk>/beslut/", views.policy_adoption, name="adoption"),
]
