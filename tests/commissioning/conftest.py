from __future__ import annotations

import pytest

from tests.celery_support import celery_queue, celery_worker, task_runs  # noqa: F401  (fixtures)
from tests.factories.commissioning import Lichfield, lichfield_example


@pytest.fixture
def lichfield(world) -> Lichfield:
    """The Lichfield worked example in sign-up: county leads, district accepted, £23,750 + £20,000 a year, 3 years."""
    return lichfield_example(world)
