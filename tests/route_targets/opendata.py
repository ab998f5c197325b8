"""Route-walker builders for open data: a published tender's process with its first release (the record's ocid)."""

from __future__ import annotations

from typing import Any

from core.actors import SYSTEM
from opendata.ocds.models import Release
from opendata.ocds.services import releases_sync
from tests.factories.procurement import published_tender
from tests.route_targets import Target


def _ocid(w: Any) -> Target:
    if "opendata:ocid" not in w.extras:
        tender = published_tender(w, title="Open data walk")
        (release,) = releases_sync(tender=tender, by=SYSTEM)
        w.extras["opendata:ocid"] = release
    release = w.extras["opendata:ocid"]
    return Target(release.ocid, None)  # public data: nobody owns it


def _release(w: Any) -> Target:
    _ocid(w)
    release: Release = w.extras["opendata:ocid"]
    return Target(release.pk, None)


KWARGS = {"ocid": _ocid}
API_OBJECTS = {Release: _release}
