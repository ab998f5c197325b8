"""Pages: following service areas and categories (a provider's person), and the one-click digest unsubscribe (a
signed link that works without signing in)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from commissioning.following import services
from commissioning.following.forms import FollowForm
from commissioning.following.rules import FOLLOW_ROLES, read_unsubscribe_token
from commissioning.following.selectors import followable_areas, follows_for
from core.views import FormPage, PublicView


class FollowView(FormPage):
    template_name = "commissioning/following/follow.html"
    form_class = FollowForm
    required_roles = FOLLOW_ROLES
    heading = "Follow service areas and categories"
    button = "Save what you follow"

    def load(self, **kwargs: Any) -> None:
        self.areas = followable_areas()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": self.areas}

    def get_initial(self) -> dict[str, Any]:
        mine = follows_for(organisation=self.acting.organisation, user=self.request.user)
        chosen = services.follow_settings_of(organisation=self.acting.organisation, user=self.request.user)
        return {
            "service_areas": [str(f.service_area_id) for f in mine if f.service_area_id],
            "categories": [f.category for f in mine if f.category],
            "alerts": chosen.alerts,
            "digest": chosen.digest,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        mine = follows_for(organisation=self.acting.organisation, user=self.request.user)
        return super().get_context_data(follows=mine, **kwargs)

    def act(self, form: FollowForm) -> HttpResponse:
        ids = {int(pk) for pk in form.cleaned_data["service_areas"]}
        areas = [a for a in self.areas if a.pk in ids]
        categories = list(form.cleaned_data["categories"])
        follows = services.follows_set(service_areas=areas, categories=categories, by=self.acting)
        services.follow_settings_set(
            alerts=form.cleaned_data["alerts"], digest=form.cleaned_data["digest"], by=self.acting
        )
        n = len(follows)
        return self.done(
            f"Saved: you follow {n} service area{'' if n == 1 else 's'} or categor{'y' if n == 1 else 'ies'}",
            "opportunity-follows",
        )


class DigestUnsubscribeView(PublicView):
    """The link at the foot of every digest: shows who it is for and stops the digest with one button (a page
    rather than a change on GET, so a mail scanner that opens links stops nobody's digest)."""

    template = "commissioning/following/unsubscribe.html"

    def who(self, token: str) -> tuple[int, int]:
        found = read_unsubscribe_token(token)
        if found is None:
            raise Http404("This unsubscribe link is not valid")
        return found

    def get(self, request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
        self.who(unsubscribe_token)
        return render(request, self.template, {"done": False})

    def post(self, request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
        organisation_id, user_id = self.who(unsubscribe_token)
        services.digest_unsubscribe(organisation_id=organisation_id, user_id=user_id)
        return render(request, self.template, {"done": True})
