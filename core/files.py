"""Private uploaded files.

- Stored under MEDIA_ROOT/private, never under a served URL: a file reaches a browser only through a view
  that has checked the person may see the object it belongs to, and that view calls ``serve``.
- Checked on the way in: size (FILE_UPLOAD_MAX_BYTES), type (by extension *and* by content, including an
  Office/ODF file's inner structure: ``core.upload_checks``) and the malware scanner hook.
- Kept across form errors: ``KeepUploadsMixin`` stashes each valid upload when the form fails for another
  reason and restores it on the next submit, so nobody has to choose the file again.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible

from core import upload_checks

logger = logging.getLogger(__name__)

ALLOWED_TYPES: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel spreadsheet",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "csv": "CSV",
    "txt": "plain text",
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
}


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self) -> Any:  # type: ignore[override]
        return Path(settings.MEDIA_ROOT) / "private"

    @property
    def location(self) -> str:  # type: ignore[override]
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise RuntimeError("Private files have no public URL: serve them through a permission-checked view")


private_storage = PrivateStorage()


def _upload_to(instance: Any, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{secrets.token_hex(16)}{suffix}"


class PrivateFileField(models.FileField):
    """A FileField on private storage with random stored names (the original name is kept by the model)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("storage", private_storage)
        kwargs.setdefault("upload_to", _upload_to)
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)


def check_upload(upload: File, *, allowed: tuple[str, ...] = tuple(ALLOWED_TYPES)) -> str:
    """Validate size and type; return the extension. Raises ValidationError with a message for the person."""
    name = upload.name or ""
    ext = Path(name).suffix.lower().lstrip(".")
    limit = settings.FILE_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            f"{Path(name).name} is larger than {limit // (1024 * 1024)} MB. Choose a smaller file"
        )
    if upload.size == 0:
        raise forms.ValidationError(f"{Path(name).name} is empty")
    if ext not in allowed:
        kinds = ", ".join(sorted({ALLOWED_TYPES[a] for a in allowed}))
        raise forms.ValidationError(f"{Path(name).name} must be a {kinds} file")
    # What the file really is (content, inner ZIP structure, programs, macros, zip bombs), then the virus scan.
    upload_checks.check_content(upload, name=Path(name).name, ext=ext, kind=ALLOWED_TYPES[ext])
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if ext in ("csv", "txt"):
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError:
            # a multi-byte character may straddle the cut; judge on a shorter prefix
            try:
                head[:-4].decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(f"{Path(name).name} must be saved as UTF-8 text") from exc
    upload_checks.scan(upload, name=Path(name).name)
    return ext


class PrivateFileFormField(forms.FileField):
    def __init__(self, *args: Any, allowed: tuple[str, ...] = tuple(ALLOWED_TYPES), **kwargs: Any) -> None:
        self.allowed = allowed
        kwargs.setdefault(
            "help_text",
            f"{', '.join(sorted({ALLOWED_TYPES[a] for a in allowed}))}. Up to {settings.FILE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{a}" for a in allowed))

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile | File) and getattr(value, "size", None) is not None:
            check_upload(value, allowed=self.allowed)
        return value


class MissingFile(Http404):
    """The database names a file that storage no longer has: the person gets a 404 page saying so (not a 500), and
    operations get a log line naming the stored path, to restore it from the file backup (docs/operations.md)."""


MISSING_FILE_MESSAGE = (
    "This file is missing from Jointly's file store. Nothing you can do will bring it back from here: tell the "
    "person who uploaded it, or your Jointly administrator, so they can upload it again or restore it from a backup."
)


def serve(file: models.fields.files.FieldFile, *, filename: str, inline: bool = False) -> HttpResponse:
    """Send a private file. Call only after checking the person may see the object that owns it."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    try:
        if not file:
            raise FileNotFoundError("no file recorded")
        handle = file.open("rb")
    except (FileNotFoundError, IsADirectoryError, ValueError) as exc:
        logger.error("Private file missing from storage: %s (%s)", getattr(file, "name", "") or "-", exc)
        raise MissingFile(MISSING_FILE_MESSAGE) from exc
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)  # a streaming response, typed as what views declare they return


_STASH_SESSION_KEY = "kept_uploads"


class KeepUploadsMixin:
    """For form views: when a form with file fields fails validation, keep every file that passed its own
    checks and restore it on the next submit. The template shows ``form.kept_uploads`` (name per field)."""

    request: Any

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        if self.request.method == "POST":
            files = kwargs.get("files")
            restored = files.copy() if files is not None else {}
            stash = self.request.session.get(_STASH_SESSION_KEY, {})
            for field, token in self.request.POST.items():
                if not field.endswith("__kept") or not token:
                    continue
                name = field[: -len("__kept")]
                if name in restored or token not in stash:
                    continue
                entry = stash[token]
                stored = private_storage.open(entry["path"], "rb")
                restored[name] = UploadedFile(stored, name=entry["name"], size=private_storage.size(entry["path"]))
            kwargs["files"] = restored
        return kwargs

    def form_invalid(self, form: forms.BaseForm) -> Any:
        stash = dict(self.request.session.get(_STASH_SESSION_KEY, {}))
        kept: dict[str, dict[str, str]] = {}
        for name, field in form.fields.items():
            if not isinstance(field, forms.FileField) or name in form.errors:
                continue
            upload = form.files.get(name) if form.files else None
            if upload is None:
                continue
            upload.seek(0)
            original = Path(upload.name or "upload").name
            path = private_storage.save(
                f"stash/{secrets.token_hex(16)}{Path(original).suffix.lower()}", ContentFile(upload.read())
            )
            token = secrets.token_urlsafe(16)
            stash[token] = {"path": path, "name": original}
            kept[name] = {"token": token, "name": original}
        self.request.session[_STASH_SESSION_KEY] = stash
        form.kept_uploads = kept  # type: ignore[attr-defined]
        return super().form_invalid(form)  # type: ignore[misc]
