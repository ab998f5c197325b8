"""Pages: a partnership's thresholds (its own tiers and the law's), and adding, changing or removing its own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from commissioning.service_map.permissions import READ_ROLES
from commissioning.service_map.selectors import partnerships_of
from commissioning.thresholds.forms import RouteCheckForm, TierEditForm, TierForm
from commissioning.thresholds.models import ThresholdTier
from commissioning.thresholds.rules import suggested_route
from commissioning.thresholds.selectors import local_tiers, statutory_tiers, tiers_for
from commissioning.thresholds.services import tier_add, tier_delete, tier_update
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView
from partners.models import Role

EDIT_ROLES = (Role.COMMISSIONER,)


class PartnershipThresholdsMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.partnership = get_object_or_404(
            partnerships_of(organisation=self.acting.organisation), pk=kwargs["partnership_id"]
        )


class ThresholdsView(PartnershipThresholdsMixin, MemberTemplateView):
    """The tiers in force today, the partnership's own tiers over time, the statutory thresholds with their dates,
    and a check of the route any value suggests."""

    template_name = "commissioning/thresholds/thresholds.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        in_force = tiers_for(self.partnership, on=today)
        check = RouteCheckForm(self.request.GET or None)
        route = None
        if check.is_bound and check.is_valid():
            route = suggested_route(
                check.cleaned_data["value"], light_touch=check.cleaned_data["light_touch"], tiers=in_force
            )
        return super().get_context_data(
            partnership=self.partnership,
            today=today,
            in_force=in_force,
            own=list(local_tiers(self.partnership)),
            statutory=statutory_tiers(),
            may_edit=self.acting.has_role(*EDIT_ROLES),
            check=check,
            route=route,
            **kwargs,
        )


class TierAddView(PartnershipThresholdsMixin, FormPage):
    form_class = TierForm
    required_roles = READ_ROLES
    write_roles = EDIT_ROLES
    heading = "Set a threshold tier"
    button = "Save the tier"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("thresholds", kwargs={"partnership_id": self.partnership.pk})

    def get_initial(self) -> dict[str, Any]:
        return {"effective_from": timezone.localdate()}

    def act(self, form: Any) -> HttpResponse:
        tier = tier_add(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Saved: {tier}")
        return redirect("thresholds", partnership_id=self.partnership.pk)


class TierMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        # the tenant scope shows a tier to its partnership's active members only: anyone else gets a 404
        self.tier = get_object_or_404(ThresholdTier.objects.select_related("partnership"), pk=kwargs["tier_id"])


class TierEditView(TierMixin, FormPage):
    form_class = TierEditForm
    required_roles = READ_ROLES
    write_roles = EDIT_ROLES
    button = "Save changes"
    delete_label = "Remove this tier"

    def get_heading(self) -> str:
        return f"Change: {self.tier.get_kind_display()}"

    def get_caption(self) -> str:
        return self.tier.partnership.name

    def back_url(self) -> str:
        return reverse("thresholds", kwargs={"partnership_id": self.tier.partnership_id})

    def get_initial(self) -> dict[str, Any]:
        t = self.tier
        return {"value": t.value, "effective_from": t.effective_from, "effective_to": t.effective_to, "note": t.note}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        may = self.acting.has_role(*EDIT_ROLES)
        return super().get_context_data(
            read_only=not may,
            delete_url=reverse("threshold-delete", kwargs={"tier_id": self.tier.pk}) if may else "",
            **kwargs,
        )

    def act(self, form: Any) -> HttpResponse:
        tier = tier_update(tier=self.tier, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Saved: {tier}")
        return redirect("thresholds", partnership_id=tier.partnership_id)


class TierDeleteView(TierMixin, MemberView):
    http_method_names = ["post"]
    required_roles = EDIT_ROLES

    def post(self, request: HttpRequest, tier_id: int) -> HttpResponse:
        partnership_id = self.tier.partnership_id
        try:
            tier_delete(tier=self.tier, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("threshold-edit", tier_id=self.tier.pk)
        messages.success(request, "The tier is removed")
        return redirect("thresholds", partnership_id=partnership_id)
