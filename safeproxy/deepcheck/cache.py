"""The verdict cache: an LRU with a TTL, keyed by sha256 of the normalised text + judge config.

A judge call costs tens to hundreds of milliseconds and the same text recurs (a system
prompt, a retried request, a popular question), so a verdict is reused for `ttl_s`. The key
covers the judge's configuration, so a changed threshold or category list never reuses a
verdict made under the old one. Only real verdicts are cached, never errors.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence

from safeproxy.deepcheck.api import JudgeResult, Stage, Turn


def cache_key(fingerprint: bytes, stage: Stage, turns: Sequence[Turn]) -> bytes:
    """sha256 over the judge's config fingerprint, the stage and each turn's normalised text
    (NFKC, casefolded, whitespace runs folded: texts a judge reads the same share a key)."""
    h = hashlib.sha256(fingerprint)
    h.update(stage.encode())
    for turn in turns:
        text = " ".join(unicodedata.normalize("NFKC", turn.text).casefold().split())
        h.update(b"\x00" + turn.role.encode() + b"\x01" + text.encode("utf-8", "surrogatepass"))
    return h.digest()


class VerdictCache:
    def __init__(self, max_entries: int, ttl_s: float, clock: Callable[[], float]) -> None:
        self._max = max_entries
        self._ttl = ttl_s
        self._clock = clock
        self._items: OrderedDict[bytes, tuple[float, JudgeResult]] = OrderedDict()

    def get(self, key: bytes) -> JudgeResult | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, result = entry
        if self._clock() >= expires:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return result

    def put(self, key: bytes, result: JudgeResult) -> None:
        self._items[key] = (self._clock() + self._ttl, result)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
