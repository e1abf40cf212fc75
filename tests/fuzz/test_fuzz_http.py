"""Fuzzing the request parser through the real proxy: bodies, encodings and framing on the wire.

One proxy (small caps, gzip allowed) in front of the mock model on loopback. Whatever the
body (a chat request, the same mutated, random bytes, another text encoding, gzip of any of
those, a zip bomb), its Content-Encoding and its framing (Content-Length or chunked), the
answer is 200 or one of the documented client errors in OpenAI's error shape; never a 5xx,
never a dropped connection. A body refused by the parser never reaches the upstream.
"""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.budget import fuzz
from tests.fuzz.json_text import OBJECTS, json_text
from tests.support import Stack, base_config

pytestmark = pytest.mark.fuzz

LIMITS = {"max_body_bytes": 4096, "allow_gzip": True, "max_decompressed_bytes": 8192,
          "max_json_depth": 6, "max_messages": 4}  # fmt: skip
# 400 bad JSON/shape, 413 over a cap, 415 an encoding that is not accepted, 404 no route.
DOCUMENTED = {200, 400, 404, 413, 415}


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[Stack, httpx.Client]]:
    with (
        Stack(lambda urls: base_config(urls, limits=LIMITS)) as stack,
        httpx.Client(base_url=stack.url, timeout=20) as client,
    ):
        yield stack, client


_CHAT = st.builds(
    lambda content, stream, n: {"model": "m", "stream": stream,
                                "messages": [{"role": "user", "content": content}] * n},
    st.text(max_size=50), st.booleans(), st.integers(1, 5),
)  # fmt: skip


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["chat", "chat", "written", "mutated", "bytes", "big"]))
    if kind == "chat":
        return orjson.dumps(draw(_CHAT))
    if kind == "written":
        return draw(OBJECTS.flatmap(json_text)).encode("utf-8")
    if kind == "mutated":
        body = bytearray(orjson.dumps(draw(_CHAT)))
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(body) - 1))
            body[at] = draw(st.integers(0, 255))
        return bytes(body)
    if kind == "big":  # around the body cap, before or after inflating
        return b'{"model":"m","messages":[{"role":"user","content":"' + b"x" * draw(
            st.integers(3900, 9000)) + b'"}]}'  # fmt: skip
    return draw(st.binary(max_size=300))


@st.composite
def requests(draw: st.DrawFn) -> tuple[bytes, dict[str, str], bool]:
    body = draw(bodies())
    recode = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "utf-32-le", "utf-8-sig"]))
    if recode != "utf-8":
        with contextlib.suppress(UnicodeDecodeError):  # not text: sent as it is
            body = body.decode("utf-8").encode(recode)
    encoding = draw(st.sampled_from([None, None, None, "gzip", "gzip", "GZIP", "Gzip", "identity",
                                     "deflate", "br", "gzip, gzip", "x-gzip", ""]))  # fmt: skip
    headers = {"Content-Type": "application/json"}
    if encoding is not None:
        headers["Content-Encoding"] = encoding
        if "gzip" in encoding.lower() and draw(st.integers(0, 3)) > 0:  # or a lie
            body = gzip.compress(body)
        elif encoding == "deflate":
            body = zlib.compress(body)
    if draw(st.integers(0, 19)) == 0:
        body = gzip.compress(b" " * 5_000_000)  # a bomb: a few KB inflating to 5 MB
        headers["Content-Encoding"] = "gzip"
    return body, headers, draw(st.booleans())


def _chunks(body: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


@fuzz(120)
@given(request=requests())
def test_every_request_gets_200_or_a_documented_client_error(
    proxy: tuple[Stack, httpx.Client], request: tuple[bytes, dict[str, str], bool]
) -> None:
    stack, client = proxy
    body, headers, chunked = request
    before = len(stack.mocks[0].received)
    content: Any = _chunks(body, 1000) if chunked else body  # an iterator goes chunked
    resp = client.post("/v1/chat/completions", content=content, headers=headers)
    event(f"HTTP {resp.status_code}")  # the mix, in --hypothesis-show-statistics
    assert resp.status_code in DOCUMENTED, resp.text
    if resp.status_code == 200:
        resp.read()
        return
    err = resp.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    if resp.status_code in (400, 413, 415):
        assert len(stack.mocks[0].received) == before, "a refused body reached the upstream"
