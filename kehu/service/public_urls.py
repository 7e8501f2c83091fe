"""The public request page (/help/): no login."""

from django.urls import path  # noqa: F401

app_name = "help"
urlpatterns: list = []
