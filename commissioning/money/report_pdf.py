"""The accountable body's all-partner contribution report as a PDF, built the way the board pack is.

At county scale it runs to about 19 pages and took 3-5 s to render in the request. Now the figures in it are hashed
(``report_digest``; the time it was generated is left out), and a PDF is built once per content by a Celery task
(through the outbox, holding a lease, its progress stored on the ``ReportFile`` row) and reused until a figure, a
commission's title or status, or a partner's name changes. One organisation's own report (a few pages, yet 6-15 s
under load in the request) goes the same way, kept apart per organisation (``ReportFile.organisation``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.money.exports import report_pdf
from commissioning.money.models import ReportFile
from commissioning.money.selectors import ContributionReport, contribution_report
from core import audit, leases, outbox
from core.actors import Actor
from core.service import service
from partners.models import Organisation, Partnership

log = logging.getLogger(__name__)

PDF_VERSION = "1"  # bump when the PDF's layout changes, so stored files are not reused
GENERATE_TASK = "commissioning.tasks.generate_contribution_report"
STALE_AFTER = timedelta(minutes=15)  # a queued file with no outstanding work after this long is started again


def report_digest(report: ContributionReport) -> str:
    """What the PDF shows, as a hash: every line and yearly figure, titles and names (not when it was generated)."""
    figures = [
        [str(f.indicative), str(f.confirmed), str(f.transferred)]
        for f in [line.figures for line in report.lines] + [y.figures for y in report.years]
    ]
    payload = {
        "version": PDF_VERSION,
        "organisation": report.organisation.pk if report.organisation is not None else None,
        "partnership": [report.partnership.pk, report.partnership.name, report.partnership.accountable_body.name],
        "lines": [
            [
                line.commission_id,
                line.commission,
                line.status,
                line.lead,
                line.partner,
                line.year,
                line.part_label,
                str(line.commission_total),
            ]
            for line in report.lines
        ],
        "years": [[y.year, str(y.commissions_total)] for y in report.years],
        "figures": figures,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def latest_file(
    partnership: Partnership, digest: str | None = None, *, organisation: Organisation | None = None
) -> ReportFile | None:
    """The newest (not failed) PDF of every partner's report, or with ``organisation`` of that one's own."""
    files = ReportFile.objects.filter(partnership=partnership, organisation=organisation)
    if digest is not None:
        files = files.filter(content_hash=digest)
    return files.exclude(status=ReportFile.Status.FAILED).order_by("-created_at", "-pk").first()


def lease_key(file_id: int) -> str:
    return f"commissioning.ReportFile:{file_id}"


def _work_key(file_id: int) -> str:
    return f"contribution-report-pdf:{file_id}"


def is_stuck(file: ReportFile) -> bool:
    """A file that will not finish by itself: its worker's lease expired, or it is queued with no work outstanding."""
    if file.status == ReportFile.Status.GENERATING:
        return not leases.is_live(lease_key(file.pk))
    if file.status == ReportFile.Status.QUEUED:
        if leases.expired(lease_key(file.pk)):
            return True
        return not outbox.is_outstanding(_work_key(file.pk)) and timezone.now() - file.created_at >= STALE_AFTER
    return False


def _generate_later(file_id: int, *, now: bool = False) -> None:
    outbox.enqueue(
        GENERATE_TASK,
        args=[file_id],
        dedupe_key=_work_key(file_id),
        timeout=leases.long_job_seconds() + 30,
        republish=now,
    )


def _set(file_id: int, **fields: Any) -> None:
    ReportFile.objects.filter(pk=file_id).update(**fields)


@service
def report_pdf_request(*, partnership: Partnership, report: ContributionReport, by: Actor) -> ReportFile:
    """The PDF of ``report`` (every partner's or one organisation's, as the page just computed it): the stored one
    when its figures are unchanged, else one queued for the background (a stuck one is started again, not returned
    as is)."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one request at a time
    digest = report_digest(report)
    existing = latest_file(partnership, digest, organisation=report.organisation)
    if existing is not None and existing.status == ReportFile.Status.READY and existing.file:
        return existing
    if existing is not None and existing.status in (ReportFile.Status.QUEUED, ReportFile.Status.GENERATING):
        if not is_stuck(existing):
            return existing
        leases.break_expired(lease_key(existing.pk))
        _set(existing.pk, status=ReportFile.Status.QUEUED, progress=0, error="")
        existing.refresh_from_db()
        audit.record(obj=existing, action="contributions.report_pdf_restarted", by=by, to_state=existing.status)
        _generate_later(existing.pk, now=True)
        return existing
    file = ReportFile.objects.create(
        partnership=partnership, organisation=report.organisation, content_hash=digest, requested_by=by.user
    )
    audit.record(obj=file, action="contributions.report_pdf_requested", by=by, to_state=file.status)
    _generate_later(file.pk)
    return file


def report_pdf_generate(*, report_file_id: int) -> ReportFile:
    """Build and store one PDF (run by the task, unscoped), holding the file's lease: safe to run twice, and a
    second run while the first is alive waits for the first's lease. Progress is written as it goes, outside any
    transaction, so the page polling it sees each step."""
    file = ReportFile.objects.select_related("partnership__accountable_body", "organisation").get(pk=report_file_id)
    if file.status in (ReportFile.Status.READY, ReportFile.Status.FAILED):
        return file
    key = lease_key(file.pk)
    lease = leases.acquire(key, seconds=leases.long_job_seconds())
    if lease is None:
        until = leases.expires_at(key)
        outbox.defer(until=(until or timezone.now()) + timedelta(seconds=1))
        return file
    try:
        return _build(file, lease)
    finally:
        lease.release()


def _build(file: ReportFile, lease: leases.Held) -> ReportFile:
    file_id = file.pk

    def progress(pct: int) -> None:
        _set(file_id, progress=pct)
        lease.renew()

    _set(file_id, status=ReportFile.Status.GENERATING, progress=5)
    try:
        report = contribution_report(partnership=file.partnership, organisation=file.organisation)
        progress(20)
        pdf = report_pdf(report)
        progress(90)
        file.refresh_from_db()
        file.file.save(file.filename, ContentFile(pdf), save=False)
        file.content_hash = report_digest(report)
        file.size = len(pdf)
        file.status = ReportFile.Status.READY
        file.progress = 100
        file.finished_at = timezone.now()
        file.save(update_fields=["file", "content_hash", "size", "status", "progress", "finished_at"])
    except Exception as exc:
        log.exception("Contribution report PDF %s failed", file_id)
        _set(file_id, status=ReportFile.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        file.refresh_from_db()
    return file


def status_of(file: ReportFile | None, *, download_url: str) -> dict[str, Any]:
    """JSON for the progress bar (the board pack's shape): ``{"status", "label", "progress", "ready", ...}``."""
    if file is None:
        return {"status": "none", "label": "Not prepared", "progress": 0, "ready": False}
    body: dict[str, Any] = {
        "status": file.status,
        "label": file.get_status_display(),
        "progress": file.progress,
        "ready": file.status == ReportFile.Status.READY,
    }
    if body["ready"]:
        body["download_url"] = download_url
        body["size"] = file.size
    if file.status == ReportFile.Status.FAILED:
        body["error"] = "The PDF could not be prepared. Try again, or download the Excel file"
    return body
