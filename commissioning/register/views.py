"""Pages: a partnership's provider register (its commissioners), one entry (commissioners and the provider), the
register's steps, and the provider's own entries and documents ("tell us once")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from commissioning.register import services
from commissioning.register.forms import AddProviderForm, ApproveForm, DocumentForm, FactsForm, JoinForm
from commissioning.register.models import ProviderDocument, RegisterEntry
from commissioning.register.rules import PROVIDER_ROLES, REGISTRAR_ROLES, is_registrar, is_the_provider
from commissioning.register.selectors import documents_of, entries_of, register_of
from commissioning.register.workflows import REGISTER_WORKFLOW
from commissioning.service_map.permissions import READ_ROLES
from commissioning.service_map.selectors import partnerships_of
from commissioning.service_map.views import PartnershipMixin
from core import audit
from core.files import KeepUploadsMixin, serve
from core.tenancy import unscoped
from core.views import FormPage, MemberTemplateView, MemberView, TransitionView
from partners.models import Organisation, Partnership, PartnershipMember, Sector

ENTRY_READERS = tuple({*READ_ROLES, *PROVIDER_ROLES})


class RegisterView(PartnershipMixin, MemberTemplateView):
    """The partnership's register: every provider, its status, what it is approved for and until when, and whether
    a document is about to expire."""

    template_name = "commissioning/register/register.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partnership=self.partnership,
            entries=list(register_of(partnership=self.partnership)),
            may_add=is_registrar(self.partnership.pk, self.acting),
            today=timezone.localdate(),
            **kwargs,
        )


class AddProviderView(PartnershipMixin, FormPage):
    form_class = AddProviderForm
    required_roles = REGISTRAR_ROLES
    heading = "Add a provider to the register"
    button = "Add to the register"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("provider-register", kwargs={"partnership_id": self.partnership.pk})

    def providers(self) -> list[Organisation]:
        with unscoped(reason="a commissioner picks a provider from every provider signed up to Jointly"):
            return list(Organisation.objects.filter(sector=Sector.PROVIDER).order_by("name")[:2000])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "providers": self.providers()}

    def act(self, form: AddProviderForm) -> HttpResponse:
        organisation = next(o for o in self.providers() if str(o.pk) == form.cleaned_data["organisation"])
        entry = services.entry_register(partnership=self.partnership, organisation=organisation, by=self.acting)
        return self.done(f"{organisation} is on the register", "register-entry", entry_id=entry.pk)


class EntryMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.entry = get_object_or_404(
            RegisterEntry.objects.select_related("partnership", "organisation"), pk=kwargs["entry_id"]
        )


class EntryView(EntryMixin, MemberTemplateView):
    template_name = "commissioning/register/entry.html"
    required_roles = ENTRY_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        e = self.entry
        registrar = is_registrar(e.partnership_id, self.acting)
        steps = [(t, p) for t, p in REGISTER_WORKFLOW.possible_for(e, self.acting) if t.name != "approve"]
        return super().get_context_data(
            entry=e,
            documents=documents_of(organisation_id=e.organisation_id),
            today=timezone.localdate(),
            is_registrar=registrar,
            is_provider=is_the_provider(e, self.acting) and self.acting.has_role(*PROVIDER_ROLES),
            steps=steps,
            history=audit.reveal(audit.history_for(e).order_by("-occurred_at", "-pk")[:50], self.acting),
            **kwargs,
        )


class EntryApproveView(EntryMixin, FormPage):
    form_class = ApproveForm
    required_roles = REGISTRAR_ROLES
    heading = "Approve a provider"
    button = "Approve"

    def get_caption(self) -> str:
        return f"{self.entry.organisation}: {self.entry.partnership}"

    def get_intro(self) -> str:
        return "Approve the provider for the categories of service it may be commissioned for, until a date."

    def back_url(self) -> str:
        return reverse("register-entry", kwargs={"entry_id": self.entry.pk})

    def get_initial(self) -> dict[str, Any]:
        return {"categories": list(self.entry.categories), "approved_until": self.entry.approved_until}

    def act(self, form: ApproveForm) -> HttpResponse:
        entry = services.entry_approve(entry=self.entry, by=self.acting, **form.cleaned_data)
        return self.done(
            f"{entry.organisation} is approved until {entry.approved_until:%-d %B %Y}",
            "register-entry",
            entry_id=entry.pk,
        )


class EntryTransitionView(EntryMixin, TransitionView):
    workflow = REGISTER_WORKFLOW
    required_roles = REGISTRAR_ROLES

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.entry

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.entry_transition(entry=obj, name=name, reason=reason, by=self.acting)

    def get_success_url(self) -> str:
        return reverse("register-entry", kwargs={"entry_id": self.entry.pk})


class EntryFactsView(EntryMixin, FormPage):
    form_class = FactsForm
    required_roles = PROVIDER_ROLES
    heading = "Your details on the register"
    button = "Save your details"

    def load(self, **kwargs: Any) -> None:
        # The provider's own entry only: another organisation's (or a commissioner's view of it) is a 404.
        self.entry = get_object_or_404(
            RegisterEntry.objects.select_related("partnership", "organisation").filter(
                organisation=self.acting.organisation
            ),
            pk=kwargs["my_entry_id"],
        )

    def get_caption(self) -> str:
        return str(self.entry.partnership)

    def back_url(self) -> str:
        return reverse("register-entry", kwargs={"entry_id": self.entry.pk})

    def get_initial(self) -> dict[str, Any]:
        return {f: getattr(self.entry, f) for f in services.FACT_FIELDS}

    def act(self, form: FactsForm) -> HttpResponse:
        services.entry_facts_set(entry=self.entry, by=self.acting, **form.cleaned_data)
        return self.done("Your details are saved", "register-entry", entry_id=self.entry.pk)


class MyRegisterView(MemberTemplateView):
    """A provider's own entries on partnerships' registers and its documents, kept once for all of them."""

    template_name = "commissioning/register/mine.html"
    required_roles = PROVIDER_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            entries=entries_of(organisation=organisation),
            documents=documents_of(organisation_id=organisation.pk),
            today=timezone.localdate(),
            **kwargs,
        )


class JoinRegisterView(FormPage):
    form_class = JoinForm
    required_roles = PROVIDER_ROLES
    heading = "Join a partnership's provider register"
    button = "Join the register"
    intro = "Tell us once: the partnership's commissioners see your details and documents, and every bid reuses them."

    def back_url(self) -> str:
        return reverse("register-mine")

    def partnerships(self) -> list[Partnership]:
        with unscoped(reason="a provider picks from every partnership with active members"):
            return list(
                Partnership.objects.filter(memberships__status=PartnershipMember.Status.ACTIVE)
                .distinct()
                .order_by("name")[:500]
            )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "partnerships": self.partnerships()}

    def act(self, form: JoinForm) -> HttpResponse:
        partnership = next(p for p in self.partnerships() if str(p.pk) == form.cleaned_data["partnership"])
        entry = services.entry_register(partnership=partnership, organisation=self.acting.organisation, by=self.acting)
        return self.done(f"You are on the register of {partnership}", "register-entry", entry_id=entry.pk)


class DocumentAddView(KeepUploadsMixin, FormPage):
    form_class = DocumentForm
    required_roles = PROVIDER_ROLES
    heading = "Upload a document"
    button = "Upload"
    intro = "Upload it once: every register you are on and every bid you make reads the current copy."

    def back_url(self) -> str:
        return reverse("register-mine")

    def act(self, form: DocumentForm) -> HttpResponse:
        doc = services.document_add(organisation=self.acting.organisation, by=self.acting, **form.cleaned_data)
        return self.done(f"{doc} uploaded", "register-mine")


class DocumentMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.document = get_object_or_404(ProviderDocument.objects.all(), pk=kwargs["document_id"])


class DocumentFileView(DocumentMixin, MemberView):
    required_roles = ENTRY_READERS

    def get(self, request: HttpRequest, document_id: int) -> HttpResponseBase:
        return serve(self.document.file, filename=self.document.original_filename or "document")


class DocumentRemoveView(DocumentMixin, MemberView):
    required_roles = PROVIDER_ROLES

    def post(self, request: HttpRequest, document_id: int) -> HttpResponse:
        services.document_remove(document=self.document, by=self.acting)
        return self.done(f"{self.document} removed", "register-mine")


class RegistersView(MemberTemplateView):
    """A commissioner's registers: one per partnership the organisation is an active member of."""

    template_name = "commissioning/register/registers.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partnerships=list(partnerships_of(organisation=self.acting.organisation)), **kwargs
        )
