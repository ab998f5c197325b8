"""A council is named in published open data by its code in the Local Authorities for England register (GB-LAE),
which Jointly ships as data: derived from the council's name when it is set up, and correctable by its admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import DomainError
from opendata.ocds.build import identifier, party_id
from partners import services
from partners.models import OrganisationKind
from partners.registers import is_local_authority_code, local_authorities, local_authority_code_for
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.partners import OrganisationFactory


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("Staffordshire County Council", OrganisationKind.COUNTY_COUNCIL, "STS"),
        ("Lichfield District Council", OrganisationKind.DISTRICT_COUNCIL, "LIF"),
        ("Tamworth Borough Council", OrganisationKind.DISTRICT_COUNCIL, "TAW"),
        # Worded differently from the register ("South Staffordshire Council"): the longest name it starts with.
        ("South Staffordshire District Council", OrganisationKind.DISTRICT_COUNCIL, "SST"),
        ("Staffordshire Moorlands District Council", OrganisationKind.DISTRICT_COUNCIL, "STF"),
        ("Stoke-on-Trent City Council", OrganisationKind.UNITARY_COUNCIL, "STE"),
        ("Staffordshire Police", OrganisationKind.POLICE, ""),
        ("Northshire County Council", OrganisationKind.COUNTY_COUNCIL, ""),
    ],
)
def test_the_register_gives_each_council_its_code(name, kind, code):
    assert local_authority_code_for(name, kind) == code


def test_the_register_is_the_current_one():
    register = local_authorities()
    assert len(register) > 300
    assert register["LIF"].official_name == "Lichfield District Council"
    assert is_local_authority_code("STS") and not is_local_authority_code("XXX")


def test_a_council_set_up_in_jointly_is_published_under_its_register_code(world):
    assert world.county.local_authority_code == "STS"
    assert world.district.local_authority_code == "LIF"
    assert identifier(world.district) == {"scheme": "GB-LAE", "id": "LIF", "legalName": "Lichfield District Council"}
    assert party_id(world.county) == "GB-LAE-STS"
    # A charity keeps its Charity Commission number; a council the register does not know has no identifier.
    charity = OrganisationFactory(name="Lichfield Food Bank", kind=OrganisationKind.CHARITY, charity_number="1123456")
    assert identifier(charity) == {"scheme": "GB-CHC", "id": "1123456", "legalName": "Lichfield Food Bank"}
    assert world.other_council.local_authority_code == "" and identifier(world.other_council) is None


def test_the_admin_corrects_the_code_next_to_the_field(client, world):
    sign_in(client, world.county_admin, world.county)
    url = reverse("organisation-edit")
    form = {"name": world.county.name, "area": "Staffordshire", "local_authority_code": "XYZ"}
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "XYZ is not in the Local Authorities for England register" in page
    assert 'value="Staffordshire"' in page  # what was typed is kept
    response = client.post(url, {**form, "local_authority_code": "sts"})
    assert response.status_code == 302
    world.county.refresh_from_db()
    assert world.county.local_authority_code == "STS"


def test_only_a_council_has_a_local_authority_code(world):
    with pytest.raises(DomainError, match="Only a council"):
        services.organisation_update(
            organisation=world.provider,
            local_authority_code="LIF",
            by=acting(world.bidder, world.provider),
        )
