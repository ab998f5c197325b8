"""Every page route of grant rounds, in one place; the views live in the packages that own them."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
