"""Keys that vendors' documentation prints (`EXAMPLE` written into them in capitals) are no
secrets (validators.documented_placeholder): they pass in every rule that would name a real
key of the same shape, while a real key next to the word "example" is still cut."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

DOC_KEYS = [
    "Docs sample: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_access_key_id = AKIAI44QH8DHBEXAMPLE",
    "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "export AWS_ACCESS_KEY_ID=ASIAJEXAMPLEXEG2JICEA",
    "password = Tr0ub4dorEXAMPLE",
    "SECRET_KEY=7d1f0b4c2aEXAMPLE9e8a7c6b5d4e3f2a1b0c9d8e7",
]
REAL_KEYS = [
    "for example: AKIA2OGYBAH6QZRT4KXM / 3kF9mQ2pLx7VbN4sZwR8tYhJ1cDgKe5uIoPaXy0q",
    "here is an example of my key AKIA5QW3RTZ7YH2KLP4M",
    "Example config: password = 9dK2mQ7xLp4RtVb8example",
    "EXAMPLE_SECRET_TOKEN=9dK2mQ7xLp4RtVb8NsZw1FgHj3",
]


@pytest.mark.parametrize("text", DOC_KEYS)
def test_a_documented_example_key_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts


@pytest.mark.parametrize("text", REAL_KEYS)
def test_a_real_key_near_the_word_example_is_cut(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert result.changed or result.blocked
