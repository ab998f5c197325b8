"""Base views. Every page view derives from ``PublicView`` or ``MemberView`` so its access rule is declared,
and the route-walking test reads that declaration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
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
