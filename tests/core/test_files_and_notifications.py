from __future__ import annotations

import pytest
from django import forms
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.views.generic import FormView

from core.files import KeepUploadsMixin, PrivateFileFormField, check_upload, private_storage
from core.models import Notification
from core.notifications import deliver_emails, notify

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_uploads_are_checked_by_extension_and_by_content():
    assert check_upload(upload("agreement.pdf", PDF)) == "pdf"
    with pytest.raises(forms.ValidationError, match="must be a"):
        check_upload(upload("virus.exe", b"MZ\x90\x00"))
    with pytest.raises(forms.ValidationError, match="is not really a PDF"):
        check_upload(upload("agreement.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(forms.ValidationError, match="is empty"):
        check_upload(upload("empty.csv", b""))
    with pytest.raises(forms.ValidationError, match="UTF-8"):
        check_upload(upload("contracts.csv", b"\xff\xfe\x00\x00bad" * 10))
    with override_settings(FILE_UPLOAD_MAX_BYTES=10), pytest.raises(forms.ValidationError, match="larger than"):
        check_upload(upload("agreement.pdf", PDF))


def test_private_files_have_no_public_url():
    name = private_storage.save("test/secret.pdf", upload("secret.pdf", PDF))
    with pytest.raises(RuntimeError, match="no public URL"):
        private_storage.url(name)


class AgreementForm(forms.Form):
    signatory = forms.CharField()
    document = PrivateFileFormField(allowed=("pdf",))


class AgreementView(KeepUploadsMixin, FormView):
    form_class = AgreementForm
    template_name = "forms/govuk_form.html"

    def form_valid(self, form):
        self.saved = form.cleaned_data

        return HttpResponse("saved")


def _post(rf, data, files=None, session=None):
    request = rf.post("/agreement/", data={**data, **(files or {})})
    request.session = session if session is not None else {}
    view = AgreementView()
    view.setup(request)
    return view, view.post(request), request.session


def test_a_file_uploaded_with_a_form_error_is_kept_for_the_next_submit(db):
    rf = RequestFactory()
    view, response, session = _post(rf, {"signatory": ""}, {"document": upload("signed.pdf", PDF)})
    form = response.context_data["form"]
    assert "signatory" in form.errors
    kept = form.kept_uploads["document"]
    assert kept["name"] == "signed.pdf"
    html = response.rendered_content
    assert "You uploaded" in html and "signed.pdf" in html and 'name="document__kept"' in html
    view, response, _ = _post(rf, {"signatory": "Sam Taylor", "document__kept": kept["token"]}, session=session)
    assert response.content == b"saved"
    assert view.saved["document"].name == "signed.pdf"
    assert view.saved["document"].read().startswith(b"%PDF")


def test_a_kept_token_from_another_session_is_ignored(db):
    rf = RequestFactory()
    _, response, _ = _post(rf, {"signatory": ""}, {"document": upload("signed.pdf", PDF)})
    token = response.context_data["form"].kept_uploads["document"]["token"]
    _, response, _ = _post(rf, {"signatory": "Mallory", "document__kept": token}, session={})
    assert "document" in response.context_data["form"].errors


def test_notify_is_exactly_once_per_dedupe_key_and_emails_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            recipients=[world.lead_commissioner, world.county_admin],
            subject="Stage ends in 7 days",
            dedupe_key="stage:1:7",
        )
        again = notify(
            recipients=[world.lead_commissioner, world.county_admin],
            subject="Stage ends in 7 days",
            dedupe_key="stage:1:7",
        )
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(dedupe_key__startswith="stage:1:7").count() == 2
    assert len(mail.outbox) == 2
    assert deliver_emails() == 0  # nothing pending: never sent twice
