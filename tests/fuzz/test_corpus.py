"""The fuzz corpus (tests/fuzz_corpus/): every kept input through its fuzzer's property."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeproxy.upstream.sse import encode_event
from tests.fuzz.test_fuzz_body import check, check_inflate
from tests.fuzz.test_fuzz_normalize import check_map, check_scans
from tests.fuzz.test_fuzz_sse import decode_in, well_formed

CORPUS = Path(__file__).resolve().parent.parent / "fuzz_corpus"


def _files(kind: str) -> list[Path]:
    files = sorted((CORPUS / kind).iterdir())
    assert files, f"no corpus files in {kind}/"
    return files


@pytest.mark.parametrize("path", _files("body"), ids=lambda p: p.name)
def test_body(path: Path) -> None:
    for max_depth in (2, 8, 32):
        check(path.read_bytes(), max_depth)


@pytest.mark.parametrize("path", _files("gzip"), ids=lambda p: p.name)
def test_gzip(path: Path) -> None:
    for cap in (1, 64, 1 << 20):
        check_inflate(path.read_bytes(), cap)


@pytest.mark.parametrize("path", _files("sse"), ids=lambda p: p.name)
def test_sse(path: Path) -> None:
    data = path.read_bytes()
    whole = decode_in(data, [])
    for cut in range(len(data) + 1):
        assert decode_in(data, [cut]) == whole
    assert decode_in(data, list(range(len(data)))) == whole
    for event in whole:
        well_formed(event)
    assert decode_in(b"".join(encode_event(e) for e in whole), []) == whole


@pytest.mark.parametrize("path", _files("text"), ids=lambda p: p.name)
def test_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    n = len(text)
    check_map(text, [(a, b) for a in range(0, n + 1, max(1, n // 16)) for b in (a + 1, n)])
    check_scans([text], views=True)
