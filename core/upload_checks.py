"""What an uploaded file really is, and whether it is safe to keep (called by ``core.files.check_upload``).

The extension says what the person meant; the content says what the file is. A file is refused whole, with a
message naming it, when:

- its content is another type than its name says (detected with ``puremagic`` and the format's own signature);
- it is, or contains, a program (Windows/Linux/macOS executables, scripts, installers);
- it is an Office/OpenDocument file whose ZIP inside is not that format (a ``.docx`` needs ``[Content_Types].xml``
  and ``word/``; ``.xlsx`` needs ``xl/``; ``.odt``/``.ods`` start with a ``mimetype`` entry naming the format), or
  carries macros (``vbaProject.bin``, macro-enabled content types, OpenDocument ``Basic/`` scripts), or is
  encrypted (it cannot be checked), or would expand to far more than it weighs (a zip bomb);
- the malware scanner (``settings.JOINTLY_UPLOAD_SCANNER``) finds something, or cannot be reached.

The scanner is pluggable: a dotted path to a callable ``scan(stream, *, name) -> str | None`` returning the name of
what it found (``None`` when clean). The default does nothing; ``clamd_scan`` asks a ClamAV daemon and is chosen by
settings when ``JOINTLY_CLAMD_SOCKET`` or ``JOINTLY_CLAMD_HOST`` is configured (see docs/uploads.md).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from importlib import import_module
from pathlib import PurePosixPath
from typing import IO, Any

import puremagic
from django import forms
from django.conf import settings
from django.utils.module_loading import import_string

# Programs, by their first bytes: Windows PE ("MZ"), ELF, Mach-O (both byte orders, 32/64-bit, universal), scripts.
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".jar",
        ".sh",
        ".app",
        ".lnk",
        ".reg",
        ".apk",
        ".elf",
        ".so",
        ".dylib",
    ]
)
# Parts that carry macros (VBA in OOXML; Basic and scripts in OpenDocument).
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_FOLDERS = ("basic/", "scripts/")
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")

OFFICE_TYPES = {"docx", "xlsx", "odt", "ods"}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/"}
# What a format's content looks like to puremagic (one of these extensions among its guesses).
PUREMAGIC_KINDS: dict[str, set[str]] = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    "jpeg": {".jpg", ".jpeg", ".jfif", ".jpe"},
}
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
MAX_ZIP_ENTRIES = 5000


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _refuse(name: str, why: str) -> forms.ValidationError:
    return forms.ValidationError(f"{name} {why}", code="unsafe_upload")


def check_content(upload: Any, *, name: str, ext: str, kind: str) -> None:
    """Refuse ``upload`` (named ``name``, extension ``ext``, described as ``kind``) unless its content is that."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise _refuse(name, "is a program, not a document. Upload the document itself")
    signatures = _SIGNATURES.get(ext)
    if signatures and not head.startswith(signatures):
        raise _refuse(name, f"is not really a {kind} file")
    expected = PUREMAGIC_KINDS.get(ext)
    if expected is not None:
        try:
            guesses = {m.extension.lower() for m in puremagic.magic_string(head)}
        except puremagic.PureError:
            guesses = set()
        if not guesses & expected:
            raise _refuse(name, f"is not really a {kind} file")
    if ext in ("csv", "txt") and b"\x00" in head:
        raise _refuse(name, "must be saved as UTF-8 text (it holds binary data)")
    if ext in OFFICE_TYPES:
        _check_office_zip(upload, name=name, ext=ext, kind=kind)
    upload.seek(0)


def _check_office_zip(upload: Any, *, name: str, ext: str, kind: str) -> None:
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _refuse(name, f"is damaged or not really a {kind} file") from exc
    with archive:
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(name, f"holds more than {MAX_ZIP_ENTRIES} parts: it cannot be a real {kind} file")
        _check_not_a_bomb(entries, name=name, upload_size=_size_of(upload))
        names = [e.filename for e in entries]
        lowered = [n.lower() for n in names]
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise _refuse(name, "is password-protected, so it cannot be checked. Remove the password and try again")
            suffix = PurePosixPath(entry.filename.lower()).suffix
            if suffix in EXECUTABLE_SUFFIXES:
                raise _refuse(
                    name, f"contains a program ({PurePosixPath(entry.filename).name}). Remove it and try again"
                )
        for low in lowered:
            if PurePosixPath(low).name in MACRO_PARTS or low.startswith(MACRO_FOLDERS):
                raise _refuse(name, "contains macros. Save it without macros (as a plain .docx/.xlsx) and try again")
        for entry in entries:
            if entry.file_size and not entry.is_dir():
                with archive.open(entry) as part:
                    if part.read(8).startswith(EXECUTABLE_SIGNATURES):
                        raise _refuse(name, f"contains a program ({PurePosixPath(entry.filename).name})")
        if ext in OOXML_FOLDERS:
            if "[Content_Types].xml" not in names or not any(n.startswith(OOXML_FOLDERS[ext]) for n in names):
                raise _refuse(name, f"is not really a {kind} file")
            content_types = archive.read("[Content_Types].xml").lower()
            if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
                raise _refuse(name, "contains macros. Save it without macros and try again")
        else:
            if not names or names[0] != "mimetype" or archive.read("mimetype").strip() != ODF_MIMETYPES[ext]:
                raise _refuse(name, f"is not really a {kind} file")


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size:
        return int(size)
    upload.seek(0, 2)
    end = int(upload.tell())
    upload.seek(0)
    return end


def _check_not_a_bomb(entries: list[zipfile.ZipInfo], *, name: str, upload_size: int) -> None:
    """Refuse archives that would expand far beyond their weight (declared sizes: what extraction would write)."""
    total = sum(e.file_size for e in entries)
    limit = _limit("JOINTLY_UPLOAD_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
    ratio = _limit("JOINTLY_UPLOAD_MAX_COMPRESSION_RATIO", 100)
    if total > limit:
        raise _refuse(name, f"would expand to more than {limit // (1024 * 1024)} MB. It cannot be accepted")
    if upload_size and total > 1024 * 1024 and total / upload_size > ratio:
        raise _refuse(
            name, "is compressed far more than any real document (a \u201czip bomb\u201d). It cannot be accepted"
        )
    for e in entries:
        if e.file_size > 1024 * 1024 and e.compress_size and e.file_size / e.compress_size > ratio:
            raise _refuse(name, "is compressed far more than any real document (a \u201czip bomb\u201d)")


# ---- malware scanning ---------------------------------------------------------------------------------------

Scanner = Callable[..., "str | None"]


class ScannerUnavailable(RuntimeError):
    """The scanner could not give an answer: the upload is refused (never kept unchecked)."""


def no_scan(stream: IO[bytes], *, name: str) -> str | None:
    """The default when no scanner is configured (development and tests)."""
    return None


def clamd_scan(stream: IO[bytes], *, name: str) -> str | None:
    """Ask a ClamAV daemon (``clamd``) over its socket: ``JOINTLY_CLAMD_SOCKET`` (a Unix socket path) or
    ``JOINTLY_CLAMD_HOST``/``JOINTLY_CLAMD_PORT``. Returns the signature found, or ``None`` when clean."""
    clamd = import_module("clamd")  # optional: only nodes configured with a ClamAV daemon need the client
    timeout = float(getattr(settings, "JOINTLY_CLAMD_TIMEOUT", 30))
    socket_path = getattr(settings, "JOINTLY_CLAMD_SOCKET", "")
    try:
        daemon: Any = (
            clamd.ClamdUnixSocket(path=socket_path, timeout=timeout)
            if socket_path
            else clamd.ClamdNetworkSocket(
                host=settings.JOINTLY_CLAMD_HOST,
                port=int(getattr(settings, "JOINTLY_CLAMD_PORT", 3310)),
                timeout=timeout,
            )
        )
        answer = daemon.instream(stream)
    except (clamd.ConnectionError, OSError) as exc:
        raise ScannerUnavailable(str(exc)) from exc
    status, signature = (answer or {}).get("stream", ("ERROR", "no answer"))
    if status == "OK":
        return None
    if status == "FOUND":
        return str(signature)
    raise ScannerUnavailable(f"{status}: {signature}")


def scanner() -> Scanner:
    return import_string(getattr(settings, "JOINTLY_UPLOAD_SCANNER", "core.upload_checks.no_scan"))


def scan(upload: Any, *, name: str) -> None:
    """Run the configured scanner over the whole file; refuse it if anything is found or the scan fails."""
    upload.seek(0)
    try:
        found = scanner()(upload, name=name)
    except ScannerUnavailable as exc:
        raise _refuse(
            name, "could not be checked for viruses just now, so it was not accepted. Try again in a few minutes"
        ) from exc
    finally:
        upload.seek(0)
    if found:
        raise _refuse(name, f"was refused by the virus check ({found}). Do not open it; tell your IT team")
