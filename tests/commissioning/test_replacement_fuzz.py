"""Nothing anyone sends the replacement, notice, impact, decision, appraisal and Compact endpoints ends in a 500:
the API fuzz of ``tests/test_api_fuzz.py``, narrowed to these operations, on a world where each kind of object
exists (so path ids find real objects)."""

from __future__ import annotations

from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken

from config.wsgi import application
from core.tenancy import unscoped
from tests.route_targets.commissioning import _appraisal, _decision, _example, _replaced
from tests.test_api_fuzz import _send

MINE = (
    "replaced-contracts",
    "provider-notices",
    "decommissioning-impacts",
    "map-decisions",
    "appraisals",
    "compact-settings",
    "/replacement/",
)


def test_no_request_to_the_replacement_endpoints_ends_in_a_server_error(world: Any) -> None:
    with unscoped(reason="the fuzz world spans organisations"):
        _replaced(world), _appraisal(world), _decision(world)
        people = {
            "lead": (AuthToken.objects.create(user=world.lead_commissioner)[1], world.county.pk),
            "provider": (AuthToken.objects.create(user=world.bidder)[1], world.provider.pk),
        }
    fuzz_world = {"people": people, "ids": {}, "partnership": world.partnership.pk}
    commission_id = _example(world).commission.pk
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    failures: list[str] = []
    stats: dict[str, int] = {"requests": 0, "server_errors": 0}
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
        for result in schema.get_all_operations():
            operation = result.ok()
            if not any(m in operation.path for m in MINE):
                continue

            @given(case=operation.as_strategy())
            @settings(
                max_examples=8,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def examples(case: Any) -> None:
                if case.path_parameters and "commission_id" in case.path_parameters:
                    case.path_parameters["commission_id"] = commission_id
                for who in ("lead", "provider"):
                    _send(case, who, fuzz_world, failures, stats)

            examples()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert stats["requests"] > 50
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures[:10])
