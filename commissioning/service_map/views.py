"""Pages: the service map (what each partner already funds)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from commissioning.service_map.exports import contracts_csv, contracts_xlsx
from commissioning.service_map.forms import (
    ContractImportForm,
    EvidenceForm,
    MapDecisionForm,
    MappedContractForm,
    OutcomeForm,
    ServiceAreaForm,
    SettingsForm,
)
from commissioning.service_map.models import (
    ContractImport,
    EvidenceItem,
    MappedContract,
    Outcome,
    ServiceArea,
    settings_for,
)
from commissioning.service_map.permissions import MONEY_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.service_map.rules import CONTRACT_FIELDS, EXPORT_HEADERS
from commissioning.service_map.selectors import (
    contracts_for,
    evidence_for,
    evidence_tags,
    imports_of,
    outcomes_for,
    partnerships_of,
    service_areas_overview,
)
from commissioning.service_map.services import (
    contracts_import,
    evidence_add,
    map_decision_record,
    mapped_contract_create,
    mapped_contract_delete,
    mapped_contract_update,
    outcome_add,
    service_area_create,
    settings_update,
)
from commissioning.service_map.summary import area_summary, contract_page
from core.errors import DomainError
from core.files import KeepUploadsMixin, serve
from core.money import money
from core.views import FormPage, MemberTemplateView, MemberView
from partners.models import Role


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CSV = "text/csv; charset=utf-8"


class PartnershipMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.partnership = get_object_or_404(
            partnerships_of(organisation=self.acting.organisation), pk=kwargs["partnership_id"]
        )


class ServiceMapView(MemberTemplateView):
    """Service areas across the organisation's partnerships, with what each partnership's map shows."""

    template_name = "commissioning/service_map.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            partnerships=list(partnerships_of(organisation=organisation)),
            areas=list(service_areas_overview(organisation=organisation)),
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
        area = service_area_create(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        return self.done(f"{area} added to {self.partnership}", "service-area-detail", service_area_id=area.pk)


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
        summary = area_summary(area=self.area, window_days=window)
        choices = list(WINDOW_CHOICES)
        if summary.window_days not in dict(choices):
            choices.append((summary.window_days, f"{summary.window_days} days"))
        can_record = self.acting.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER)
        can_decide = self.acting.has_role(Role.COMMISSIONER)
        page, rows = contract_page(
            summary=summary,
            page_number=self.request.GET.get("page"),
            organisation_id=self.acting.organisation.pk,
            can_record=can_record,
            can_decide=can_decide,
        )
        return super().get_context_data(
            area=self.area,
            map=summary,
            contract_rows=rows,
            page=page,
            query=urlencode({"window": window}) if window else "",
            window_choices=sorted(choices),
            can_record=can_record,
            can_decide=can_decide,
            **kwargs,
        )


def areas_for(acting: Any, partnership_id: int | None = None) -> Any:
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
        return {**super().get_form_kwargs(), "areas": areas_for(self.acting, self.area.partnership_id)}

    def get_initial(self) -> dict[str, Any]:
        return {"service_area": self.area, "alignable": "yes"}

    def act(self, form: MappedContractForm) -> HttpResponse:
        values = form.values()
        area = values.pop("service_area")
        contract = mapped_contract_create(service_area=area, by=self.acting, **values)
        return self.done(
            f"Recorded: {contract.provider_name}, {contract.annual_value:,.2f} a year",
            "service-area-detail",
            service_area_id=area.pk,
        )


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
        return {**super().get_form_kwargs(), "areas": areas_for(self.acting, self.contract.partnership_id)}

    def get_initial(self) -> dict[str, Any]:
        c = self.contract
        initial = {f: getattr(c, f) for f in CONTRACT_FIELDS}
        initial["alignable"] = "yes" if c.alignable else "no"
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.contract.funder_id == self.acting.organisation.pk:
            context["delete_label"] = "Remove from the map"
            context["delete_url"] = reverse("mapped-contract-delete", kwargs={"contract_id": self.contract.pk})
        return context

    def act(self, form: MappedContractForm) -> HttpResponse:
        contract = mapped_contract_update(contract=self.contract, by=self.acting, **form.values())
        return self.done(
            f"Saved: {contract.provider_name}", "service-area-detail", service_area_id=contract.service_area_id
        )


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
            mapped_contract_delete(contract=self.contract, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("mapped-contract-edit", contract_id=self.contract.pk)
        return self.done("The contract is removed from the map", "service-area-detail", service_area_id=area_id)


class MappedContractListView(MemberTemplateView):
    """Contracts on the map, all partners' or only your own, with imports and exports."""

    template_name = "commissioning/contracts.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        partnerships = list(partnerships_of(organisation=organisation))
        chosen = None
        raw = self.request.GET.get("partnership", "")
        if raw.isdigit():
            chosen = next((p for p in partnerships if p.pk == int(raw)), None)
        if chosen is None and partnerships:
            chosen = partnerships[0]
        mine = self.request.GET.get("mine") == "1"
        contracts = list(contracts_for(organisation=organisation, partnership=chosen, mine=mine)) if chosen else []
        return super().get_context_data(
            partnerships=partnerships,
            partnership=chosen,
            mine=mine,
            contracts=contracts,
            total=sum((c.annual_value for c in contracts), start=money("0")),
            imports=list(imports_of(organisation=organisation)[:5]),
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
            headers=EXPORT_HEADERS, areas=list(areas_for(self.acting, self.partnership.pk)), **kwargs
        )

    def act(self, form: ContractImportForm) -> HttpResponse:
        run = contracts_import(partnership=self.partnership, upload=form.cleaned_data["file"], by=self.acting)
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
        return list(contracts_for(organisation=self.acting.organisation, partnership=self.partnership, mine=mine))

    def filename(self, ext: str) -> str:
        return f"{slugify(self.partnership.name)}-contracts-{timezone.localdate():%Y-%m-%d}.{ext}"


class MappedContractExportCsvView(_ContractExport):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        return download(contracts_csv(self.contracts()), filename=self.filename("csv"), content_type=CSV)


class MappedContractExportXlsxView(_ContractExport):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        content = contracts_xlsx(self.contracts(), title=f"Contracts on the service map of {self.partnership}")
        return download(content, filename=self.filename("xlsx"), content_type=XLSX)


class EvidenceListView(PartnershipMixin, MemberTemplateView):
    template_name = "commissioning/evidence.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tag = self.request.GET.get("tag", "").strip().lower()
        return super().get_context_data(
            partnership=self.partnership,
            items=list(evidence_for(partnership=self.partnership, tag=tag)),
            tags=evidence_tags(partnership=self.partnership),
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
        return {**super().get_form_kwargs(), "areas": areas_for(self.acting, self.partnership.pk)}

    def act(self, form: EvidenceForm) -> HttpResponse:
        data = form.cleaned_data
        item = evidence_add(
            partnership=self.partnership,
            title=data["title"],
            summary=data["summary"],
            url=data["url"],
            document=data["document"] or None,
            tags=[data["tags"]],
            service_area=data["service_area"],
            by=self.acting,
        )
        return self.done(
            f"{item.title} added to the evidence base", "evidence-list", partnership_id=self.partnership.pk
        )


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
        outcomes = list(outcomes_for(partnership=self.partnership))
        return super().get_context_data(
            partnership=self.partnership,
            outcomes=[o for o in outcomes if o.kind == Outcome.Kind.OUTCOME],
            principles=[o for o in outcomes if o.kind == Outcome.Kind.PRINCIPLE],
            can_add=self.acting.has_role(*WRITE_ROLES),
            **kwargs,
        )

    def act(self, form: OutcomeForm) -> HttpResponse:
        outcome = outcome_add(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        return self.done(f"Added: {outcome.title}", "outcomes", partnership_id=self.partnership.pk)


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
        s = settings_for(self.partnership)
        return {
            "framework_threshold": s.framework_threshold,
            "reminder_days": ", ".join(str(d) for d in s.reminder_days),
            "alignment_window_days": s.alignment_window_days,
        }

    def act(self, form: SettingsForm) -> HttpResponse:
        settings_update(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        return self.done(
            f"Settings for {self.partnership} saved", "commissioning-settings", partnership_id=self.partnership.pk
        )


class MapDecisionCreateView(FormPage):
    """A partner records "keep as it is", "look at a stand-alone model later"... for one of its contracts or the
    whole area, with the reason and a review date, without starting a commission."""

    form_class = MapDecisionForm
    required_roles = WRITE_ROLES
    heading = "Record a decision"
    button = "Record the decision"
    intro = (
        "Not every contract needs a joint commission. Record what your organisation has decided and when to look "
        "at it again: you will be reminded when the review date comes."
    )

    def load(self, **kwargs: Any) -> None:
        self.area = get_object_or_404(ServiceArea.objects.select_related("partnership"), pk=kwargs["service_area_id"])

    def get_caption(self) -> str:
        return f"{self.area.name} — {self.area.partnership.name}"

    def back_url(self) -> str:
        return reverse("service-area-detail", kwargs={"service_area_id": self.area.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        own = MappedContract.objects.filter(service_area=self.area, funder=self.acting.organisation).order_by(
            "provider_name", "end_date", "pk"
        )
        return {**super().get_form_kwargs(), "contracts": own}

    def act(self, form: MapDecisionForm) -> HttpResponse:
        d = form.cleaned_data
        decision = map_decision_record(
            service_area=self.area,
            contract=d["contract"],
            kind=d["kind"],
            reason=d["reason"],
            review_on=d["review_on"],
            by=self.acting,
        )
        return self.done(
            f"Recorded: {decision.get_kind_display().lower()}, to review on {decision.review_on:%d %B %Y}",
            "service-area-detail",
            service_area_id=self.area.pk,
        )
