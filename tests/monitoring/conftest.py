from __future__ import annotations

import pytest

from tests.celery_support import celery_queue, celery_worker, task_runs  # noqa: F401  (fixtures)
from tests.factories.monitoring import DebtAdvice, debt_advice


@pytest.fixture
def debt(world) -> DebtAdvice:
    """The debt advice contract (1 April 2025 to 31 March 2028), its KPIs agreed by the county and the district."""
    return debt_advice(world)
