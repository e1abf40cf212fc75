"""Addresses spelt out in Dutch (spelled_email_words.py): "apenstaartje" (or
"apenstaart") for "@" and "punt" for "."; Dutch prose with those words, and English
"punt", passes."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

ADDRESSES = [
    "mail naar sanne apenstaartje xs4all punt nl",
    "mijn adres is j punt devries apenstaartje kpn punt com",
    "stuur het naar bram apenstaart gmail punt com",
    "contact: info [apenstaartje] bakkerij-jansen punt be",
    "e-mail: t.bakker apenstaartje hetnet punt nl graag",
]


@pytest.mark.parametrize("text", ADDRESSES)
def test_a_dutch_spelt_address_is_cut(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert result.changed or result.blocked
    assert "apenstaart" not in (result.texts[0] or "")


BENIGN = [
    "het apenstaartje is een teken op je toetsenbord",
    "ik heb een punt gemaakt over de begroting",
    "He kicked a punt to the end zone at 3 pm.",
    "Typ een apenstaartje en dan de domeinnaam.",
    "We gaan punt voor punt door de lijst.",
]


@pytest.mark.parametrize("text", BENIGN)
def test_dutch_prose_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts
