from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User

PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    kind = OrganisationKind.DISTRICT_COUNCIL
    area = "Somewhere"


class ProviderFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Community Advice Charity {n}")
    kind = OrganisationKind.CHARITY
    charity_number = factory.Sequence(lambda n: f"11{n:05d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.LazyFunction(lambda: [Role.COMMISSIONER])


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Locality partnership {n}")
    accountable_body = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if not create:
            return
        members = list(extracted or [])
        if obj.accountable_body not in members:
            members.insert(0, obj.accountable_body)
        for organisation in members:
            PartnershipMember.objects.create(
                partnership=obj, organisation=organisation, status=PartnershipMember.Status.ACTIVE
            )


def person(organisation: Organisation, *roles: str, email: str | None = None, name: str | None = None) -> User:
    """A user holding ``roles`` at ``organisation`` (with an authenticator if they need one)."""
    kwargs = {}
    if email:
        kwargs["email"] = email
    if name:
        kwargs["full_name"] = name
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, organisation=organisation, roles=list(roles or [Role.VIEWER]))
    user.last_acting_organisation = organisation
    user.save(update_fields=["last_acting_organisation"])
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user
