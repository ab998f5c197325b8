"""Base views. Every page view derives from ``PublicView`` or ``MemberView`` so its access rule is declared,
and the route-walking test reads that declaration."""

from __future__ import annotations

import logging
import secrets
import sys
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views import View
from django.views.generic import FormView, TemplateView

from core import workflow as wf
from core.errors import DomainError, NotPermitted
from core.files import MissingFile


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

    def done(self, message: str, to: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        """The end of a successful action: ``message`` as a flash notice, then a redirect to ``to`` (a URL name with
        its arguments, a URL, or a model with ``get_absolute_url``)."""
        messages.success(self.request, message)
        return redirect(to, *args, **kwargs)


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


class FormPage(MemberView, FormView):
    """The one form page: ``act(form)`` calls a service and returns the response (usually a redirect). A refusal
    (``DomainError``) is shown on the form next to its field, status 400, nothing typed lost (with
    ``KeepUploadsMixin``, good uploads are kept too); ``NotPermitted`` is a 403 page saying who may do it.

    The template (``core/form_page.html``) shows ``caption``, ``heading``, ``intro``, the form, a ``button`` and a
    Cancel/Back link to ``back_url()``; a subclass may pass ``read_only=True`` (a summary list instead of the form) or
    ``delete_url`` (a second form with a warning button labelled ``delete_label``) in its context."""

    template_name = "core/form_page.html"
    heading = ""
    caption = ""
    button = "Save"
    intro = ""
    delete_label = "Remove"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # setdefault: a subclass's own values (super().get_context_data(intro=...)) win over the attributes.
        kwargs.setdefault("heading", self.get_heading())
        kwargs.setdefault("caption", self.get_caption())
        kwargs.setdefault("button", self.button)
        kwargs.setdefault("intro", self.get_intro())
        kwargs.setdefault("back_url", self.back_url())
        kwargs.setdefault("delete_label", self.delete_label)
        context: dict[str, Any] = super().get_context_data(**kwargs)
        return context

    def get_heading(self) -> str:
        return self.heading

    def get_caption(self) -> str:
        return self.caption

    def get_intro(self) -> str:
        return self.intro

    def back_url(self) -> str:
        return ""

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return self.act(form)
        except NotPermitted:
            raise  # a 403 page saying who may do it (core.middleware)
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)  # keeps good uploads (KeepUploadsMixin) and answers 400

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)
        response.status_code = 400
        return response


class TransitionView(MemberView):
    """The one page endpoint for a workflow's steps. Subclass it, set ``workflow`` (and the roles), load the object
    into ``self.object`` in ``load()``, and give ``success_url`` or ``get_success_url()``.

    It reads the POST fields ``transition`` (the step's name) and ``reason``, takes the step through
    ``perform_transition`` (``core.workflow.transition``; override to call a service instead), flashes "Done: <label>"
    or the refusal with what is missing, and redirects. ``NotPermitted`` is a 403 page."""

    http_method_names = ["post"]
    workflow: wf.Workflow
    success_url: str | None = None
    object: Any

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("transition", "")
        step = self.workflow.transitions.get(name)
        if step is None:
            messages.error(request, "Choose a step")
            return redirect(self.get_success_url())
        try:
            moved = self.perform_transition(self.object, name=name, reason=request.POST.get("reason", ""))
        except NotPermitted:
            raise
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self.get_success_url())
        self.object = moved
        messages.success(request, self.done_message(moved, step))
        return redirect(self.get_success_url())

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return wf.transition(obj=obj, workflow=self.workflow, name=name, by=self.acting, reason=reason)

    def done_message(self, obj: Any, step: wf.Transition) -> str:
        return f"Done: {step.label}"

    def get_success_url(self) -> str:
        if self.success_url is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a success_url or a get_success_url()")
        return str(self.success_url)


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
    message = str(exception) if isinstance(exception, MissingFile) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Not found."}, status=404)
    return render(request, "404.html", {"message": message}, status=404)
