"""Schemathesis over the OpenAPI schema of a running server: no generated request gets a 5xx.

Every operation of /openapi.json is fuzzed with schemathesis' Hypothesis strategies (its
pytest plugin does not support pytest 9 yet, so the strategies are driven directly).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings


@pytest.fixture(scope="session")
def operations(server: str) -> list:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    ops = [result.ok() for result in schema.get_all_operations()]
    assert len(ops) >= 8
    return ops


def test_no_generated_request_gets_a_server_error(operations: list) -> None:
    failures: list[str] = []
    calls: list[int] = []
    for operation in operations:

        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call(timeout=30)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:200]}"
                )

        check()
    assert failures == []
    assert len(calls) >= 5 * len(operations), "every operation was exercised"
    assert any(code == 200 for code in calls) and any(400 <= code < 500 for code in calls)
