"""The page shapes every monitoring package's views share: a form page, a button's target, a PDF response."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from core.errors import DomainError, PermissionDenied
from core.views import MemberView, apply_domain_error, form_invalid_response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FormPage(MemberView, FormView):
    """A form page: a service call in ``act``; a refusal is shown on the form (status 400), nothing lost."""

    template_name = "monitoring/form.html"
    heading = ""
    button = "Save"
    intro = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            heading=self.get_heading(),
            caption=self.get_caption(),
            button=self.button,
            intro=self.get_intro(),
            back_url=self.back_url(),
            **kwargs,
        )

    def get_heading(self) -> str:
        return self.heading

    def get_intro(self) -> str:
        return self.intro

    def get_caption(self) -> str:
        return ""

    def back_url(self) -> str:
        return ""

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return self.act(form)
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise
            apply_domain_error(form, error)
            return form_invalid_response(self, form)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PostOnly(MemberView):
    """A button's target: validates the posted form (400 when incomplete), calls a service, redirects back."""

    http_method_names = ["post"]
    form_class: Any = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, "Something is missing: " + "; ".join(" ".join(v) for v in form.errors.values()))
            return redirect(self.back_url())
        try:
            return self.act(form)
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise
            messages.error(request, str(error))
            return redirect(self.back_url())

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def back_url(self) -> str:
        return reverse("monitoring-contracts")
