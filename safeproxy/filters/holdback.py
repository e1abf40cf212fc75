"""Redacting a text stream with a bounded hold-back, so no value leaks across chunk splits.

The rule (DESIGN §5): a detector whose longest match is L holds back L - 1 characters. A
candidate starting at least L characters before the end of the pending text is *settled*:
it cannot grow any more, so it is validated, redacted if it is a finding, and released. A
candidate closer to the end may still grow, and everything from its start is held. Text is
released up to the earliest unsettled position; the rest waits for the next chunk, or for
the end of the stream, when everything settles. The output is therefore the same however
the upstream splits the stream, and equal to redacting the whole text at once.
"""

from __future__ import annotations

from collections.abc import Callable

from safeproxy.filters.api import Finding
from safeproxy.filters.detect import Detector

Placeholder = Callable[[Finding], str]


def type_placeholder(finding: Finding) -> str:
    """`[REDACTED:EMAIL]` for "pii.email", `[REDACTED:AWS_ACCESS_KEY]` for secrets, ..."""
    return f"[REDACTED:{finding.type.rsplit('.', 1)[-1].upper()}]"


def redact(text: str, findings: list[Finding], placeholder: Placeholder) -> str:
    out: list[str] = []
    at = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < at:  # overlaps a span already cut (another rule): the cut covers it
            continue
        out += [text[at : f.start], placeholder(f)]
        at = f.end
    out.append(text[at:])
    return "".join(out)


class StreamRedactor:
    """One per response stream: feed text as it arrives, get back what may be sent."""

    def __init__(self, detector: Detector, placeholder: Placeholder = type_placeholder) -> None:
        self._detector = detector
        self._placeholder = placeholder
        self._max_len = max(1, detector.max_len)
        # Released text kept as left context: one character decides a word boundary.
        self._context = ""
        self._pending = ""
        self.findings: list[Finding] = []

    @property
    def held(self) -> int:
        return len(self._pending)

    def feed(self, text: str) -> str:
        self._pending += text
        return self._settle(final=False)

    def end(self) -> str:
        return self._settle(final=True)

    def _settle(self, *, final: bool) -> str:
        window = self._context + self._pending
        offset = len(self._context)
        size = len(window)
        # Anything starting at or after `frontier` may still grow into a longer match.
        frontier = size if final else max(offset, size - self._max_len + 1)
        release = size if final else frontier
        kept: list[Finding] = []
        for f in self._detector.find(window):
            if f.end <= offset:
                continue  # lies in released context: decided earlier
            if f.start < frontier and (final or f.end < size):
                kept.append(f)
                release = max(release, f.end)
            else:
                release = min(release, max(offset, f.start))
        kept = [f for f in kept if f.end <= release]
        cut = release - offset
        out = redact(self._pending[:cut], [_shift(f, offset) for f in kept], self._placeholder)
        self.findings += kept
        self._context = (self._context + self._pending[:cut])[-1:]
        self._pending = self._pending[cut:]
        return out


def _shift(f: Finding, by: int) -> Finding:
    return Finding(f.type, f.rule, f.start - by, f.end - by, f.severity, f.filter)
