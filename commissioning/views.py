"""Pages for the service map, joint commissions, timetables and the finance officers' reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import FormView

from commissioning import exports, permissions, selectors, services
from commissioning.forms import (
    AgreementForm,
    CommissionEditForm,
    CommissionForm,
    ContractImportForm,
    ContributionsForm,
    EvidenceForm,
    InviteForm,
    MappedContractForm,
    ModelForm,
    OutcomeForm,
    ServiceAreaForm,
    SettingsForm,
    StageForm,
    TimetableForm,
    TransferForm,
)
from commissioning.models import (
    CalendarFeed,
    CommissionStatus,
    ContractImport,
    Contribution,
    EvidenceItem,
    JointCommission,
    MappedContract,
    Outcome,
    Participation,
    ParticipationStatus,
    PartnershipAgreement,
    ServiceArea,
    Stage,
)
from commissioning.permissions import FINANCE_ROLES, MONEY_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.workflows import COMMISSION_WORKFLOW, NEEDS_REASON
from core import audit
from core.errors import DomainError, PermissionDenied
from core.files import KeepUploadsMixin, serve
from core.tenancy import tenancy_disabled
from core.views import MemberTemplateView, MemberView, PublicView, apply_domain_error
from partners.models import Membership, Organisation, Role


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class FormPage(MemberView, FormView):
    """A form page: a service call in ``act``; a refusal is shown on the form (status 400), nothing lost."""

    template_name = "commissioning/form.html"
    heading = ""
    caption = ""
    button = "Save"
    intro = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("heading", self.heading)
        kwargs.setdefault("caption", self.get_caption())
        kwargs.setdefault("button", self.button)
        kwargs.setdefault("intro", self.intro)
        kwargs.setdefault("back_url", self.back_url())
        return super().get_context_data(**kwargs)

    def get_caption(self) -> str:
        return self.caption

    def back_url(self) -> str:
        return ""

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return self.act(form)
        except PermissionDenied:
            raise  # a 403 page saying who may do it
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)  # keeps good uploads (KeepUploadsMixin) and answers 400

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PartnershipMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.partnership = get_object_or_404(
            selectors.partnerships_of(organisation=self.acting.organisation), pk=kwargs["partnership_id"]
        )


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


# --------------------------------------------------------------------------------------------------------------
# The service map
# --------------------------------------------------------------------------------------------------------------


class ServiceMapView(MemberTemplateView):
    """Service areas across the organisation's partnerships, with what each partnership's map shows."""

    template_name = "commissioning/service_map.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            partnerships=list(selectors.partnerships_of(organisation=organisation)),
            areas=list(selectors.service_areas_overview(organisation=organisation)),
            **kwargs,
        )


class ServiceAreaCreateView(PartnershipMixin, FormPage):
    form_class = ServiceAreaForm
    required_roles = WRITE_ROLES
    heading = "Add a service area"
    button = "Add service area"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("service-map")

    def act(self, form: ServiceAreaForm) -> HttpResponse:
        area = services.service_area_create(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"{area} added to {self.partnership}")
        return redirect("service-area-detail", service_area_id=area.pk)


WINDOW_CHOICES = [(91, "3 months"), (183, "6 months"), (365, "12 months"), (730, "2 years")]


class ServiceAreaDetailView(MemberTemplateView):
    """The map of one service area: who funds whom, totals, duplication and alignment opportunities."""

    template_name = "commissioning/service_area_detail.html"
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.area = get_object_or_404(ServiceArea.objects.select_related("partnership"), pk=kwargs["service_area_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        window = None
        raw = self.request.GET.get("window", "")
        if raw.isdigit() and 1 <= int(raw) <= 1830:
            window = int(raw)
        the_map = selectors.service_map(area=self.area, window_days=window)
        choices = list(WINDOW_CHOICES)
        if the_map.window_days not in dict(choices):
            choices.append((the_map.window_days, f"{the_map.window_days} days"))
        return super().get_context_data(
            area=self.area,
            map=the_map,
            window_choices=sorted(choices),
            can_record=self.acting.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER),
            **kwargs,
        )


def _areas_for(acting: Any, partnership_id: int | None = None) -> Any:
    areas = ServiceArea.objects.select_related("partnership").order_by("partnership__name", "name")
    if partnership_id is not None:
        areas = areas.filter(partnership_id=partnership_id)
    return areas


class MappedContractCreateView(FormPage):
    form_class = MappedContractForm
    required_roles = MONEY_ROLES
    heading = "Record a contract or grant"
    button = "Save contract"

    def load(self, **kwargs: Any) -> None:
        self.area = get_object_or_404(ServiceArea.objects.select_related("partnership"), pk=kwargs["service_area_id"])

    def get_caption(self) -> str:
        return f"{self.acting.organisation.name} — {self.area.partnership.name}"

    def back_url(self) -> str:
        return reverse("service-area-detail", kwargs={"service_area_id": self.area.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": _areas_for(self.acting, self.area.partnership_id)}

    def get_initial(self) -> dict[str, Any]:
        return {"service_area": self.area, "alignable": "yes"}

    def act(self, form: MappedContractForm) -> HttpResponse:
        values = form.values()
        area = values.pop("service_area")
        contract = services.mapped_contract_create(service_area=area, by=self.acting, **values)
        messages.success(self.request, f"Recorded: {contract.provider_name}, {contract.annual_value:,.2f} a year")
        return redirect("service-area-detail", service_area_id=area.pk)


class MappedContractEditView(FormPage):
    form_class = MappedContractForm
    required_roles = MONEY_ROLES
    heading = "Change a contract or grant"
    button = "Save changes"

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            MappedContract.objects.select_related("service_area", "partnership", "funder"), pk=kwargs["contract_id"]
        )

    def get_caption(self) -> str:
        return f"{self.contract.funder.name} — {self.contract.partnership.name}"

    def back_url(self) -> str:
        return reverse("service-area-detail", kwargs={"service_area_id": self.contract.service_area_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": _areas_for(self.acting, self.contract.partnership_id)}

    def get_initial(self) -> dict[str, Any]:
        c = self.contract
        initial = {f: getattr(c, f) for f in services.CONTRACT_FIELDS}
        initial["alignable"] = "yes" if c.alignable else "no"
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.contract.funder_id == self.acting.organisation.pk:
            context["delete_url"] = reverse("mapped-contract-delete", kwargs={"contract_id": self.contract.pk})
        return context

    def act(self, form: MappedContractForm) -> HttpResponse:
        contract = services.mapped_contract_update(contract=self.contract, by=self.acting, **form.values())
        messages.success(self.request, f"Saved: {contract.provider_name}")
        return redirect("service-area-detail", service_area_id=contract.service_area_id)


class MappedContractDeleteView(MemberView):
    http_method_names = ["post"]
    required_roles = MONEY_ROLES

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            MappedContract.objects.select_related("partnership"), pk=kwargs["contract_id"]
        )

    def post(self, request: HttpRequest, contract_id: int) -> HttpResponse:
        area_id = self.contract.service_area_id
        try:
            services.mapped_contract_delete(contract=self.contract, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("mapped-contract-edit", contract_id=self.contract.pk)
        messages.success(request, "The contract is removed from the map")
        return redirect("service-area-detail", service_area_id=area_id)


class MappedContractListView(MemberTemplateView):
    """Contracts on the map, all partners' or only your own, with imports and exports."""

    template_name = "commissioning/contracts.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        partnerships = list(selectors.partnerships_of(organisation=organisation))
        chosen = None
        raw = self.request.GET.get("partnership", "")
        if raw.isdigit():
            chosen = next((p for p in partnerships if p.pk == int(raw)), None)
        if chosen is None and partnerships:
            chosen = partnerships[0]
        mine = self.request.GET.get("mine") == "1"
        contracts = (
            list(selectors.contracts_for(organisation=organisation, partnership=chosen, mine=mine)) if chosen else []
        )
        return super().get_context_data(
            partnerships=partnerships,
            partnership=chosen,
            mine=mine,
            contracts=contracts,
            total=sum((c.annual_value for c in contracts), start=services.money("0")),
            imports=list(selectors.imports_of(organisation=organisation)[:5]),
            can_record=self.acting.has_role(*MONEY_ROLES),
            **kwargs,
        )


class MappedContractImportView(PartnershipMixin, KeepUploadsMixin, FormPage):
    form_class = ContractImportForm
    required_roles = MONEY_ROLES
    template_name = "commissioning/import.html"
    heading = "Import contracts and grants"
    button = "Import"

    def get_caption(self) -> str:
        return f"{self.acting.organisation.name} — {self.partnership.name}"

    def back_url(self) -> str:
        return f"{reverse('mapped-contracts')}?partnership={self.partnership.pk}&mine=1"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            headers=services.EXPORT_HEADERS, areas=list(_areas_for(self.acting, self.partnership.pk)), **kwargs
        )

    def act(self, form: ContractImportForm) -> HttpResponse:
        run = services.contracts_import(partnership=self.partnership, upload=form.cleaned_data["file"], by=self.acting)
        return redirect("mapped-contract-import-report", import_id=run.pk)


class ImportReportView(MemberTemplateView):
    template_name = "commissioning/import_report.html"
    required_roles = MONEY_ROLES

    def load(self, **kwargs: Any) -> None:
        self.run = get_object_or_404(ContractImport.objects.select_related("partnership"), pk=kwargs["import_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        refused = [r for r in self.run.report if r["status"] == "refused"]
        imported = [r for r in self.run.report if r["status"] == "imported"]
        return super().get_context_data(run=self.run, refused=refused, imported=imported, **kwargs)


class _ContractExport(PartnershipMixin, MemberView):
    required_roles = READ_ROLES

    def contracts(self) -> list[MappedContract]:
        mine = self.request.GET.get("mine") == "1"
        return list(
            selectors.contracts_for(organisation=self.acting.organisation, partnership=self.partnership, mine=mine)
        )

    def filename(self, ext: str) -> str:
        return f"{slugify(self.partnership.name)}-contracts-{timezone.localdate():%Y-%m-%d}.{ext}"


class MappedContractExportCsvView(_ContractExport):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        return _download(exports.contracts_csv(self.contracts()), filename=self.filename("csv"), content_type=CSV)


class MappedContractExportXlsxView(_ContractExport):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        content = exports.contracts_xlsx(self.contracts(), title=f"Contracts on the service map of {self.partnership}")
        return _download(content, filename=self.filename("xlsx"), content_type=XLSX)


class EvidenceListView(PartnershipMixin, MemberTemplateView):
    template_name = "commissioning/evidence.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tag = self.request.GET.get("tag", "").strip().lower()
        return super().get_context_data(
            partnership=self.partnership,
            items=list(selectors.evidence_for(partnership=self.partnership, tag=tag)),
            tags=selectors.evidence_tags(partnership=self.partnership),
            tag=tag,
            can_add=self.acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN),
            **kwargs,
        )


class EvidenceCreateView(PartnershipMixin, KeepUploadsMixin, FormPage):
    form_class = EvidenceForm
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    heading = "Add to the evidence base"
    button = "Add evidence"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("evidence-list", kwargs={"partnership_id": self.partnership.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": _areas_for(self.acting, self.partnership.pk)}

    def act(self, form: EvidenceForm) -> HttpResponse:
        data = form.cleaned_data
        item = services.evidence_add(
            partnership=self.partnership,
            title=data["title"],
            summary=data["summary"],
            url=data["url"],
            document=data["document"] or None,
            tags=[data["tags"]],
            service_area=data["service_area"],
            by=self.acting,
        )
        messages.success(self.request, f"{item.title} added to the evidence base")
        return redirect("evidence-list", partnership_id=self.partnership.pk)


class EvidenceDocumentView(MemberView):
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.item = get_object_or_404(EvidenceItem.objects.all(), pk=kwargs["evidence_id"])

    def get(self, request: HttpRequest, evidence_id: int) -> HttpResponseBase:
        if not self.item.document:
            raise Http404("This evidence is a link, not a document")
        return serve(self.item.document, filename=self.item.original_filename or "evidence")


class OutcomesView(PartnershipMixin, FormPage):
    template_name = "commissioning/outcomes.html"
    form_class = OutcomeForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Add to the framework"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        outcomes = list(selectors.outcomes_for(partnership=self.partnership))
        return super().get_context_data(
            partnership=self.partnership,
            outcomes=[o for o in outcomes if o.kind == Outcome.Kind.OUTCOME],
            principles=[o for o in outcomes if o.kind == Outcome.Kind.PRINCIPLE],
            can_add=self.acting.has_role(*WRITE_ROLES),
            **kwargs,
        )

    def act(self, form: OutcomeForm) -> HttpResponse:
        outcome = services.outcome_add(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Added: {outcome.title}")
        return redirect("outcomes", partnership_id=self.partnership.pk)


class SettingsView(PartnershipMixin, FormPage):
    form_class = SettingsForm
    required_roles = READ_ROLES
    write_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)
    heading = "Commissioning settings"
    button = "Save settings"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("service-map")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        may = self.acting.organisation.pk == self.partnership.accountable_body_id and self.acting.has_role(
            Role.ORG_ADMIN, Role.COMMISSIONER
        )
        intro = (
            "These settings apply to every joint commission in the partnership."
            if may
            else f"Only {self.partnership.accountable_body}, the accountable body, can change these settings."
        )
        return super().get_context_data(intro=intro, read_only=not may, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        s = services.settings_for(self.partnership)
        return {
            "framework_threshold": s.framework_threshold,
            "reminder_days": ", ".join(str(d) for d in s.reminder_days),
            "alignment_window_days": s.alignment_window_days,
        }

    def act(self, form: SettingsForm) -> HttpResponse:
        services.settings_update(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Settings for {self.partnership} saved")
        return redirect("commissioning-settings", partnership_id=self.partnership.pk)


# --------------------------------------------------------------------------------------------------------------
# Joint commissions
# --------------------------------------------------------------------------------------------------------------


class CommissionListView(MemberTemplateView):
    template_name = "commissioning/commissions.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            commissions=list(selectors.commissions_for(organisation=organisation)),
            invitations=list(selectors.pending_invitations(organisation=organisation)),
            partnerships=list(selectors.partnerships_of(organisation=organisation)),
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
    def intro(self) -> str:  # type: ignore[override]
        return (
            f"{self.acting.organisation.name} will lead it, with you as lead commissioner. Next you invite partners, "
            "record what each puts in, and choose the commissioning model."
        )

    def back_url(self) -> str:
        return reverse("commissions")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": _areas_for(self.acting)}

    def act(self, form: CommissionForm) -> HttpResponse:
        commission = services.commission_create(by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"{commission.title} is set up as a draft. Invite the partners next")
        return redirect("commission-detail", commission_id=commission.pk)


class CommissionDetailView(MemberTemplateView):
    template_name = "commissioning/commission_detail.html"
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.commission = get_object_or_404(JointCommission.objects.all(), pk=kwargs["commission_id"])
        self.commission = selectors.commission_detail(commission_id=self.commission.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        acting = self.acting
        own = next((p for p in c.participations.all() if p.organisation_id == acting.organisation.pk), None)
        steps = [(t, problems) for t, problems in COMMISSION_WORKFLOW.possible_for(c, acting)]
        agreements = {a.organisation_id: a for a in c.agreements.all()}
        stages = selectors.stages_of(commission=c)
        return super().get_context_data(
            commission=c,
            own=own,
            is_lead=permissions.is_lead(c, acting),
            table=selectors.contribution_table(commission=c, acting=acting),
            steps=steps,
            needs_reason=NEEDS_REASON,
            blockers=services.procurement_blockers(c) if c.status == CommissionStatus.SIGN_UP else [],
            agreements=agreements,
            own_agreement=agreements.get(acting.organisation.pk),
            may_sign=(
                own is not None
                and not own.is_lead
                and own.status == ParticipationStatus.ACCEPTED
                and c.needs_agreements
                and c.is_planning
                and acting.organisation.pk not in agreements
                and acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN)
            ),
            may_answer=own is not None
            and own.status == ParticipationStatus.INVITED
            and acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN),
            suggestion=services.suggestion_for(c) if c.is_planning else None,
            stages=stages,
            next_stages=sorted((s for s in stages if s.completed_on is None), key=lambda s: s.planned_end)[:4],
            today=timezone.localdate(),
            **kwargs,
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
        services.commission_update(commission=self.commission, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Changes saved")
        return redirect("commission-detail", commission_id=self.commission.pk)


class CommissionModelView(CommissionMixin, FormPage):
    form_class = ModelForm
    required_roles = WRITE_ROLES
    template_name = "commissioning/commission_model.html"
    heading = "Choose the commissioning model"
    button = "Record the model"

    def get_initial(self) -> dict[str, Any]:
        c = self.commission
        return {"model": c.model or services.suggestion_for(c).model, "model_reason": c.model_reason}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        return super().get_context_data(
            commission=c,
            suggestion=services.suggestion_for(c),
            threshold=services.settings_for(c.partnership).framework_threshold,
            **kwargs,
        )

    def act(self, form: ModelForm) -> HttpResponse:
        c = services.commission_choose_model(
            commission=self.commission,
            model=form.cleaned_data["model"],
            reason=form.cleaned_data["model_reason"],
            by=self.acting,
        )
        messages.success(self.request, f"Model recorded: {c.get_model_display()}")
        return redirect("commission-detail", commission_id=c.pk)


class CommissionInviteView(CommissionMixin, FormPage):
    form_class = InviteForm
    required_roles = WRITE_ROLES
    heading = "Invite partners"
    button = "Send invitations"

    @property
    def intro(self) -> str:  # type: ignore[override]
        return (
            f"Members of {self.commission.partnership}. Each partner's commissioners are told and accept or decline "
            "on the commission's page."
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": selectors.invitable_organisations(commission=self.commission),
        }

    def act(self, form: InviteForm) -> HttpResponse:
        invited = services.commission_invite(
            commission=self.commission, organisations=form.cleaned_data["organisations"], by=self.acting
        )
        messages.success(self.request, f"Invited: {', '.join(str(p.organisation) for p in invited)}")
        return redirect("commission-detail", commission_id=self.commission.pk)


class CommissionRespondView(CommissionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)

    def post(self, request: HttpRequest, commission_id: int) -> HttpResponse:
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, "Choose whether to accept or decline")
            return redirect("commission-detail", commission_id=commission_id)
        try:
            p = services.commission_respond(
                commission=self.commission,
                accept=answer == "accept",
                reason=request.POST.get("reason", ""),
                by=self.acting,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("commission-detail", commission_id=commission_id)
        if p.status == ParticipationStatus.ACCEPTED:
            messages.success(request, f"{p.organisation} is taking part in {self.commission.title}")
            return redirect("commission-detail", commission_id=commission_id)
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
            services.commission_withdraw_invitation(
                commission=self.commission, organisation=organisation, by=self.acting
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The invitation to {organisation} is withdrawn")
        return redirect("commission-detail", commission_id=commission_id)


class CommissionTransitionView(CommissionMixin, MemberView):
    """Move the commission on. A refusal names what is missing."""

    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, commission_id: int) -> HttpResponse:
        name = request.POST.get("name", "")
        if name not in COMMISSION_WORKFLOW.transitions:
            messages.error(request, "Choose a step")
            response = redirect("commission-detail", commission_id=commission_id)
            return response
        try:
            c = services.commission_transition(
                commission=self.commission, name=name, by=self.acting, reason=request.POST.get("reason", "")
            )
        except DomainError as error:
            text = error.message + (": " + "; ".join(error.problems) if error.problems else "")
            messages.error(request, text)
            return redirect("commission-detail", commission_id=commission_id)
        messages.success(request, f"{c.title} is now: {c.get_status_display().lower()}")
        return redirect("commission-detail", commission_id=commission_id)


class CommissionHistoryView(CommissionMixin, MemberTemplateView):
    template_name = "commissioning/history.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Q

        from core.models import AuditEvent

        c = self.commission
        types = ContentType.objects.get_for_models(
            JointCommission, Participation, Contribution, PartnershipAgreement, Stage
        )
        ids = {
            JointCommission: [str(c.pk)],
            Participation: [str(pk) for pk in Participation.objects.filter(commission=c).values_list("pk", flat=True)],
            Contribution: [str(pk) for pk in Contribution.objects.filter(commission=c).values_list("pk", flat=True)],
            PartnershipAgreement: [
                str(pk) for pk in PartnershipAgreement.objects.filter(commission=c).values_list("pk", flat=True)
            ],
            Stage: [str(pk) for pk in Stage.objects.filter(commission=c).values_list("pk", flat=True)],
        }
        q = Q(pk__in=[])
        for model, object_ids in ids.items():
            if object_ids:
                q |= Q(content_type=types[model], object_id__in=object_ids)
        events = AuditEvent.objects.filter(q).order_by("-occurred_at", "-id")[:300]
        return super().get_context_data(commission=c, events=audit.reveal(events, self.acting), **kwargs)


# ---- contributions ---------------------------------------------------------------------------------------------


class CommissionContributionsView(CommissionMixin, FormPage):
    template_name = "commissioning/commission_contributions.html"
    form_class = ContributionsForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Save contributions"

    def _organisations(self) -> Any:
        c = self.commission
        if permissions.is_lead(c, self.acting):
            ids = Participation.objects.filter(
                commission=c, status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED]
            ).values("organisation_id")
        else:
            ids = Participation.objects.filter(
                commission=c,
                organisation=self.acting.organisation,
                status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED],
            ).values("organisation_id")
        return Organisation.objects.filter(pk__in=ids).order_by("name")

    def get_form_kwargs(self) -> dict[str, Any]:
        from commissioning.models import MappedContract as MC

        sources = MC.objects.filter(
            partnership_id=self.commission.partnership_id, service_area_id=self.commission.service_area_id
        ).select_related("funder")
        if not permissions.is_lead(self.commission, self.acting):
            sources = sources.filter(funder=self.acting.organisation)
        return {
            **super().get_form_kwargs(),
            "organisations": self._organisations(),
            "years": self.commission.financial_years,
            "sources": sources.order_by("funder__name", "-alignable", "end_date"),
        }

    def get_initial(self) -> dict[str, Any]:
        return {"organisation": self.acting.organisation.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        acting = self.acting
        table = selectors.contribution_table(commission=c, acting=acting)
        may_record = (
            c.is_planning
            and acting.has_role(Role.COMMISSIONER)
            and (permissions.is_lead(c, acting) or any(r.is_own for r in table.rows) or self._organisations().exists())
        )
        return super().get_context_data(
            commission=c,
            table=table,
            is_lead=permissions.is_lead(c, acting),
            may_record=may_record,
            own_id=acting.organisation.pk,
            may_confirm=acting.has_role(*MONEY_ROLES)
            and permissions.is_accepted_participant(c, acting.organisation.pk),
            may_transfer=acting.has_role(*MONEY_ROLES),
            **kwargs,
        )

    def act(self, form: ContributionsForm) -> HttpResponse:
        data = form.cleaned_data
        rows = services.contributions_set_annual(
            commission=self.commission,
            organisation=data["organisation"],
            annual_amount=data["annual_amount"],
            years=data["years"],
            source=data["source"],
            funding_source=data["funding_source"],
            by=self.acting,
        )
        years = ", ".join(r.year_label for r in rows)
        messages.success(
            self.request,
            f"{data['organisation']}: £{data['annual_amount']:,.2f} a year recorded for {years} (indicative)",
        )
        return redirect("commission-contributions", commission_id=self.commission.pk)


class ContributionMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contribution = get_object_or_404(
            Contribution.objects.select_related("commission__partnership", "organisation"), pk=kwargs["contribution_id"]
        )
        # The row is within the commission's tenant scope; the money rule narrows it further.
        if not selectors.contributions_visible(acting=self.acting).filter(pk=self.contribution.pk).exists():
            raise Http404("No such contribution")


class ContributionConfirmView(ContributionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = MONEY_ROLES

    def post(self, request: HttpRequest, contribution_id: int) -> HttpResponse:
        c = self.contribution
        try:
            services.contribution_confirm(contribution=c, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{c.organisation}'s {c.year_label} contribution of £{c.amount:,.2f} is confirmed"
            )
        return redirect("commission-contributions", commission_id=c.commission_id)


class ContributionRemoveView(ContributionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, contribution_id: int) -> HttpResponse:
        c = self.contribution
        try:
            services.contribution_remove(contribution=c, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{c.organisation}'s {c.year_label} contribution is removed")
        return redirect("commission-contributions", commission_id=c.commission_id)


class ContributionTransferView(ContributionMixin, FormPage):
    form_class = TransferForm
    required_roles = MONEY_ROLES
    heading = "Record a transfer"
    button = "Record transfer"

    def get_caption(self) -> str:
        return self.contribution.commission.title

    @property
    def intro(self) -> str:  # type: ignore[override]
        c = self.contribution
        return (
            f"{c.organisation}'s {c.year_label} contribution of £{c.amount:,.2f}, transferred to {c.commission.lead}."
        )

    def back_url(self) -> str:
        return reverse("commission-contributions", kwargs={"commission_id": self.contribution.commission_id})

    def get_initial(self) -> dict[str, Any]:
        return {"transferred_on": timezone.localdate()}

    def act(self, form: TransferForm) -> HttpResponse:
        c = services.contribution_transfer(contribution=self.contribution, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Transfer of £{c.amount:,.2f} recorded ({c.transfer_reference})")
        return redirect("commission-contributions", commission_id=c.commission_id)


# ---- agreements ------------------------------------------------------------------------------------------------


class AgreementSignView(CommissionMixin, KeepUploadsMixin, FormPage):
    form_class = AgreementForm
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    heading = "Sign the partnership agreement"
    button = "Sign and upload"

    @property
    def intro(self) -> str:  # type: ignore[override]
        c = self.commission
        end = services._term_end(c)
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
        agreement = services.agreement_sign(commission=self.commission, by=self.acting, **form.cleaned_data)
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


# ---- timetable -------------------------------------------------------------------------------------------------


class TimetableView(CommissionMixin, FormPage):
    template_name = "commissioning/timetable.html"
    form_class = TimetableForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Create the timetable"

    def get_initial(self) -> dict[str, Any]:
        return {"begins_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        today = timezone.localdate()
        stages = selectors.stages_of(commission=c)
        return super().get_context_data(
            commission=c,
            stages=stages,
            gantt=selectors.gantt(commission=c, stages=stages, today=today) if stages else "",
            today=today,
            is_lead=permissions.is_lead(c, self.acting),
            **kwargs,
        )

    def act(self, form: TimetableForm) -> HttpResponse:
        stages = services.timetable_from_template(
            commission=self.commission, begins_on=form.cleaned_data["begins_on"], by=self.acting
        )
        messages.success(self.request, f"Timetable created with {len(stages)} stages from the TSCiP template")
        return redirect("commission-timetable", commission_id=self.commission.pk)


class StageEditView(FormPage):
    form_class = StageForm
    required_roles = WRITE_ROLES
    heading = "Change a stage"
    button = "Save stage"

    def load(self, **kwargs: Any) -> None:
        self.stage = get_object_or_404(Stage.objects.select_related("commission", "owner"), pk=kwargs["stage_id"])

    def get_caption(self) -> str:
        return self.stage.commission.title

    def back_url(self) -> str:
        return reverse("commission-timetable", kwargs={"commission_id": self.stage.commission_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "owners": selectors.stage_owner_choices(commission=self.stage.commission)}

    def get_initial(self) -> dict[str, Any]:
        s = self.stage
        owner = (
            Membership._base_manager.filter(user_id=s.owner_id, organisation_id=s.owner_organisation_id).first()
            if s.owner_id
            else None
        )
        return {
            "name": s.name,
            "owner": owner,
            "planned_start": s.planned_start,
            "planned_end": s.planned_end,
            "completed_on": s.completed_on,
            "notes": s.notes,
        }

    def act(self, form: StageForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        membership = data.pop("owner")
        stage = services.stage_update(
            stage=self.stage, owner=membership.user if membership else None, by=self.acting, **data
        )
        messages.success(self.request, f"{stage.name} saved")
        return redirect("commission-timetable", commission_id=stage.commission_id)


class StageAddView(CommissionMixin, FormPage):
    form_class = StageForm
    required_roles = WRITE_ROLES
    heading = "Add a stage"
    button = "Add stage"

    def back_url(self) -> str:
        return reverse("commission-timetable", kwargs={"commission_id": self.commission.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "owners": selectors.stage_owner_choices(commission=self.commission)}

    def act(self, form: StageForm) -> HttpResponse:
        data = form.cleaned_data
        stage = services.stage_add(
            commission=self.commission,
            name=data["name"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            owner=data["owner"].user if data["owner"] else None,
            by=self.acting,
        )
        messages.success(self.request, f"{stage.name} added")
        return redirect("commission-timetable", commission_id=self.commission.pk)


class StageCompleteView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN)

    def load(self, **kwargs: Any) -> None:
        self.stage = get_object_or_404(Stage.objects.select_related("commission"), pk=kwargs["stage_id"])

    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        try:
            services.stage_complete(stage=self.stage, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{self.stage.name} is marked done")
        return redirect("commission-timetable", commission_id=self.stage.commission_id)


class CalendarView(MemberTemplateView):
    """The person's private calendar address (for Outlook, Google or Apple calendars)."""

    template_name = "commissioning/calendar.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        feed = services.calendar_feed_for(user=self.request.user)  # type: ignore[arg-type]
        url = self.request.build_absolute_uri(reverse("calendar-feed", kwargs={"feed_token": feed.token}))
        return super().get_context_data(
            feed_url=url, stages=selectors.calendar_stages(user=self.request.user), today=timezone.localdate(), **kwargs
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        services.calendar_feed_reset(by=self.acting)
        messages.success(request, "A new calendar address is ready. The old one no longer works")
        return redirect("calendar")


class CalendarFeedView(PublicView):
    """An iCal feed for calendar apps, which cannot sign in: the unguessable address is the credential. It carries
    only stage names and dates, can be replaced at any time, and follows the person's current memberships."""

    def get(self, request: HttpRequest, feed_token: str) -> HttpResponse:
        with tenancy_disabled():
            feed = CalendarFeed.objects.select_related("user").filter(token=feed_token).first()
        if feed is None or not feed.user.is_active:
            raise Http404("No such calendar")
        stages = selectors.calendar_stages(user=feed.user)
        response = HttpResponse(
            exports.stages_ical(stages, user=feed.user), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="jointly.ics"'
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response


# --------------------------------------------------------------------------------------------------------------
# Reports for finance officers
# --------------------------------------------------------------------------------------------------------------


class _ReportMixin(PartnershipMixin):
    """Which organisation the report is for: your own, or -- for the accountable body -- any partner or all."""

    required_roles = FINANCE_ROLES
    request: HttpRequest

    def subject(self) -> Organisation | None:
        whole = permissions.sees_whole_partnership_report(self.partnership, self.acting)
        scope = self.request.GET.get("scope", "")
        if scope == "partnership":
            if not whole:
                raise PermissionDenied(
                    f"Only {self.partnership.accountable_body}, the accountable body, can report on every partner"
                )
            return None
        raw = self.request.GET.get("organisation", "")
        if raw.isdigit() and int(raw) != self.acting.organisation.pk:
            if not whole:
                raise PermissionDenied("You can report on your own organisation's contributions only")
            organisation = self.partnership.members.filter(pk=int(raw)).first()
            if organisation is None:
                raise Http404("No such partner")
            return organisation  # type: ignore[no-any-return]
        return self.acting.organisation  # type: ignore[no-any-return]

    def report(self) -> selectors.ContributionReport:
        return selectors.contribution_report(partnership=self.partnership, organisation=self.subject())

    def filename(self, report: selectors.ContributionReport, ext: str) -> str:
        who = report.organisation.name if report.organisation is not None else "all-partners"
        return f"contributions-{slugify(who)}-{timezone.localdate():%Y-%m-%d}.{ext}"

    def query(self) -> str:
        return self.request.GET.urlencode()


class ContributionReportView(_ReportMixin, MemberTemplateView):
    template_name = "commissioning/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = self.report()
        whole = permissions.sees_whole_partnership_report(self.partnership, self.acting)
        partners = list(self.partnership.members.order_by("name")) if whole else []
        return super().get_context_data(
            report=report,
            chart=report.chart(),
            whole=whole,
            partners=partners,
            partnership=self.partnership,
            query=self.query(),
            **kwargs,
        )


class ContributionReportPdfView(_ReportMixin, MemberView):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        return _download(
            exports.report_pdf(report), filename=self.filename(report, "pdf"), content_type="application/pdf"
        )


class ContributionReportCsvView(_ReportMixin, MemberView):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        return _download(exports.report_csv(report), filename=self.filename(report, "csv"), content_type=CSV)


class ContributionReportXlsxView(_ReportMixin, MemberView):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        return _download(exports.report_xlsx(report), filename=self.filename(report, "xlsx"), content_type=XLSX)
