"""Uploads are judged by what they are, not what they are called: real type, an Office file's inner structure, no
programs or macros, no zip bombs, and a pluggable virus scan (issue #10)."""

from __future__ import annotations

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core import upload_checks
from core.files import PrivateFileFormField, check_upload
from procurement.bids import services as bid_services
from procurement.bids.models import BidAttachment
from tests.conftest import sign_in
from tests.factories.procurement import bidder_of, pdf, published_tender

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def zipped(name: str, parts: dict[str, bytes], *, first: str | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first, parts.pop(first), compress_type=zipfile.ZIP_STORED)
        for part, content in parts.items():
            archive.writestr(part, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name: str = "method statement.docx", **extra: bytes) -> SimpleUploadedFile:
    types = b'<?xml version="1.0"?><Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    return zipped(name, {"[Content_Types].xml": types, "word/document.xml": b"<w:document/>", **extra})


def odt(name: str = "policy.odt", mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> SimpleUploadedFile:
    return zipped(name, {"mimetype": mimetype, "content.xml": b"<office:document-content/>"}, first="mimetype")


def refused(upload: SimpleUploadedFile) -> str:
    with pytest.raises(forms.ValidationError) as caught:
        check_upload(upload)
    return " ".join(caught.value.messages)


def test_real_documents_are_accepted():
    assert check_upload(docx()) == "docx"
    assert check_upload(odt()) == "odt"
    assert check_upload(pdf("accounts.pdf")) == "pdf"
    assert check_upload(SimpleUploadedFile("notes.txt", "Café £10".encode())) == "txt"


def test_a_spreadsheet_saved_by_excel_tools_is_accepted():
    book = Workbook()
    book.active["A1"] = "Annual value"
    buffer = io.BytesIO()
    book.save(buffer)
    assert check_upload(SimpleUploadedFile("contracts.xlsx", buffer.getvalue())) == "xlsx"


def test_a_zip_holding_a_program_named_docx_is_refused_naming_the_file():
    """The defect: only the first bytes were read, so any ZIP named .docx passed."""
    message = refused(zipped("tender response.docx", {"setup.exe": b"MZ\x90\x00" + b"\x00" * 64}))
    assert ("tender response.docx" in message and "not really a Word document" in message) or "program" in message
    message = refused(docx("tender response.docx", **{"word/media/update.exe": b"MZ\x90\x00"}))
    assert message.startswith("tender response.docx") and "program" in message
    # a program hiding under an innocent part name is found by its first bytes
    message = refused(docx("cv.docx", **{"word/media/image1.png": b"\x7fELF\x02\x01\x01"}))
    assert "cv.docx" in message and "program" in message


def test_office_files_need_their_own_inner_structure():
    assert "not really a Word document" in refused(
        zipped("letter.docx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    )
    assert "not really a Excel spreadsheet" in refused(docx("budget.xlsx"))
    assert "not really a OpenDocument text" in refused(
        odt("policy.odt", mimetype=b"application/vnd.oasis.opendocument.spreadsheet")
    )
    assert "not really a OpenDocument spreadsheet" in refused(zipped("sheet.ods", {"content.xml": b"<x/>"}))
    assert "damaged" in refused(SimpleUploadedFile("broken.docx", b"PK\x03\x04 this is not a zip"))


def test_macros_are_refused():
    assert "macros" in refused(docx("with macros.docx", **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    macro_types = b'<Types><Default ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    assert "macros" in refused(
        zipped("renamed.docx", {"[Content_Types].xml": macro_types, "word/document.xml": b"<w/>"})
    )
    assert "macros" in refused(
        zipped(
            "macro.odt",
            {"mimetype": b"application/vnd.oasis.opendocument.text", "Basic/Standard/Module1.xml": b"<x/>"},
            first="mimetype",
        )
    )


def test_zip_bombs_are_refused(settings):
    bomb = docx("huge.docx", **{"word/media/padding.xml": b"\x00" * (8 * 1024 * 1024)})
    assert "zip bomb" in refused(bomb)
    settings.JOINTLY_UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024
    assert "would expand to more than" in refused(docx("big.docx", **{"word/styles.xml": os.urandom(4096)}))


def test_a_program_or_a_disguised_file_is_refused_whatever_its_name():
    assert "program" in refused(SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200))
    assert "program" in refused(SimpleUploadedFile("notes.txt", b"#!/bin/sh\nrm -rf /\n"))
    assert "not really a PNG image" in refused(SimpleUploadedFile("logo.png", b"%PDF-1.4\n%..."))
    assert "binary" in refused(SimpleUploadedFile("data.csv", b"a,b\x00\x01\x02"))


# ---- the scanning hook ---------------------------------------------------------------------------------------


def eicar_scanner(stream, *, name):
    """A stand-in for ClamAV: flags the EICAR test marker anywhere in the file, looking inside archives as ClamAV
    does."""
    data = stream.read()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data += b"".join(archive.read(part) for part in archive.namelist())
    return "Eicar-Test-Signature" if EICAR in data else None


def broken_scanner(stream, *, name):
    raise upload_checks.ScannerUnavailable("clamd is not running")


def test_the_configured_scanner_sees_every_upload(settings):
    settings.JOINTLY_UPLOAD_SCANNER = "tests.core.test_uploads.eicar_scanner"
    message = refused(SimpleUploadedFile("minutes.txt", b"Meeting notes\n" + EICAR + b"\n"))
    assert message.startswith("minutes.txt") and "virus check (Eicar-Test-Signature)" in message
    assert "virus" in refused(docx("bid.docx", **{"word/embeddings/note.txt": EICAR}))
    assert check_upload(SimpleUploadedFile("clean.txt", b"Nothing to see")) == "txt"


def test_an_unreachable_scanner_refuses_rather_than_keeps_an_unchecked_file(settings):
    settings.JOINTLY_UPLOAD_SCANNER = "tests.core.test_uploads.broken_scanner"
    assert "could not be checked for viruses" in refused(SimpleUploadedFile("clean.txt", b"Nothing to see"))


def test_a_form_shows_the_refusal_next_to_the_field(settings):
    settings.JOINTLY_UPLOAD_SCANNER = "tests.core.test_uploads.eicar_scanner"

    class UploadForm(forms.Form):
        document = PrivateFileFormField()

    form = UploadForm(data={}, files={"document": SimpleUploadedFile("report.txt", EICAR)})
    assert not form.is_valid()
    assert "report.txt was refused by the virus check" in form.errors["document"][0]


class FakeClamd(threading.Thread):
    """Speaks enough of clamd's INSTREAM protocol on a Unix socket to test ``clamd_scan`` end to end."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith((b"\0", b"\n")):
                    command += conn.recv(1)
                received = b""
                while True:
                    size = struct.unpack("!L", self._exactly(conn, 4))[0]
                    if size == 0:
                        break
                    received += self._exactly(conn, size)
                reply = b"stream: Eicar-Test-Signature FOUND\n" if EICAR in received else b"stream: OK\n"
                conn.sendall(reply)

    @staticmethod
    def _exactly(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data


def test_the_clamd_scanner_asks_the_daemon(settings):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clamd.sock")
        daemon = FakeClamd(path)
        daemon.start()
        settings.JOINTLY_CLAMD_SOCKET = path
        settings.JOINTLY_UPLOAD_SCANNER = "core.upload_checks.clamd_scan"
        try:
            assert check_upload(SimpleUploadedFile("clean.txt", b"Nothing to see")) == "txt"
            assert "Eicar-Test-Signature" in refused(SimpleUploadedFile("eicar.txt", EICAR))
        finally:
            daemon.server.close()
        settings.JOINTLY_CLAMD_SOCKET = os.path.join(folder, "nobody-listens.sock")
        assert "could not be checked for viruses" in refused(SimpleUploadedFile("clean.txt", b"Nothing to see"))


@pytest.mark.django_db
def test_a_bidder_attaching_a_disguised_program_is_told_which_file_and_loses_nothing(world, client):
    """Through the bid page: the file is refused next to the field, the answer typed is shown again, nothing kept."""

    tender = published_tender(world)
    bid = bid_services.bid_start(tender=tender, by=bidder_of(world))
    question = tender.method.questions.filter(pass_fail=False).order_by("number").first()
    sign_in(client, world.bidder, world.provider)
    response = client.post(
        f"/bids/{bid.public_id}/",
        {
            f"answer_{question.pk}": "We visit people at home every week.",
            "attachment_title": "Method statement",
            "attachment": zipped("method statement.docx", {"setup.exe": b"MZ\x90\x00" + b"\x00" * 64}),
            "action": "save",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "method statement.docx contains a program (setup.exe)" in text
    assert "We visit people at home every week." in text
    assert not BidAttachment._base_manager.filter(bid=bid).exclude(from_profile__isnull=False).exists()
