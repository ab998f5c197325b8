"""Opportunities for providers, whichever app holds them: forward plans, engagement events, tenders, grant rounds.

Providers follow a service area or a category and are alerted when something new appears there, and a monthly
digest lists what is forthcoming. The things that appear live in different layers (plans and events in
``commissioning``, tenders in ``procurement``, grant rounds in ``grants``), and following lives low down, so neither
side imports the other. Instead:

- each app that publishes opportunities registers a **source** in its ``AppConfig.ready()``::

      from core import opportunities
      opportunities.register_source("tenders", forthcoming=open_tenders_for_digest)

  ``forthcoming(*, partnership_ids: set[int] | None, now: datetime) -> list[Opportunity]`` lists what is open or
  coming up now (``None``: every partnership), read inside ``core.tenancy.unscoped`` (public facts only);
- when something is published, its service calls ``opportunities.announce(Opportunity(...))`` inside its
  transaction. The app that keeps followers registers the one **announcer**
  (``opportunities.register_announcer(fn)``); ``fn(opportunity)`` tells the followers (through the outbox, so it
  is sent once). With no announcer registered, ``announce`` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from core import handlers

SOURCES = "opportunities.sources"

# The categories an opportunity (a plan, an event, a tender, a grant round) may fall in, and a provider may follow:
# a short fixed list of the kinds of service the third sector delivers. ``Opportunity.category`` is one of the values.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("advice", "Advice, advocacy and information"),
    ("carers", "Carers' support"),
    ("children", "Children, young people and families"),
    ("community", "Community development and volunteering"),
    ("disability", "Disability and learning disability"),
    ("domestic_abuse", "Domestic abuse and violence"),
    ("employment", "Employment, skills and training"),
    ("environment", "Environment and green spaces"),
    ("food", "Food poverty and health"),
    ("housing", "Housing and homelessness"),
    ("mental_health", "Mental health and wellbeing"),
    ("older_people", "Older people"),
    ("substance_misuse", "Drug and alcohol misuse"),
    ("arts_sport", "Arts, culture and sport"),
)
CATEGORY_LABELS = dict(CATEGORIES)


def category_label(value: str) -> str:
    return CATEGORY_LABELS.get(value, "")


ANNOUNCER = "opportunities.announcer"


@dataclass(frozen=True)
class Opportunity:
    kind: str  # "plan", "event", "tender", "grant_round"
    kind_label: str  # "Forward plan", "Market engagement event", "Tender", "Grant round"
    key: str  # stable and unique across kinds, e.g. "tender:42": the dedupe key of an alert
    title: str
    url: str  # an absolute path a provider can open, e.g. "/opportunities/42/"
    partnership_id: int
    service_area_id: int | None = None
    category: str = ""  # a value of core.opportunities categories the source knows, "" when none
    opens: date | datetime | None = None
    closes: date | datetime | None = None
    summary: str = ""


Forthcoming = Callable[..., list[Opportunity]]


def register_source(name: str, *, forthcoming: Forthcoming) -> None:
    handlers.register(f"{SOURCES}:{name}", forthcoming=forthcoming)


def sources() -> dict[str, Forthcoming]:
    prefix = f"{SOURCES}:"
    return {
        kind[len(prefix) :]: handlers.get(kind, "forthcoming") for kind in handlers.kinds() if kind.startswith(prefix)
    }


def forthcoming(*, partnership_ids: set[int] | None, now: datetime) -> list[Opportunity]:
    """Everything open or coming up, from every registered source, soonest closing first."""
    found = [o for source in sources().values() for o in source(partnership_ids=partnership_ids, now=now)]
    return sorted(found, key=lambda o: (_sort_key(o.closes), o.title))


def register_announcer(fn: Callable[[Opportunity], None]) -> None:
    handlers.register(ANNOUNCER, announce=fn)


def announce(opportunity: Opportunity) -> None:
    """Tell the followers of the opportunity's service area or category that it has appeared (once per key)."""
    fn = handlers.find(ANNOUNCER, "announce")
    if fn is not None:
        fn(opportunity)


def _sort_key(value: date | datetime | None) -> str:
    return "9999" if value is None else value.isoformat()
