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
    """Domain refusals become 400 (or 403) with the message, never a 500."""
    from rest_framework.views import exception_handler as drf_handler

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
    return drf_handler(exc, context)
