from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit, dashboard, unread, versions
from core.errors import DomainError
from core.models import AuditEvent, Notification
from core.tenancy import unscoped
from core.views import (
    MemberTemplateView,
    MemberView,
    PublicTemplateView,
    PublicView,
    apply_domain_error,
    form_invalid_response,
)
from partners import selectors, services, tokens
from partners.acting import SESSION_KEY, acting_roles_choices
from partners.forms import (
    InvitationAcceptForm,
    InviteForm,
    MembershipForm,
    OrganisationForm,
    OtpForm,
    PartnerInviteForm,
    PartnershipForm,
    ProviderRegistrationForm,
    SignInForm,
)
from partners.models import Invitation, Membership, Partnership, PartnershipMember, Role


class HomeView(PublicTemplateView):
    template_name = "partners/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("dashboard")
        return super().get(request, *args, **kwargs)


class HealthView(PublicView):
    def get(self, request: HttpRequest) -> JsonResponse:
        with connection.cursor() as cursor:
            cursor.execute("select 1")
        return JsonResponse({"status": "ok"})


class SignInView(PublicView, auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        self.request.session.pop(SESSION_KEY, None)
        if user.last_acting_organisation_id:
            self.request.session[SESSION_KEY] = user.last_acting_organisation_id
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignOutView(PublicView, auth_views.LogoutView):
    pass


class PasswordResetView(PublicView, auth_views.PasswordResetView):
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].label = "Email address"
        form.fields["email"].help_text = "The address you sign in with"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        form.cleaned_data["email"] = form.cleaned_data["email"].strip().lower()
        return super().form_valid(form)


class PasswordResetDoneView(PublicView, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(PublicView, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = False

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        if "new_password1" in form.fields:
            form.fields["new_password1"].label = "New password"
            form.fields["new_password1"].help_text = "At least 12 characters. Avoid common words and your own name."
            form.fields["new_password2"].label = "Confirm the new password"
        return form


class PasswordResetCompleteView(PublicView, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class RegisterView(PublicView, FormView):
    template_name = "registration/register.html"
    form_class = ProviderRegistrationForm

    def form_valid(self, form: ProviderRegistrationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            organisation, user = services.provider_register(
                organisation_name=data["organisation_name"],
                kind=data["kind"],
                area=data["area"],
                charity_number=data["charity_number"],
                company_number=data["company_number"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        auth_login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[SESSION_KEY] = organisation.pk
        messages.success(self.request, f"{organisation} is registered. You are its admin.")
        return redirect("dashboard")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class InvitationAcceptView(PublicView, FormView):
    template_name = "registration/invitation_accept.html"
    form_class = InvitationAcceptForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with unscoped(reason="an invitation is found by its token before its invitee signs in"):
            self.invitation = get_object_or_404(
                Invitation.objects.select_related("organisation", "invited_by"), token=kwargs["token"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"full_name": self.invitation.full_name}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.POST.get("existing") == "1":
            try:
                services.invitation_accept(invitation=self.invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            request.session[SESSION_KEY] = self.invitation.organisation_id
            messages.success(self.request, f"You have joined {self.invitation.organisation}")
            return redirect("dashboard")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: InvitationAcceptForm) -> HttpResponse:
        try:
            user, membership = services.invitation_accept(
                invitation=self.invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        auth_login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[SESSION_KEY] = membership.organisation_id
        messages.success(self.request, f"Welcome to Jointly. You have joined {membership.organisation}")
        return redirect("dashboard")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class TwoFactorVerifyView(MemberView, FormView):
    """Second step of sign-in for public-sector roles; sends people without a device to set one up."""

    template_name = "registration/two_factor_verify.html"
    form_class = OtpForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect(f"{reverse('two-factor-setup')}?next={_safe_next(request, reverse('dashboard'))}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=_safe_next(self.request, reverse("dashboard")), **kwargs)

    def form_valid(self, form: OtpForm) -> HttpResponse:
        for device in TOTPDevice.objects.filter(user=self.request.user, confirmed=True):
            allowed, detail = device.verify_is_allowed()
            if not allowed:
                wait = ""
                if detail and detail.get("locked_until"):
                    seconds = max(1, int((detail["locked_until"] - timezone.now()).total_seconds()))
                    wait = f" Wait {seconds} second{'s' if seconds != 1 else ''} and try again"
                form.add_error("code", f"Too many wrong codes in a row.{wait}")
                return form_invalid_response(self, form)
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(self.request, device)
                return redirect(_safe_next(self.request, reverse("dashboard")))
        form.add_error("code", "The code is not right. Check your authenticator app and enter the newest code")
        return form_invalid_response(self, form)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class TwoFactorSetupView(MemberView, FormView):
    template_name = "registration/two_factor_setup.html"
    form_class = OtpForm

    def _device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=self.request.user, name="Authenticator app", confirmed=False)
        return device

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("two-factor-verify")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = self._device()
        qr = segno.make(device.config_url, error="m")
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        return super().get_context_data(
            qr_svg=qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff"),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            next=_safe_next(self.request, reverse("dashboard")),
            **kwargs,
        )

    def form_valid(self, form: OtpForm) -> HttpResponse:
        device = self._device()
        if not device.verify_token(form.cleaned_data["code"]):
            form.add_error("code", "The code is not right. Check the time on your phone and enter the newest code")
            return form_invalid_response(self, form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(self.request, device)
        return self.done("Two-factor sign-in is set up", _safe_next(self.request, reverse("dashboard")))

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class DashboardView(MemberTemplateView):
    template_name = "partners/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        acting = self.acting
        shown = dashboard.panels_for(acting)
        # Read far more often than it changes: the panels' figures are kept under the data version (core.versions),
        # per person, organisation, roles and day, and built again after any write.
        contexts = versions.cached(
            (
                "dashboard-panels",
                self.request.user.pk,
                acting.organisation.pk,
                ",".join(sorted(acting.roles)),
                timezone.localdate().isoformat(),
            ),
            lambda: {p.key: p.context(acting) for p in shown},
        )
        panels = [(p, contexts[p.key]) for p in shown]
        return super().get_context_data(panels=panels, roles=selectors.role_summary(acting), **kwargs)


class SwitchOrganisationView(MemberView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            membership = services.acting_switch(user=request.user, organisation_id=request.POST.get("organisation"))  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("dashboard")
        request.session[SESSION_KEY] = membership.organisation_id
        return self.done(f"You are now acting for {membership.organisation}", "dashboard")


class NotificationsView(MemberTemplateView):
    template_name = "partners/notifications.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        items = Notification.objects.filter(recipient=self.request.user).order_by("-created_at")[:100]
        return super().get_context_data(items=items, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        unread.forget(request.user.pk)
        return redirect("notifications")


class OrganisationView(MemberTemplateView):
    template_name = "partners/organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(organisation=self.acting.organisation, **kwargs)


class OrganisationEditView(MemberView, FormView):
    template_name = "partners/organisation_edit.html"
    form_class = OrganisationForm
    required_roles = (Role.ORG_ADMIN,)

    def get_initial(self) -> dict[str, Any]:
        o = self.acting.organisation
        return {f: getattr(o, f) for f in OrganisationForm.base_fields}

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        try:
            services.organisation_update(organisation=self.acting.organisation, by=self.acting, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done("Organisation details saved", "organisation")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class PeopleView(MemberTemplateView):
    template_name = "partners/people.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            people=selectors.people_of(organisation=organisation),
            invitations=selectors.open_invitations_of(organisation=organisation),
            **kwargs,
        )


class InviteView(MemberView, FormView):
    template_name = "partners/invite.html"
    form_class = InviteForm
    required_roles = (Role.ORG_ADMIN,)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "role_choices": acting_roles_choices(self.acting.organisation)}

    def form_valid(self, form: InviteForm) -> HttpResponse:
        try:
            invitation = services.invitation_create(
                organisation=self.acting.organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
                by=self.acting,
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(f"Invitation sent to {invitation.email}", "people")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class MembershipEditView(MemberView, FormView):
    template_name = "partners/membership_edit.html"
    form_class = MembershipForm
    required_roles = (Role.ORG_ADMIN,)

    def load(self, **kwargs: Any) -> None:
        self.membership = get_object_or_404(
            Membership.objects.select_related("user", "organisation"), pk=kwargs["membership_id"]
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "role_choices": acting_roles_choices(self.membership.organisation)}

    def get_initial(self) -> dict[str, Any]:
        return {"roles": self.membership.roles, "job_title": self.membership.job_title}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(membership=self.membership, **kwargs)

    def form_valid(self, form: MembershipForm) -> HttpResponse:
        try:
            services.membership_update(
                membership=self.membership,
                roles=form.cleaned_data["roles"],
                job_title=form.cleaned_data["job_title"],
                by=self.acting,
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(f"{self.membership.user}'s roles are saved", "people")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class MembershipDeactivateView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.ORG_ADMIN,)

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=membership_id)
        try:
            services.membership_deactivate(membership=membership, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.user} can no longer act for {membership.organisation}")
        return redirect("people")


class InvitationRevokeView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.ORG_ADMIN,)

    def post(self, request: HttpRequest, invitation_id: int) -> HttpResponse:
        invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=invitation_id)
        try:
            services.invitation_revoke(invitation=invitation, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Invitation for {invitation.email} revoked")
        return redirect("people")


class PartnershipListView(MemberTemplateView):
    template_name = "partners/partnership_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partnerships=selectors.partnerships_for(organisation=self.acting.organisation), **kwargs
        )


class PartnershipCreateView(MemberView, FormView):
    template_name = "partners/partnership_form.html"
    form_class = PartnershipForm
    required_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organisations": selectors.public_sector_organisations()}

    def get_initial(self) -> dict[str, Any]:
        return {"accountable_body": self.acting.organisation}

    def form_valid(self, form: PartnershipForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            partnership = services.partnership_create(
                name=data["name"],
                description=data["description"],
                accountable_body=data["accountable_body"],
                invitees=data["invitees"],
                by=self.acting,
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(
            f"{partnership} is set up. Invited partners have been told",
            "partnership-detail",
            partnership_id=partnership.pk,
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class PartnershipDetailView(MemberTemplateView):
    template_name = "partners/partnership_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        partnership = get_object_or_404(Partnership.objects.all(), pk=self.kwargs["partnership_id"])
        partnership = selectors.partnership_detail(partnership_id=partnership.pk)
        own = next((m for m in partnership.memberships.all() if m.organisation_id == self.acting.organisation.pk), None)
        return super().get_context_data(
            partnership=partnership,
            own_membership=own,
            invite_form=PartnerInviteForm(
                organisations=selectors.organisations_available_to_invite(partnership=partnership)
            ),
            **kwargs,
        )


class PartnershipInviteView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = get_object_or_404(Partnership.objects.all(), pk=partnership_id)
        form = PartnerInviteForm(
            request.POST, organisations=selectors.organisations_available_to_invite(partnership=partnership)
        )
        if not form.is_valid():
            messages.error(request, "Choose an organisation to invite")
            return redirect("partnership-detail", partnership_id=partnership.pk)
        try:
            services.partnership_invite(
                partnership=partnership, organisation=form.cleaned_data["organisation"], by=self.acting
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{form.cleaned_data['organisation']} has been invited")
        return redirect("partnership-detail", partnership_id=partnership.pk)


class PartnershipRespondView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.ORG_ADMIN,)

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = get_object_or_404(Partnership.objects.all(), pk=partnership_id)
        accept = request.POST.get("answer") == "accept"
        try:
            member = services.partnership_respond(partnership=partnership, accept=accept, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("partnership-detail", partnership_id=partnership.pk)
        if member.status == PartnershipMember.Status.ACTIVE:
            return self.done(
                f"{member.organisation} has joined {partnership}", "partnership-detail", partnership_id=partnership.pk
            )
        messages.success(request, f"You declined to join {partnership}. This has been recorded")
        return redirect("partnerships")


class AuditTrailView(MemberTemplateView):
    template_name = "partners/audit.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        events = AuditEvent.objects.select_related("content_type").order_by("-occurred_at", "-id")[:200]
        return super().get_context_data(events=audit.reveal(events, self.acting), **kwargs)


class ApiTokenView(MemberTemplateView):
    """Your own API token: created here and shown once; only a digest is stored (partners.tokens)."""

    template_name = "partners/api_token.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("tokens", tokens.tokens_of(self.request.user))
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "revoke":
            revoked = tokens.api_token_revoke_all(by=self.acting)
            return self.done("Your API tokens were revoked" if revoked else "You had no API token", "api-token")
        instance, secret = tokens.api_token_create(by=self.acting)
        messages.success(request, "A new API token was created. Any older one no longer works")
        response = self.render_to_response(self.get_context_data(secret=secret, fresh=instance))
        response["Cache-Control"] = "no-store"  # the secret is in this page: never keep it in a cache
        return response


class AccessibilityView(PublicTemplateView):
    template_name = "accessibility.html"
