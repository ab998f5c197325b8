"""Private uploaded files.

- Stored under MEDIA_ROOT/private, or in a private S3-compatible bucket when ``JOINTLY_S3_BUCKET`` is set (several
  web nodes: docs/scaling.md), never under a served URL: a file reaches a browser only through a view that has
  checked the person may see the object it belongs to, and that view calls ``serve`` (which streams it).
- Checked on the way in: size (FILE_UPLOAD_MAX_BYTES), type (by extension *and* by content, including an
  Office/ODF file's inner structure: ``core.upload_checks``) and the malware scanner hook.
- Kept across form errors: ``KeepUploadsMixin`` stashes each valid upload when the form fails for another
  reason and restores it on the next submit, so nobody has to choose the file again.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
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


class _LocalPrivateStorage(FileSystemStorage):
    """The embedded default: MEDIA_ROOT/private on this node's disk (one node only)."""

    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self) -> Any:
        return Path(settings.MEDIA_ROOT) / "private"

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


def _s3_backend(bucket: str) -> Storage:
    # Loaded on first use: boto3 is only imported on nodes that store in S3.
    S3Storage = import_module("storages.backends.s3").S3Storage
    return S3Storage(
        bucket_name=bucket,
        endpoint_url=settings.JOINTLY_S3_ENDPOINT_URL or None,
        region_name=settings.JOINTLY_S3_REGION or None,
        location="private",
        default_acl="private",  # nothing in the bucket is readable without credentials
        file_overwrite=False,  # two nodes never overwrite each other's upload under one name
        querystring_auth=True,  # a URL, were one ever made, would be signed; none is (``url`` refuses)
        custom_domain=None,
    )


@deconstructible(path="core.files.PrivateStorage")
class PrivateStorage(Storage):
    """Private files on S3-compatible object storage when ``JOINTLY_S3_BUCKET`` is set (several web nodes serve the
    same files), else on the local disk. The backend is chosen from settings at each use, so this one object (named
    in migrations as ``core.files.PrivateStorage()``) never changes with the deployment."""

    _backends: ClassVar[dict[tuple[str, str], Storage]] = {}

    def backend(self) -> Storage:
        bucket = getattr(settings, "JOINTLY_S3_BUCKET", "")
        key = (
            ("s3", f"{bucket}|{settings.JOINTLY_S3_ENDPOINT_URL}|{settings.JOINTLY_S3_REGION}")
            if bucket
            else ("disk", "")
        )
        if key not in self._backends:
            self._backends[key] = _s3_backend(bucket) if bucket else _LocalPrivateStorage()
        return self._backends[key]

    # Everything a FileField, a form stash or a view does with storage is handed to the backend.
    def _open(self, name: str, mode: str = "rb") -> File:
        return self.backend().open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self.backend().save(name, content, max_length=max_length)

    def generate_filename(self, filename: str) -> str:
        return self.backend().generate_filename(filename)

    def get_valid_name(self, name: str) -> str:
        return self.backend().get_valid_name(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend().get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        self.backend().delete(name)

    def exists(self, name: str) -> bool:
        return self.backend().exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend().listdir(path)

    def size(self, name: str) -> int:
        return self.backend().size(name)

    def path(self, name: str) -> str:
        return self.backend().path(name)  # the local disk only: S3 has no path (NotImplementedError)

    def get_modified_time(self, name: str) -> Any:
        return self.backend().get_modified_time(name)

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
        kwargs: dict[str, Any] = super().get_form_kwargs()
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
        return super().form_invalid(form)
