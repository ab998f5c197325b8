"""Organisations (the tenants), the people who act for them, their roles, and the partnerships they form."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.tenancy import TenantManager, nothing
from partners.registers import local_authority_code_for


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "Organisation admin"
    COMMISSIONER = "commissioner", "Commissioner"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    BOARD_MEMBER = "board_member", "Board member"
    EVALUATOR = "evaluator", "Evaluator"
    BIDDER = "bidder", "Bidder"
    VIEWER = "viewer", "Viewer"


PUBLIC_SECTOR_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.BOARD_MEMBER, Role.EVALUATOR, Role.VIEWER}
)
PROVIDER_ROLES = frozenset({Role.ORG_ADMIN, Role.BIDDER, Role.EVALUATOR, Role.VIEWER})


class Sector(models.TextChoices):
    PUBLIC = "public", "Public sector"
    PROVIDER = "provider", "Provider"


class OrganisationKind(models.TextChoices):
    DISTRICT_COUNCIL = "district_council", "District or borough council"
    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_COUNCIL = "unitary_council", "Unitary council"
    NHS_COMMISSIONER = "nhs_commissioner", "NHS commissioner (CCG or ICB)"
    POLICE_CRIME_COMMISSIONER = "pcc", "Police and crime commissioner"
    POLICE = "police", "Police"
    FIRE_RESCUE = "fire_rescue", "Fire and rescue service"
    OTHER_STATUTORY = "other_statutory", "Other statutory body"
    CHARITY = "charity", "Charity"
    CIO = "cio", "Charitable incorporated organisation"
    CIC = "cic", "Community interest company"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    COOPERATIVE = "cooperative", "Co-operative"
    MUTUAL = "mutual", "Mutual"
    COMMUNITY_GROUP = "community_group", "Community group"
    CVS = "cvs", "Council for voluntary service"
    PRIVATE_COMPANY = "private_company", "Private company"


PUBLIC_KINDS = frozenset(
    {
        OrganisationKind.DISTRICT_COUNCIL,
        OrganisationKind.COUNTY_COUNCIL,
        OrganisationKind.UNITARY_COUNCIL,
        OrganisationKind.NHS_COMMISSIONER,
        OrganisationKind.POLICE_CRIME_COMMISSIONER,
        OrganisationKind.POLICE,
        OrganisationKind.FIRE_RESCUE,
        OrganisationKind.OTHER_STATUTORY,
    }
)
THIRD_SECTOR_KINDS = frozenset(
    {
        OrganisationKind.CHARITY,
        OrganisationKind.CIO,
        OrganisationKind.CIC,
        OrganisationKind.SOCIAL_ENTERPRISE,
        OrganisationKind.COOPERATIVE,
        OrganisationKind.MUTUAL,
        OrganisationKind.COMMUNITY_GROUP,
        OrganisationKind.CVS,
    }
)
PROVIDER_KINDS = THIRD_SECTOR_KINDS | {OrganisationKind.PRIVATE_COMPANY}
COUNCIL_KINDS = frozenset(
    {OrganisationKind.COUNTY_COUNCIL, OrganisationKind.DISTRICT_COUNCIL, OrganisationKind.UNITARY_COUNCIL}
)


def sector_for(kind: str) -> str:
    return Sector.PUBLIC if kind in PUBLIC_KINDS else Sector.PROVIDER


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in with an email address; acts for one of their organisations at a time."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(max_length=150)
    email = models.EmailField("email address", unique=True)
    last_acting_organisation = models.ForeignKey(
        "Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    """A tenant. Its identity (name, kind, numbers) is public, like a charity register entry;
    everything it owns is scoped to it."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    sector = models.CharField(max_length=10, choices=Sector.choices, editable=False)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    local_authority_code = models.CharField(
        "Local authority code (GB-LAE)",
        max_length=4,
        blank=True,
        help_text="A council's code in the Local Authorities for England register, for example LIF for Lichfield "
        "District Council: its identifier in published open data",
    )
    area = models.CharField(max_length=200, blank=True, help_text="The area it serves, for example Lichfield District")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
            models.UniqueConstraint(
                "charity_number", condition=~models.Q(charity_number=""), name="organisation_charity_number_unique"
            ),
            models.UniqueConstraint(
                "company_number", condition=~models.Q(company_number=""), name="organisation_company_number_unique"
            ),
            models.UniqueConstraint(
                "local_authority_code",
                condition=~models.Q(local_authority_code=""),
                name="organisation_local_authority_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sector = sector_for(self.kind)
        if not self.local_authority_code and self.kind in COUNCIL_KINDS:
            # Like the sector, derived from what the council is called; an admin may correct it. A code another
            # organisation already holds is left for an admin to settle rather than refused.
            code = local_authority_code_for(self.name, self.kind)
            if code and not Organisation.objects.filter(local_authority_code=code).exclude(pk=self.pk).exists():
                self.local_authority_code = code
        super().save(*args, **kwargs)

    @property
    def is_public_sector(self) -> bool:
        return self.sector == Sector.PUBLIC

    @property
    def is_third_sector(self) -> bool:
        return self.kind in THIRD_SECTOR_KINDS

    def audit_audience(self) -> list[int]:
        return [self.pk]


class Membership(models.Model):
    """A person acting for an organisation, with roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices), default=list)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Membership"]()

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> models.Q:
        if organisation is None:
            return nothing()
        return models.Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.organisation_id]

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An organisation admin's invitation to a colleague, sent by email with a single-use link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices), default=list)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # recorded after the email is handed to the provider

    objects = TenantManager["Invitation"]()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> models.Q:
        if organisation is None:
            return nothing()
        return models.Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.organisation_id]

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"


# A partnership's rule reads the memberships of every organisation in it: that is what it decides on.
_PARTNERSHIP_RULE = "the partnership's visibility rule: which organisations are its members"


class Partnership(models.Model):
    """Public-sector organisations that commission together, with an accountable body holding partners' money."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    accountable_body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accountable_for")
    members = models.ManyToManyField(Organisation, through="PartnershipMember", related_name="partnerships")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Partnership"]()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> models.Q:
        if organisation is None:
            return nothing()
        return models.Q(
            models.Exists(
                PartnershipMember.objects.unscoped(reason=_PARTNERSHIP_RULE).filter(
                    partnership=models.OuterRef("pk"),
                    organisation=organisation,
                    status__in=[PartnershipMember.Status.INVITED, PartnershipMember.Status.ACTIVE],
                )
            )
        )

    def audit_audience(self) -> list[int]:
        members = PartnershipMember.objects.unscoped(reason=_PARTNERSHIP_RULE).filter(partnership=self)
        return list(members.values_list("organisation_id", flat=True))


class PartnershipMember(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnership_memberships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    joined_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["PartnershipMember"](via="partnership")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partnership_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"
