"""PDFs (pure functions returning bytes): the notice letter to a provider, and the options appraisal."""

from __future__ import annotations

from commissioning.replacement.models import OptionsAppraisal, ProviderNotice
from core.pdf import render_pdf


def notice_letter_pdf(notice: ProviderNotice) -> bytes:
    """The written notice: who gives it, to whom, the date, the reason, the Compact's period and when it runs out."""
    return render_pdf(
        "commissioning/replacement/notice_letter_pdf.html", {"notice": notice, "contract": notice.contract}
    )


def appraisal_pdf(appraisal: OptionsAppraisal) -> bytes:
    return render_pdf(
        "commissioning/replacement/appraisal_pdf.html",
        {"appraisal": appraisal, "options": list(appraisal.options.all())},
    )
