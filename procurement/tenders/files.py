"""Uploaded files kept on a row: the original name, size and SHA-256, then the stored file (tender documents,
profile documents, bid attachments, contract documents)."""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

from django.core.files.base import File
from django.db import models

F = TypeVar("F", bound=models.Model)


def sha256_of(upload: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def upload_filename(upload: Any) -> str:
    return (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]


def file_row(model: type[F], *, upload: File, **fields: Any) -> F:
    """A new row of ``model`` holding an uploaded file: its original name, SHA-256 and (where the model keeps it) size
    are taken from the upload, then the file is stored and the row saved."""
    digest, size = sha256_of(upload)
    row = model(original_filename=upload_filename(upload), sha256=digest, **fields)
    if hasattr(row, "size"):
        row.size = size
    row.file.save(row.original_filename, upload, save=False)  # type: ignore[attr-defined]
    row.save()
    return row
