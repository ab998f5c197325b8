"""Pages: what a commission replaces, notices to providers, impact notes, the Compact, options appraisals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.replacement.forms import (
    AppraisalForm,
    ChooseForm,
    CompactForm,
    ImpactForm,
    LinkForm,
    NoticeForm,
    OptionForm,
    SavingForm,
)
from commissioning.replacement.models import (
    DecommissioningImpact,
    OptionsAppraisal,
    ProviderNotice,
    ReplacedContract,
    notice_end,
    notice_months_for,
)
from commissioning.replacement.pdf import appraisal_pdf, notice_letter_pdf
from commissioning.replacement.rules import is_ended, may_manage_contract, takes_part
from commissioning.replacement.selectors import (
    appraisal_detail,
    appraisals_for,
    contracts_to_link,
    notices_for,
    replacement_summary,
)
from commissioning.replacement.services import (
    appraisal_choose,
    appraisal_option_set,
    appraisal_start,
    compact_update,
    contracts_replace,
    impact_record,
    provider_notice_send,
    replaced_contract_remove,
    replaced_contract_saving,
)
from commissioning.service_map.models import MappedContract, ServiceArea
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.service_map.selectors import partnerships_of
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView
from partners.models import Role

PDF = "application/pdf"
# A provider's people read the notices sent to them.
NOTICE_READERS = (*READ_ROLES, Role.BIDDER)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class CommissionLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.commission = get_object_or_404(
            JointCommission.objects.select_related("lead", "service_area", "partnership__accountable_body"),
            pk=kwargs["commission_id"],
        )

    def back_url(self) -> str:
        return reverse("commission-replacement", kwargs={"commission_id": self.commission.pk})

    def get_caption(self) -> str:
        return self.commission.title


class CommissionReplacementView(CommissionLoad, MemberTemplateView):
    """What the commission replaces: contracts before and after, the value replaced each year against the new
    contributions, the savings, and the notices to providers."""

    template_name = "commissioning/replacement/commission.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        acting = self.acting
        may_link = acting.has_role(Role.COMMISSIONER) and takes_part(c, acting.organisation.pk)
        return super().get_context_data(
            commission=c,
            summary=replacement_summary(commission=c, acting=acting),
            may_link=may_link,
            link_form=LinkForm(contracts=contracts_to_link(commission=c, acting=acting)) if may_link else None,
            appraisals=list(appraisals_for(commission=c)),
            today=timezone.localdate(),
            **kwargs,
        )


class ReplacementLinkView(CommissionLoad, FormPage):
    form_class = LinkForm
    required_roles = WRITE_ROLES
    heading = "Contracts this commission replaces"
    button = "Link the contracts"
    intro = "Choose your organisation's existing contracts on the service map that the new joint contract replaces."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "contracts": contracts_to_link(commission=self.commission, acting=self.acting),
        }

    def act(self, form: LinkForm) -> HttpResponse:
        linked = contracts_replace(commission=self.commission, contracts=form.cleaned_data["contracts"], by=self.acting)
        return self.done(f"{len(linked)} contract{'s' if len(linked) != 1 else ''} linked", self.back_url())


class LinkLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.link = get_object_or_404(
            ReplacedContract.objects.select_related("commission", "contract__service_area"),
            pk=kwargs["replaced_contract_id"],
        )

    def back_url(self) -> str:
        return reverse("commission-replacement", kwargs={"commission_id": self.link.commission_id})


class ReplacedContractSavingView(LinkLoad, FormPage):
    form_class = SavingForm
    required_roles = WRITE_ROLES
    heading = "Commissioning cost saved"
    button = "Save"

    def get_caption(self) -> str:
        return f"{self.link.contract.provider_name}: {self.link.contract.title or self.link.contract.service_area.name}"

    def get_intro(self) -> str:
        return (
            "What the partner no longer spends on letting and managing this contract separately "
            "(officer time, legal and tendering costs)."
        )

    def get_initial(self) -> dict[str, Any]:
        return {"saving": self.link.saving, "note": self.link.saving_note}

    def act(self, form: SavingForm) -> HttpResponse:
        replaced_contract_saving(
            link=self.link, saving=form.cleaned_data["saving"], note=form.cleaned_data["note"], by=self.acting
        )
        return self.done("Saving recorded", self.back_url())


class ReplacedContractRemoveView(LinkLoad, MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, replaced_contract_id: int) -> HttpResponse:
        try:
            replaced_contract_remove(link=self.link, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.back_url())
        return self.done("The contract is no longer linked", self.back_url())


class ContractLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            MappedContract.objects.select_related("service_area", "funder", "partnership"), pk=kwargs["contract_id"]
        )

    def back_url(self) -> str:
        return reverse("service-area-detail", kwargs={"service_area_id": self.contract.service_area_id})

    def get_caption(self) -> str:
        c = self.contract
        return f"{c.provider_name}: {c.title or c.service_area.name} ({c.funder.name})"


class ProviderNoticeCreateView(ContractLoad, FormPage):
    """Give the provider written notice, under the local Compact's notice period; and the impact note."""

    form_class = NoticeForm
    template_name = "commissioning/replacement/notice_form.html"
    required_roles = WRITE_ROLES
    heading = "Give the provider notice"
    button = "Send the notice"

    def get_initial(self) -> dict[str, Any]:
        return {"sent_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.contract
        link = ReplacedContract.objects.filter(contract=c).select_related("commission").first()
        months = notice_months_for(c.partnership_id)
        today = timezone.localdate()
        change_on = link.commission.start_date if link else None
        notice = ProviderNotice.objects.filter(contract=c).first()
        return super().get_context_data(
            contract=c,
            link=link,
            ended=is_ended(c),
            months=months,
            ends_if_today=notice_end(today, months),
            late_if_today=change_on is not None and notice_end(today, months) > change_on,
            change_on=change_on,
            notice=notice,
            impact=DecommissioningImpact.objects.filter(contract=c).first(),
            may_manage=may_manage_contract(c, self.acting),
            **kwargs,
        )

    def act(self, form: NoticeForm) -> HttpResponse:
        notice = provider_notice_send(
            contract=self.contract,
            reason=form.cleaned_data["reason"],
            sent_on=form.cleaned_data["sent_on"],
            by=self.acting,
        )
        message = f"Notice sent: {notice.notice_months} months, to {notice.ends_on:%d %B %Y}"
        if notice.late:
            message += " (late: it runs out after the change)"
        return self.done(message, "provider-notice-create", contract_id=self.contract.pk)


class ImpactView(ContractLoad, FormPage):
    form_class = ImpactForm
    required_roles = WRITE_ROLES
    heading = "Decommissioning impact"
    button = "Save the impact note"
    intro = "Who is affected by ending or replacing this contract, and how the impact is eased."

    def get_initial(self) -> dict[str, Any]:
        found = DecommissioningImpact.objects.filter(contract=self.contract).first()
        if found is None:
            return {}
        return {f: getattr(found, f) for f in ("who_is_affected", "service_users", "staff", "mitigation")}

    def back_url(self) -> str:
        return reverse("provider-notice-create", kwargs={"contract_id": self.contract.pk})

    def act(self, form: ImpactForm) -> HttpResponse:
        impact_record(contract=self.contract, by=self.acting, **form.cleaned_data)
        return self.done("Impact note saved", "provider-notice-create", contract_id=self.contract.pk)


class NoticeLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.notice = get_object_or_404(
            ProviderNotice.objects.select_related("contract__funder", "contract__service_area", "commission"),
            pk=kwargs["provider_notice_id"],
        )


class ProviderNoticeLetterView(NoticeLoad, MemberView):
    required_roles = NOTICE_READERS

    def get(self, request: HttpRequest, provider_notice_id: int) -> HttpResponse:
        return pdf_response(notice_letter_pdf(self.notice), f"notice-{self.notice.pk}.pdf")


class ProviderNoticeListView(MemberTemplateView):
    """Notices your organisation has sent, or (for a provider) received."""

    template_name = "commissioning/replacement/notices.html"
    required_roles = NOTICE_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(notices=list(notices_for(organisation=self.acting.organisation)), **kwargs)


class CompactView(FormPage):
    form_class = CompactForm
    required_roles = READ_ROLES
    write_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)
    heading = "The local Compact: notice to providers"
    button = "Save"

    def load(self, **kwargs: Any) -> None:
        self.partnership = get_object_or_404(
            partnerships_of(organisation=self.acting.organisation), pk=kwargs["partnership_id"]
        )

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("service-map")

    def get_initial(self) -> dict[str, Any]:
        return {"notice_months": notice_months_for(self.partnership.pk)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        read_only = self.acting.organisation.pk != self.partnership.accountable_body_id or not self.acting.has_role(
            Role.ORG_ADMIN, Role.COMMISSIONER
        )
        return super().get_context_data(read_only=read_only, **kwargs)

    def act(self, form: CompactForm) -> HttpResponse:
        found = compact_update(
            partnership=self.partnership, notice_months=form.cleaned_data["notice_months"], by=self.acting
        )
        return self.done(f"Providers now get {found.notice_months} months' notice", "service-map")


class AreaLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.area = get_object_or_404(ServiceArea.objects.select_related("partnership"), pk=kwargs["service_area_id"])

    def back_url(self) -> str:
        return reverse("appraisals", kwargs={"service_area_id": self.area.pk})


class AppraisalListView(AreaLoad, MemberTemplateView):
    template_name = "commissioning/replacement/appraisals.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            area=self.area,
            appraisals=list(appraisals_for(service_area=self.area)),
            may_start=self.acting.has_role(Role.COMMISSIONER),
            **kwargs,
        )


class AppraisalCreateView(AreaLoad, FormPage):
    form_class = AppraisalForm
    required_roles = WRITE_ROLES
    heading = "Start an options appraisal"
    button = "Start"

    def get_caption(self) -> str:
        return self.area.name

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.commission = None
        raw = self.request.GET.get("commission", "")
        if raw.isdigit():
            self.commission = get_object_or_404(JointCommission.objects.all(), pk=int(raw), service_area=self.area)

    def get_intro(self) -> str:
        if self.commission is not None:
            return f"For the commission {self.commission.title}."
        return "Before any commission: weigh the models for this service area, in-house delivery included."

    def act(self, form: AppraisalForm) -> HttpResponse:
        appraisal = appraisal_start(
            service_area=self.area, title=form.cleaned_data["title"], commission=self.commission, by=self.acting
        )
        return self.done("Appraisal started: add the options considered", "appraisal-detail", appraisal_id=appraisal.pk)


class AppraisalLoad:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        get_object_or_404(OptionsAppraisal.objects.all(), pk=kwargs["appraisal_id"])
        self.appraisal = appraisal_detail(appraisal_id=kwargs["appraisal_id"])

    def back_url(self) -> str:
        return reverse("appraisal-detail", kwargs={"appraisal_id": self.appraisal.pk})

    def get_caption(self) -> str:
        return self.appraisal.title


class AppraisalDetailView(AppraisalLoad, MemberTemplateView):
    template_name = "commissioning/replacement/appraisal.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            appraisal=self.appraisal,
            options=list(self.appraisal.options.all()),
            may_change=self.acting.has_role(Role.COMMISSIONER),
            **kwargs,
        )


class AppraisalOptionView(AppraisalLoad, FormPage):
    form_class = OptionForm
    required_roles = WRITE_ROLES
    heading = "A model considered"
    button = "Save the option"
    intro = "Record each model weighed, with its advantages and disadvantages. Saving a model again rewrites it."

    def act(self, form: OptionForm) -> HttpResponse:
        appraisal_option_set(appraisal=self.appraisal, by=self.acting, **form.cleaned_data)
        return self.done("Option saved", self.back_url())


class AppraisalChooseView(AppraisalLoad, FormPage):
    form_class = ChooseForm
    required_roles = WRITE_ROLES
    heading = "The option chosen"
    button = "Record the choice"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "options": list(self.appraisal.options.all())}

    def get_initial(self) -> dict[str, Any]:
        return {"model": self.appraisal.chosen, "reason": self.appraisal.chosen_reason}

    def act(self, form: ChooseForm) -> HttpResponse:
        appraisal_choose(appraisal=self.appraisal, by=self.acting, **form.cleaned_data)
        return self.done("Choice recorded", self.back_url())


class AppraisalPdfView(AppraisalLoad, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, appraisal_id: int) -> HttpResponse:
        return pdf_response(appraisal_pdf(self.appraisal), f"options-appraisal-{self.appraisal.pk}.pdf")
