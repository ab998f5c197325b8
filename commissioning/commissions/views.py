"""Pages: the joint commission and who takes part in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from commissioning.commissions.forms import CommissionEditForm, CommissionForm, InviteForm, ModelForm
from commissioning.commissions.models import JointCommission, ParticipationStatus
from commissioning.commissions.rules import suggestion_for
from commissioning.commissions.selectors import commissions_for, invitable_organisations, pending_invitations
from commissioning.commissions.services import (
    commission_choose_model,
    commission_create,
    commission_invite,
    commission_respond,
    commission_update,
    commission_withdraw_invitation,
)
from commissioning.service_map.models import Outcome, settings_for
from commissioning.service_map.permissions import FINANCE_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.service_map.selectors import partnerships_of
from commissioning.service_map.views import areas_for
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView
from partners.models import Organisation, Role


class CommissionMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.commission = get_object_or_404(
            JointCommission.objects.select_related(
                "lead", "service_area", "partnership__accountable_body", "lead_contact"
            ),
            pk=kwargs["commission_id"],
        )

    def back_url(self) -> str:
        return reverse("commission-detail", kwargs={"commission_id": self.commission.pk})

    def get_caption(self) -> str:
        return self.commission.title


class CommissionListView(MemberTemplateView):
    template_name = "commissioning/commissions.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            commissions=list(commissions_for(organisation=organisation)),
            invitations=list(pending_invitations(organisation=organisation)),
            partnerships=list(partnerships_of(organisation=organisation)),
            can_create=self.acting.has_role(Role.COMMISSIONER),
            can_report=self.acting.has_role(*FINANCE_ROLES),
            **kwargs,
        )


class CommissionCreateView(FormPage):
    form_class = CommissionForm
    required_roles = WRITE_ROLES
    heading = "Start a joint commission"
    button = "Start commission"

    def get_caption(self) -> str:
        return f"Led by {self.acting.organisation.name}"

    @property
    def intro(self) -> str:
        return (
            f"{self.acting.organisation.name} will lead it, with you as lead commissioner. Next you invite partners, "
            "record what each puts in, and choose the commissioning model."
        )

    def back_url(self) -> str:
        return reverse("commissions")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": areas_for(self.acting)}

    def act(self, form: CommissionForm) -> HttpResponse:
        commission = commission_create(by=self.acting, **form.cleaned_data)
        return self.done(
            f"{commission.title} is set up as a draft. Invite the partners next",
            "commission-detail",
            commission_id=commission.pk,
        )


class CommissionEditView(CommissionMixin, FormPage):
    form_class = CommissionEditForm
    required_roles = WRITE_ROLES
    heading = "Change the commission"
    button = "Save changes"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "outcomes": Outcome.objects.filter(partnership_id=self.commission.partnership_id),
        }

    def get_initial(self) -> dict[str, Any]:
        c = self.commission
        return {
            "title": c.title,
            "intended_outcomes": c.intended_outcomes,
            "outcomes": list(c.outcomes.all()),
            "term_years": c.term_years,
            "start_date": c.start_date,
            "new_service": c.new_service,
        }

    def act(self, form: CommissionEditForm) -> HttpResponse:
        commission_update(commission=self.commission, by=self.acting, **form.cleaned_data)
        return self.done("Changes saved", "commission-detail", commission_id=self.commission.pk)


class CommissionModelView(CommissionMixin, FormPage):
    form_class = ModelForm
    required_roles = WRITE_ROLES
    template_name = "commissioning/commission_model.html"
    heading = "Choose the commissioning model"
    button = "Record the model"

    def get_initial(self) -> dict[str, Any]:
        c = self.commission
        return {"model": c.model or suggestion_for(c).model, "model_reason": c.model_reason}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        return super().get_context_data(
            commission=c,
            suggestion=suggestion_for(c),
            threshold=settings_for(c.partnership).framework_threshold,
            **kwargs,
        )

    def act(self, form: ModelForm) -> HttpResponse:
        c = commission_choose_model(
            commission=self.commission,
            model=form.cleaned_data["model"],
            reason=form.cleaned_data["model_reason"],
            by=self.acting,
        )
        return self.done(f"Model recorded: {c.get_model_display()}", "commission-detail", commission_id=c.pk)


class CommissionInviteView(CommissionMixin, FormPage):
    form_class = InviteForm
    required_roles = WRITE_ROLES
    heading = "Invite partners"
    button = "Send invitations"

    @property
    def intro(self) -> str:
        return (
            f"Members of {self.commission.partnership}. Each partner's commissioners are told and accept or decline "
            "on the commission's page."
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": invitable_organisations(commission=self.commission),
        }

    def act(self, form: InviteForm) -> HttpResponse:
        invited = commission_invite(
            commission=self.commission, organisations=form.cleaned_data["organisations"], by=self.acting
        )
        return self.done(
            f"Invited: {', '.join(str(p.organisation) for p in invited)}",
            "commission-detail",
            commission_id=self.commission.pk,
        )


class CommissionRespondView(CommissionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)

    def post(self, request: HttpRequest, commission_id: int) -> HttpResponse:
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, "Choose whether to accept or decline")
            return redirect("commission-detail", commission_id=commission_id)
        try:
            p = commission_respond(
                commission=self.commission,
                accept=answer == "accept",
                reason=request.POST.get("reason", ""),
                by=self.acting,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("commission-detail", commission_id=commission_id)
        if p.status == ParticipationStatus.ACCEPTED:
            return self.done(
                f"{p.organisation} is taking part in {self.commission.title}",
                "commission-detail",
                commission_id=commission_id,
            )
        messages.success(request, f"You declined to take part in {self.commission.title}. This has been recorded")
        return redirect("commissions")


class CommissionWithdrawInvitationView(CommissionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, commission_id: int) -> HttpResponse:
        raw = request.POST.get("organisation", "")
        organisation = Organisation.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if organisation is None:
            messages.error(request, "Choose the invitation to withdraw")
            return redirect("commission-detail", commission_id=commission_id)
        try:
            commission_withdraw_invitation(commission=self.commission, organisation=organisation, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The invitation to {organisation} is withdrawn")
        return redirect("commission-detail", commission_id=commission_id)
