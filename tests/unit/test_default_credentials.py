"""Well-known defaults in a URL (`guest:guest`, the user's name as its password) pass;
ODBC's braced values (`PWD={...};`) are read inside their braces."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

BENIGN = [
    "amqp://guest:guest@rabbit:5672/",
    "postgresql://postgres:postgres@localhost:5432/test",
    "redis://admin:admin@127.0.0.1:6379",
    "Server=x;Uid=app;Pwd={DbPassword};",
    "Server=x;Uid=app;Pwd={password};",
    "Server=x;Uid=app;Pwd={{db_pass}};",
]
SECRETS = [
    "amqp://guest:Wq8zLm2pXk@rabbit:5672/",
    "postgresql://postgres:Tr7vNq3pZx@db:5432/app",
    "Driver={ODBC Driver 18};Server=db;UID=sa;PWD={Hn4kPq8wZt2x};",
    "Server=db;Uid=etl;Pwd={vB7m-Qz2!kLp};Encrypt=yes",
]


@pytest.mark.parametrize("text", BENIGN)
def test_a_default_or_template_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts


@pytest.mark.parametrize("text", SECRETS)
def test_a_real_password_is_cut(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert result.changed or result.blocked
