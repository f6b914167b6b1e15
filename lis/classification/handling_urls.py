"""The handling advice every employee can read (POL-3.21), at /informationshantering/."""

from django.urls import path

from . import views

app_name = "handling"
urlpatterns = [path("", views.handling_advice, name="advice")]
