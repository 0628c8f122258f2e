"""The public pages' tests: a clean rate-limit count per test, and a form helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Jan Evers",
        "email": "jan.evers@example.com",
        "phone": "",
        "what_happened": "De monteur kwam niet opdagen, twee keer op rij.",
        "wish": "Een nieuwe afspraak en een excuus.",
        "website": "",
    }
    data.update(overrides)
    return data
