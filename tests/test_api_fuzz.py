"""Issue #9: nothing anyone sends the API ends in a 500.

Schemathesis reads the app's own OpenAPI schema (``/api/v1/schema/``, drf-spectacular) in-process through the WSGI
app (no network) and sends bounded, derandomised examples to every operation, reads and writes, as two people on
their own test data: Alex, the county's lead commissioner, and Ruth, who bids for Citizens Advice Lichfield
District. The world has a commission, a published tender with a draft bid, and an awarded tender with a signed
contract. Every response must be below 500 (``not_a_server_error``).

Path ids: a random id only ever finds a 404, so where the person can see an object of that kind the example uses
its id (the first one the list operation returns them); the body, query and headers stay generated.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from werkzeug.test import Client  # not Django's: it would put back the connection-closing signal

from config.wsgi import application
from core.tenancy import unscoped
from procurement.bids import services as bid_services
from tests.factories.procurement import awarded, bidder_of, published_tender

pytestmark = pytest.mark.timeout(600)

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def fuzz_world(world: Any) -> dict[str, Any]:
    open_tender = published_tender(world, title="Befriending service")  # still open when the other is awarded
    flow = awarded(world)  # the commission's other tender: bids, evaluation, award, signed contract
    # Ruth's newest bid (the first her list shows, so the one the examples use) is a draft she can still change
    bid_services.bid_start(tender=open_tender, by=bidder_of(world))
    with unscoped(reason="the fuzz world gives tokens to people of every organisation"):
        people = {
            "lead": (AuthToken.objects.create(user=world.lead_commissioner)[1], world.county.pk),
            "provider": (AuthToken.objects.create(user=world.bidder)[1], world.provider.pk),
        }
    return {"people": people, "flow": flow, "ids": {}, "partnership": world.partnership.pk}


def _headers(token: str, organisation: int) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "X-Jointly-Organisation": str(organisation)}


def _known_id(case: Any, fuzz_world: dict[str, Any], who: str) -> int | None:
    """The id of the first object of this kind the person can see (asked once per list path and person)."""
    match = re.match(r"^(/api/v1/[\w-]+(?:/[\w-]+)?)/\{id\}/", case.operation.path)
    if not match:
        return None
    list_path = f"{match[1]}/"
    key = (list_path, who)
    cache = fuzz_world["ids"]
    if key not in cache:
        token, organisation = fuzz_world["people"][who]
        response = Client(application).get(list_path, headers=_headers(token, organisation))
        found = None
        if response.status_code == 200:
            body = response.get_json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "id" in rows[0]:
                found = rows[0]["id"]
        cache[key] = found
    return cache[key]  # type: ignore[no-any-return]


def test_no_request_ends_in_a_server_error(fuzz_world: dict[str, Any]) -> None:
    # The WSGI handler closes the connection after each request (request_finished); the test's data lives in this
    # connection's open transaction, so keep it, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(application, fuzz_world)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(application: Any, fuzz_world: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    failures: list[str] = []
    stats = {"operations": 0, "requests": 0, "server_errors": 0}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: a 5xx is reported with its example as found
            suppress_health_check=list(HealthCheck),
        )
        def examples(case: Any) -> None:
            for who in ("lead", "provider"):
                _send(case, who, fuzz_world, failures, stats)

        examples()
    elapsed = time.monotonic() - started
    print(  # the numbers for the report
        f"\nAPI fuzz: {stats['operations']} operations, {stats['requests']} requests, "
        f"{stats['server_errors']} responses >= 500, {elapsed:.0f}s; "
        + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if k.startswith("status"))
    )
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures[:20])


def _send(case: Any, who: str, fuzz_world: dict[str, Any], failures: list[str], stats: dict[str, int]) -> None:
    if case.path_parameters and "id" in case.path_parameters:
        known = _known_id(case, fuzz_world, who)
        if known is not None:
            case.path_parameters["id"] = known
    if case.path_parameters and "partnership_id" in case.path_parameters:
        case.path_parameters["partnership_id"] = fuzz_world["partnership"]
    token, organisation = fuzz_world["people"][who]
    response = case.call(headers=_headers(token, organisation))
    stats["requests"] += 1
    stats[f"status {response.status_code}"] = stats.get(f"status {response.status_code}", 0) + 1
    if response.status_code >= 500:
        stats["server_errors"] += 1
        failures.append(
            f"{who}: {case.method} {case.formatted_path} -> {response.status_code}\nquery={case.query}\n"
            f"body={case.body!r}\n{response.text[:1500]}"
        )
