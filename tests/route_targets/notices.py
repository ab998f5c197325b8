"""What each notice URL keyword names, and who owns it.

- ``notice_id``: a draft UK4 tender notice of the county's tender (the lead's; another organisation gets a 404).
- ``published_notice_id``: a published notice (public): the procurement termination notice of a cancelled tender.
"""

from __future__ import annotations

from typing import Any

from notices import services
from notices.kinds import NoticeKind
from notices.models import Notice
from procurement.tenders import services as tender_services
from tests.factories.notices import publish
from tests.factories.procurement import draft_tender, lead_of, published_tender
from tests.route_targets import Target


def _draft(w: Any) -> Notice:
    if "notices:draft" not in w.extras:
        tender = published_tender(w, title="A tender with a draft notice")
        w.extras["notices:draft"] = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead_of(w))
    return w.extras["notices:draft"]  # type: ignore[no-any-return]


def _published(w: Any) -> Notice:
    if "notices:published" not in w.extras:
        lead = lead_of(w)
        tender = draft_tender(w, title="A cancelled tender")
        tender_services.tender_transition(tender=tender, name="cancel", by=lead, reason="Funding withdrawn")
        notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK12, by=lead)
        w.extras["notices:published"] = publish(notice, lead)
    return w.extras["notices:published"]  # type: ignore[no-any-return]


KWARGS = {
    "notice_id": lambda w: Target(_draft(w).pk, w.county, user=w.lead_commissioner),
    "published_notice_id": lambda w: Target(_published(w).pk, None),
}

API_OBJECTS = {
    Notice: lambda w: Target(_draft(w).pk, w.county, user=w.lead_commissioner),
}
