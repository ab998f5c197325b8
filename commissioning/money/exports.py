"""Files built from selectors (pure): contributions and the finance reports."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commissioning.money.selectors import ContributionReport
from core.exports import Sheet, write_csv, write_xlsx
from core.pdf import render_pdf

# The money columns both reports share, in the order of ``Figures``.
FIGURE_HEADERS = ["Indicative", "Confirmed", "Transferred", "Transfers outstanding", "Total committed"]
SHARE_NOTE = (
    "Share of the year's total: the contribution as a share of that financial year's total from all partners. A "
    "part year covers only the days its label gives."
)
SUMMARY_HEADERS = ["Financial year", *FIGURE_HEADERS, "Commissions' total", "Share of the year's total"]
DETAIL_HEADERS = [
    "Commission",
    "Status",
    "Lead",
    "Partner",
    "Financial year",
    *FIGURE_HEADERS,
    "Commission total",
    "Share of the year's total",
]


def _summary_rows(report: ContributionReport) -> list[list[Any]]:
    rows = []
    for y in report.years:
        f = y.figures
        rows.append(
            [
                y.label,
                *_figures(f),
                y.commissions_total,
                _share(f.pledged, y.commissions_total),
            ]
        )
    return rows


def _summary_total(report: ContributionReport) -> list[Any]:
    t = report.totals
    return [
        "Total",
        *_figures(t),
        report.commissions_total,
        _share(t.pledged, report.commissions_total),
    ]


def _figures(f: Any) -> list[Decimal]:
    """The money columns (``FIGURE_HEADERS``) of one set of figures."""
    return [f.indicative, f.confirmed, f.transferred, f.outstanding, f.pledged]


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
            *_figures(line.figures),
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
        "Confirmed includes amounts since transferred; transfers outstanding are confirmed but not yet transferred. "
        + SHARE_NOTE,
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
