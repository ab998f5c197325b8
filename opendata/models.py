"""Every model of open data, re-exported so that Django's app registry and migrations find them. Code imports each
model from the package that owns it (``opendata.ocds.models``)."""

from opendata.ocds.models import Release

__all__ = ["Release"]
