"""Files built from what the selectors return: contract exports (CSV/XLSX), the partner contribution report
(PDF/CSV/XLSX, the same numbers in each) and the iCal feed. Pure functions: no database access of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commissioning.models import MappedContract, Stage
from commissioning.selectors import ContributionReport
from commissioning.services import EXPORT_HEADERS
from core.exports import Sheet, write_csv, write_xlsx
from core.pdf import render_pdf

# ---- the service map's contracts ---------------------------------------------------------------------------


def contract_rows(contracts: Iterable[MappedContract]) -> list[list[Any]]:
    return [
        [
            c.service_area.name,
            c.funder.name,
            c.provider_name,
            c.title,
            c.reference,
            c.annual_value,
            c.start_date,
            c.end_date,
            c.funding_source,
            c.alignable,
            c.not_alignable_reason,
        ]
        for c in contracts
    ]


def contracts_csv(contracts: Iterable[MappedContract]) -> bytes:
    return write_csv(EXPORT_HEADERS, contract_rows(contracts))


def contracts_xlsx(contracts: Iterable[MappedContract], *, title: str) -> bytes:
    rows = [[*r[:9], "yes" if r[9] else "no", r[10]] for r in contract_rows(contracts)]
    return write_xlsx([Sheet("Contracts", EXPORT_HEADERS, rows, money_columns=[5], preamble=[title])])


# ---- the contribution report ------------------------------------------------------------------------------

SUMMARY_HEADERS = [
    "Financial year",
    "Indicative",
    "Confirmed",
    "Transferred",
    "Transfers outstanding",
    "Total committed",
    "Commissions' total",
    "Share",
]
DETAIL_HEADERS = [
    "Commission",
    "Status",
    "Lead",
    "Partner",
    "Financial year",
    "Indicative",
    "Confirmed",
    "Transferred",
    "Transfers outstanding",
    "Total committed",
    "Commission total",
    "Share of contract",
]


def _summary_rows(report: ContributionReport) -> list[list[Any]]:
    rows = []
    for y in report.years:
        f = y.figures
        rows.append(
            [
                y.label,
                f.indicative,
                f.confirmed,
                f.transferred,
                f.outstanding,
                f.pledged,
                y.commissions_total,
                _share(f.pledged, y.commissions_total),
            ]
        )
    return rows


def _summary_total(report: ContributionReport) -> list[Any]:
    t = report.totals
    return [
        "Total",
        t.indicative,
        t.confirmed,
        t.transferred,
        t.outstanding,
        t.pledged,
        report.commissions_total,
        _share(t.pledged, report.commissions_total),
    ]


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.0001")) if whole else None


def _detail_rows(report: ContributionReport) -> list[list[Any]]:
    return [
        [
            line.commission,
            line.status,
            line.lead,
            line.partner,
            line.year_label,
            line.figures.indicative,
            line.figures.confirmed,
            line.figures.transferred,
            line.figures.outstanding,
            line.figures.pledged,
            line.commission_total,
            line.share,
        ]
        for line in report.lines
    ]


def _preamble(report: ContributionReport) -> list[str]:
    return [
        report.title,
        f"Partnership: {report.partnership.name}. Accountable body: {report.partnership.accountable_body.name}.",
        f"Generated {timezone.localtime(report.generated_at):%d %B %Y at %H:%M}. Amounts in pounds and pence; "
        "UK financial years run 1 April to 31 March.",
        "Confirmed includes amounts since transferred; transfers outstanding are confirmed but not yet transferred.",
    ]


def report_csv(report: ContributionReport) -> bytes:
    """The detail lines, then the yearly summary and its total: the same numbers as the PDF and XLSX."""

    def share_text(v: Decimal | None) -> str:
        return "" if v is None else f"{v * 100:.2f}%"

    detail = [[*r[:11], share_text(r[11])] for r in _detail_rows(report)]
    summary = [[*r[:7], share_text(r[7])] for r in [*_summary_rows(report), _summary_total(report)]]
    blank = [""] * len(DETAIL_HEADERS)
    rows: list[Sequence[Any]] = [
        *detail,
        blank,
        ["Summary by financial year", *[""] * (len(DETAIL_HEADERS) - 1)],
        SUMMARY_HEADERS,
    ]
    rows.extend(summary)
    return write_csv(DETAIL_HEADERS, rows)


def report_xlsx(report: ContributionReport) -> bytes:
    preamble = _preamble(report)
    return write_xlsx(
        [
            Sheet(
                "Summary",
                SUMMARY_HEADERS,
                _summary_rows(report),
                money_columns=range(1, 7),
                percent_columns=[7],
                preamble=preamble,
                total_row=_summary_total(report),
            ),
            Sheet(
                "By commission",
                DETAIL_HEADERS,
                _detail_rows(report),
                money_columns=range(5, 11),
                percent_columns=[11],
                preamble=preamble[:1],
            ),
        ]
    )


def report_pdf(report: ContributionReport) -> bytes:
    return render_pdf(
        "commissioning/reports/contributions_pdf.html",
        {
            "report": report,
            "chart": report.chart(),
            "preamble": _preamble(report),
            "generated": timezone.localtime(report.generated_at),
        },
    )


# ---- iCal ---------------------------------------------------------------------------------------------------


def stages_ical(stages: Iterable[Stage], *, user: Any, now: dt.datetime | None = None) -> bytes:
    """Each stage as an all-day event from planned start to planned end, and its deadline as a separate event."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    host = settings.JOINTLY_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "jointly"
    cal = Calendar()
    cal.add("prodid", "-//Jointly//Commissioning timetable//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Jointly: stages and deadlines for {user}")
    for s in stages:
        url = settings.JOINTLY_BASE_URL + reverse("commission-timetable", kwargs={"commission_id": s.commission_id})
        done = f" (done {s.completed_on:%d %B %Y})" if s.completed_on else ""
        span = Event()
        span.add("uid", f"stage-{s.pk}@{host}")
        span.add("dtstamp", now)
        span.add("summary", f"{s.name}: {s.commission.title}{done}")
        span.add("dtstart", s.planned_start)
        span.add("dtend", s.planned_end + dt.timedelta(days=1))
        span.add("description", f"Owner: {s.owner or 'nobody yet'}. {url}")
        span.add("url", url)
        span.add("transp", "TRANSPARENT")
        cal.add_component(span)
        if s.completed_on is None:
            due = Event()
            due.add("uid", f"stage-{s.pk}-deadline@{host}")
            due.add("dtstamp", now)
            due.add("summary", f"Deadline: {s.name} ({s.commission.title})")
            due.add("dtstart", s.planned_end)
            due.add("dtend", s.planned_end + dt.timedelta(days=1))
            due.add("description", f"{s.name} is planned to end today. {url}")
            due.add("url", url)
            cal.add_component(due)
    return cal.to_ical()  # type: ignore[no-any-return]
