"""Pages: the partnership agreement each partner signs to delegate to the lead."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from commissioning.agreements.forms import AgreementForm
from commissioning.agreements.models import PartnershipAgreement
from commissioning.agreements.services import agreement_sign, term_end
from commissioning.commissions.views import CommissionMixin
from commissioning.service_map.permissions import READ_ROLES
from core.files import KeepUploadsMixin, serve
from core.views import FormPage, MemberView
from partners.models import Role


class AgreementSignView(CommissionMixin, KeepUploadsMixin, FormPage):
    form_class = AgreementForm
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    heading = "Sign the partnership agreement"
    button = "Sign and upload"

    @property
    def intro(self) -> str:
        c = self.commission
        end = term_end(c)
        return (
            f"{self.acting.organisation.name} delegates to {c.lead}, the lead commissioner, for the term of the "
            f"commission ({c.start_date:%d %B %Y} to {end:%d %B %Y}). You sign as {self.request.user}."
        )

    def get_initial(self) -> dict[str, Any]:
        return {
            "scopes": ["procurement", "contract_management", "performance_management"],
            "signed_on": timezone.localdate(),
        }

    def act(self, form: AgreementForm) -> HttpResponse:
        agreement = agreement_sign(commission=self.commission, by=self.acting, **form.cleaned_data)
        messages.success(
            self.request,
            f"{agreement.organisation} has signed: {', '.join(agreement.scope_labels()).lower()} delegated",
        )
        return redirect("commission-detail", commission_id=self.commission.pk)


class AgreementDocumentView(MemberView):
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.agreement = get_object_or_404(PartnershipAgreement.objects.all(), pk=kwargs["agreement_id"])

    def get(self, request: HttpRequest, agreement_id: int) -> HttpResponseBase:
        return serve(self.agreement.document, filename=self.agreement.original_filename)
