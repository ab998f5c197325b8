"""Base for every API view: authenticates, resolves who is acting, activates the tenant scope, checks roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tenancy
from core.api_permissions import HasRequiredRole
from core.errors import DomainError
from core.errors import PermissionDenied as DomainPermissionDenied


class TenantAPIMixin:
    """Mixed into every API view. ``required_roles``: any of these may read; ``write_roles``: may write."""

    public = False
    required_roles: tuple[str, ...] = ()
    write_roles: tuple[str, ...] | None = None
    permission_classes = [HasRequiredRole]
    _scope_token: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)  # type: ignore[attr-defined]
        resolve = import_string(settings.JOINTLY_ACTING_RESOLVER)
        acting = resolve(request._request, request.user, header=request.headers.get("X-Jointly-Organisation"))
        request._request.acting = acting  # type: ignore[attr-defined]
        request.acting = acting  # type: ignore[attr-defined]
        self._scope_token = tenancy.activate(acting.organisation if acting else None)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if self._scope_token is not None:
            tenancy.deactivate(self._scope_token)
            self._scope_token = None
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc, no-any-return]

    def permission_denied(self, request: Request, message: str | None = None, code: str | None = None) -> None:
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(detail=message, code=code)

    @property
    def acting(self) -> Any:
        return self.request.acting  # type: ignore[attr-defined]


class TenantAPIView(TenantAPIMixin, APIView):
    pass


class TenantReadOnlyViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    pass


class TenantModelViewSet(TenantAPIMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    pass


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain refusals become 400 (or 403) with the message; a value the database cannot hold becomes 400; anything
    else unexpected is logged under a reference and answered as JSON ``{"detail", "reference"}`` with status 500."""
    from django.db import DataError
    from rest_framework.views import exception_handler as drf_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DomainPermissionDenied):
        return Response({"detail": str(exc)}, status=403)
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.problems:
            body["problems"] = exc.problems
        if exc.field_errors:
            body = {**exc.field_errors, **body}
        elif exc.field:
            body = {exc.field: [exc.message], **body}
        return Response(body, status=400)
    if isinstance(exc, DataError):
        # A value that passed the fields' checks but not the column's (the fields should catch it first; this is
        # the net under them, so a person gets a message, not a 500).
        set_rollback()
        return Response({"detail": "A value is too long or too large to store. Shorten it and try again."}, status=400)
    response = drf_handler(exc, context)
    if response is not None:
        return response
    from core.views import log_server_error

    request = context.get("request")
    django_request = getattr(request, "_request", None)
    reference = log_server_error(django_request, exc)
    set_rollback()
    return Response(
        {"detail": "Sorry, there is a problem with Jointly. Try again later.", "reference": reference}, status=500
    )
