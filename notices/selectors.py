"""Reads: a tender's notices (its timeline for the lead and partners; the published ones for the public), a
notice's fields as rows to copy into Find a Tender, and the JSON a published notice is downloaded as."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.amounts import format_gbp
from notices import upstream
from notices.generate import SOURCES
from notices.kinds import KINDS, NoticeKind
from notices.models import Notice, NoticeStatus
from notices.rules import missing_fields
from procurement.tenders.models import Tender
from procurement.tenders.rules import is_lead


def notices_of(tender: Tender, *, published_only: bool = False) -> QuerySet[Notice]:
    rows = Notice.objects.filter(tender_id=tender.pk).select_related("contract", "corrects")
    if published_only:
        rows = rows.filter(status=NoticeStatus.PUBLISHED).order_by("-published_at", "-id")
    return rows


def timeline(tender: Tender, acting: Any, *, public: bool = False) -> dict[str, Any]:
    """The tender's notices as its timeline shows them. The tenant scope already hides drafts from anyone but the
    lead and partners; ``public`` (the opportunity page) shows the published ones only."""
    rows = list(notices_of(tender, published_only=public))
    lead = acting is not None and getattr(acting, "user", None) is not None and is_lead(tender, acting)
    return {
        "tender": tender,
        "notices": rows,
        "public": public,
        "is_lead": lead,
        "required": [(code, _label(code)) for code in upstream.required_notices(tender)] if not public else [],
        "now": timezone.now(),
    }


def _label(code: str) -> str:
    try:
        return str(NoticeKind(code).label)
    except ValueError:
        return code


# How a person reads a field (the JSON download keeps the machine form): dates and times in UK words, money in
# pounds, and the few structured values the generators write (codes, criteria, periods, KPIs) as sentences.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_MONEY_KEY = re.compile(r"(value|amount|price|budget)")
LABELS = {"cpv_codes": "CPV codes", "supplier_is_vcse": "Supplier is a VCSE", "supplier_is_sme": "Supplier is an SME"}


def _when(text: str) -> str:
    if _DATETIME.match(text):
        try:
            moment = timezone.localtime(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
        return f"{moment:%-d %B %Y}, {moment:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")
    if _DATE.match(text):
        try:
            return f"{dt.date.fromisoformat(text):%-d %B %Y}"
        except ValueError:
            return text
    return text


def _mapping(value: dict[str, Any]) -> str:
    keys = set(value)
    if {"code", "title"} <= keys:
        return f"{value['code']} {value['title']}"
    if {"name", "weight"} <= keys:
        return f"{value['name']}: {value['weight']}%"
    if {"start", "end"} <= keys:
        span = f"{_when(str(value['start']))} to {_when(str(value['end']))}"
        return f"{value['label']} ({span})" if value.get("label") else span
    if "kpi" in keys:
        parts = [str(value["kpi"])]
        if value.get("actual") not in (None, ""):
            parts.append(f"actual {value['actual']}")
        if value.get("target") not in (None, ""):
            parts.append(f"against a target of {value['target']}")
        rating = f" ({value['rating']})" if value.get("rating") else ""
        return ", ".join(parts) + rating
    return "; ".join(
        f"{k.replace('_', ' ').capitalize()}: {display(v, key=k)}" for k, v in value.items() if display(v, key=k)
    )


def display(value: Any, *, key: str = "") -> str:
    """A field value as a person copies it: lists one item a line, yes/no for flags, dates in words, money in
    pounds."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "\n".join(display(v, key=key) for v in value)
    if isinstance(value, dict):
        return _mapping(value)
    text = str(value)
    if _MONEY_KEY.search(key) and _NUMBER.match(text):
        return format_gbp(Decimal(text))
    return _when(text)


def filing_rows(notice: Notice) -> list[dict[str, Any]]:
    """Each field of the notice, in its kind's order, with its value, where it came from, and whether it is missing."""
    spec = KINDS[notice.kind]
    known = {f.key: f for f in spec.fields}
    rows = []
    for key, value in notice.fields.items():
        field = known.get(key)
        rows.append(
            {
                "key": key,
                "label": field.label if field else LABELS.get(key, key.replace("_", " ").capitalize()),
                "value": display(value, key=key),
                "source": SOURCES.get(key, ""),
                "required": bool(field and not field.optional),
            }
        )
    return rows


def notice_json(notice: Notice, *, request: Any = None) -> dict[str, Any]:
    """What a published notice is downloaded as: its kind, the law and guidance it follows, and its fields."""
    spec = KINDS[notice.kind]
    url = reverse("notice-detail", kwargs={"published_notice_id": notice.pk})
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": NoticeKind(notice.kind).label,
        "title": notice.title,
        "status": notice.status,
        "published_at": notice.published_at.isoformat() if notice.published_at else None,
        "corrects": notice.corrects_id,
        "law": spec.law,
        "guidance": spec.guidance_url,
        "ocds_release": notice.release_ref or None,
        "url": request.build_absolute_uri(url) if request is not None else url,
        "fields": notice.fields,
        "missing": missing_fields(notice.kind, notice.fields) if not notice.is_published else [],
        "prepared_by": "Jointly prepares this notice; it is filed on Find a Tender, the central digital platform.",
    }
