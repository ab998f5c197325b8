"""Base views. Every page view derives from ``PublicView`` or ``MemberView`` so its access rule is declared,
and the route-walking test reads that declaration."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError


class AccessDeclared:
    """What the route walker reads: is it public, and which roles (any of) may use it."""

    public: bool = False
    required_roles: tuple[str, ...] = ()
    # Roles that may read but not change (used for POST on the same URL).
    write_roles: tuple[str, ...] | None = None


class PublicView(AccessDeclared, View):
    public = True


class MemberView(AccessDeclared, LoginRequiredMixin, View):
    """A signed-in person acting for an organisation, holding one of ``required_roles`` (if any)."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        acting = getattr(request, "acting", None)
        if acting is None or acting.organisation is None:
            raise PermissionDenied("You are not acting for an organisation")
        roles = self.required_roles
        if request.method not in ("GET", "HEAD", "OPTIONS") and self.write_roles is not None:
            roles = self.write_roles
        if roles and not acting.has_role(*roles):
            raise PermissionDenied("Your role in this organisation does not allow this")
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs: Any) -> None:
        """Fetch the objects the URL names (after access checks, inside the tenant scope): 404 if not visible."""

    @property
    def acting(self) -> Any:
        return self.request.acting  # type: ignore[attr-defined]


class MemberTemplateView(MemberView, TemplateView):
    pass


class PublicTemplateView(PublicView, TemplateView):
    pass


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns (or at the top), keeping what was typed."""
    if error.field_errors:
        for name, messages in error.field_errors.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        return
    field = error.field if error.field in form.fields else None
    if error.problems:
        for problem in error.problems:
            form.add_error(field, problem)
        if field is None:
            form.add_error(None, error.message)
    else:
        form.add_error(field, error.message)


def form_invalid_response(view: Any, form: forms.BaseForm, status: int = 400) -> HttpResponse:
    response: HttpResponse = view.render_to_response(view.get_context_data(form=form))
    response.status_code = status
    return response


# --- errors -----------------------------------------------------------------------------------------------------------

error_log = logging.getLogger("jointly.errors")


def error_reference() -> str:
    """A short id a person can read out over the phone; it is in the log line too, so support can find it."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "".join(secrets.choice(alphabet) for _ in range(8))


def log_server_error(request: HttpRequest | None, exc: BaseException | None) -> str:
    reference = error_reference()
    path = request.path if request is not None else "-"
    method = request.method if request is not None else "-"
    error_log.error(
        "Server error %s on %s %s",
        reference,
        method,
        path,
        exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else True,
        extra={"reference": reference},
    )
    return reference


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: log the failure under a reference and show it on the page. No database access and no
    context processors: the failure may be the database itself."""
    import sys

    exc = sys.exc_info()[1]
    reference = getattr(request, "error_reference", None) or log_server_error(request, exc)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Sorry, there is a problem with Jointly. Try again later.", "reference": reference}, status=500
        )
    try:
        body = loader.get_template(template_name).render({"reference": reference})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = f"<h1>Sorry, there is a problem with Jointly</h1><p>Reference: {reference}</p>"
    return HttpResponseServerError(body)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the GOV.UK 404 page; a file missing from storage says so (``core.files.MissingFile``)."""
    from django.shortcuts import render

    from core.files import MissingFile

    message = str(exception) if isinstance(exception, MissingFile) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Not found."}, status=404)
    return render(request, "404.html", {"message": message}, status=404)
