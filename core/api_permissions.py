"""API permission and pagination classes (kept apart from ``core.api`` because DRF imports them at settings load)."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination, permissions
from rest_framework.request import Request


class StandardPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HasRequiredRole(permissions.BasePermission):
    message = "Your role in this organisation does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "public", False) and request.method in permissions.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        acting = getattr(request, "acting", None)
        if acting is None or acting.organisation is None:
            return False
        roles = view.required_roles
        if request.method not in permissions.SAFE_METHODS and getattr(view, "write_roles", None) is not None:
            roles = view.write_roles
        return not roles or acting.has_role(*roles)
