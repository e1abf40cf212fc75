"""An at-sign in a file name is a scale or a version ("icon@2x.png", "bundle@1.4.0.js"), not
an address: a last label that is a file extension and no top-level domain is no domain. The
extensions that are also domains (.ai, .py) still end addresses."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from tests.unit.test_decoded_radix import POLICY


@pytest.mark.parametrize(
    "text",
    [
        "convert -p icon@2x.png icon@3x.png",
        "<img srcset='logo@2x.webp 2x, logo@3x.webp 3x'>",
        "import './bundle@1.4.0.js'",
        "see styles@2x.css and data@v2.json",
    ],
)
def test_file_names_with_an_at_sign_pass(text: str) -> None:
    result = run_stage(POLICY.input, [text])
    assert result.texts[0] is None, text


@pytest.mark.parametrize(
    "address", ["jane@acme.io", "hi@mistral.ai", "jane@empresa.com.py", "dev@acme.js.org"]
)
def test_addresses_whose_domain_looks_like_a_file_are_still_cut(address: str) -> None:
    result = run_stage(POLICY.input, [f"mail {address} today"])
    assert result.texts[0] == "mail [REDACTED:EMAIL] today"
