"""The page shapes every monitoring package's views share: a button's target and a PDF response (form pages are ``core.views.FormPage``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.errors import DomainError, NotPermitted
from core.views import MemberView


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
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
            if isinstance(error, NotPermitted):
                raise
            messages.error(request, str(error))
            return redirect(self.back_url())

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def back_url(self) -> str:
        return reverse("monitoring-contracts")
