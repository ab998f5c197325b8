"""Common Procurement Vocabulary (CPV) codes a tender may carry, with their titles, as data.

``LIGHT_TOUCH`` are the light-touch services of the Procurement Act 2023 (s.9; the Procurement Regulations 2024,
SI 2024/692, regulation 42 and Schedule 1, Table 1): the health, social, community, education, cultural, legal and
related services that third-sector bodies provide. Source:
https://www.legislation.gov.uk/uksi/2024/692/schedule/1 (Table 1, column 1: the codes; column 2: the services).
Titles are the CPV 2008 English titles (Commission Regulation (EC) No 213/2008). ``OTHER`` are common services
a joint commission also buys that are not light-touch (the standard regime applies).

A code is stored in its full form, eight digits, a hyphen and the check digit ("85000000-9").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LIGHT_TOUCH: dict[str, str] = {
    # Health, social and related services
    "75200000-8": "Provision of services to the community",
    "75231200-6": "Services related to the detention or rehabilitation of criminals",
    "75231240-8": "Probation services",
    "79611000-0": "Job search services",
    "79622000-0": "Supply services of domestic help personnel",
    "79624000-4": "Supply services of nursing personnel",
    "79625000-1": "Supply services of medical personnel",
    "85000000-9": "Health and social work services",
    "85100000-0": "Health services",
    "85110000-3": "Hospital and related services",
    "85121000-3": "Medical practice services",
    "85140000-2": "Miscellaneous health services",
    "85141000-9": "Services provided by medical personnel",
    "85142000-6": "Paramedical services",
    "85143000-3": "Ambulance services",
    "85144000-0": "Residential health facilities services",
    "85300000-2": "Social work and related services",
    "85310000-5": "Social work services",
    "85311000-2": "Social work services with accommodation",
    "85311100-3": "Welfare services for the elderly",
    "85311200-4": "Welfare services for the handicapped",
    "85311300-5": "Welfare services for children and young people",
    "85312000-9": "Social work services without accommodation",
    "85312100-0": "Daycare services",
    "85312110-3": "Child daycare services",
    "85312120-6": "Daycare services for handicapped children and young people",
    "85312200-1": "Home delivery of provisions",
    "85312300-2": "Guidance and counselling services",
    "85312310-5": "Guidance services",
    "85312320-8": "Counselling services",
    "85312330-1": "Family-planning services",
    "85312400-3": "Welfare services not delivered through residential institutions",
    "85312500-4": "Rehabilitation services",
    "85320000-8": "Social services",
    "85321000-5": "Administrative social services",
    "85322000-2": "Community action programme",
    "85323000-9": "Community health services",
    "98133000-4": "Services furnished by social membership organisations",
    "98133100-5": "Civic betterment and community facility support services",
    "98200000-5": "Equal opportunities consultancy services",
    "98500000-8": "Private households with employed persons",
    # Administrative social, educational, healthcare and cultural services
    "75121000-0": "Administrative educational services",
    "75122000-7": "Administrative healthcare services",
    "75124000-1": "Administrative recreational, cultural and religious services",
    "79995000-5": "Library management services",
    "80000000-4": "Education and training services",
    "80100000-5": "Primary education services",
    "80200000-6": "Secondary education services",
    "80300000-7": "Higher education services",
    "80310000-0": "Youth education services",
    "80340000-9": "Special education services",
    "80400000-8": "Adult and other education services",
    "80500000-9": "Training services",
    "80530000-8": "Vocational training services",
    "80590000-6": "Tutorial services",
    "92000000-1": "Recreational, cultural and sporting services",
    "92500000-6": "Library, archives, museums and other cultural services",
    "92600000-7": "Sporting services",
    # Compulsory social security, benefit and other community services
    "75300000-9": "Compulsory social security services",
    "98000000-3": "Other community, social and personal services",
    "98131000-0": "Religious services",
    # Hotel and restaurant services (meals on wheels, school meals)
    "55521100-9": "Meals-on-wheels services",
    "55523100-3": "School-meal services",
    # Legal services
    "79100000-5": "Legal services",
    "79140000-7": "Legal advisory and information services",
}

OTHER: dict[str, str] = {
    "45000000-7": "Construction work",
    "60100000-9": "Road transport services",
    "72000000-5": "IT services: consulting, software development, Internet and support",
    "73000000-2": "Research and development services and related consultancy services",
    "79340000-9": "Advertising and marketing services",
    "79410000-1": "Business and management consultancy services",
    "79530000-8": "Translation services",
    "90910000-9": "Cleaning services",
}

CODES: dict[str, str] = {**LIGHT_TOUCH, **OTHER}
MAX_CODES = 20  # a tender names at most this many codes

_BARE = re.compile(r"^\d{8}$")
_BY_BASE = {code[:8]: code for code in CODES}


def normalise(code: str) -> str:
    """A code as typed ("85000000-9", " 85000000 ") in its full stored form; unknown codes come back trimmed."""
    text = "".join(str(code).split())
    if _BARE.match(text):
        return _BY_BASE.get(text, text)
    return text


def is_known(code: str) -> bool:
    return normalise(code) in CODES


def is_light_touch(code: str) -> bool:
    return normalise(code) in LIGHT_TOUCH


def title_for(code: str) -> str:
    """The code's title, or "" for a code not in the shipped list."""
    return CODES.get(normalise(code), "")


def all_light_touch(codes: Iterable[str]) -> bool:
    """True when there is at least one code and every one is a Schedule 1 light-touch service."""
    found = [normalise(c) for c in codes]
    return bool(found) and all(c in LIGHT_TOUCH for c in found)


def choices() -> list[tuple[str, str]]:
    """For a form: light-touch services first, each "code title"."""
    light = sorted(LIGHT_TOUCH.items())
    other = sorted(OTHER.items())
    return [(code, f"{code} {title}") for code, title in [*light, *other]]
