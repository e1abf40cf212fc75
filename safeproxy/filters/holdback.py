"""Applying findings to a text stream with a bounded hold-back, so nothing leaks across splits.

The rule (DESIGN §5): text is held from the earliest point where a match could still be
growing (the *frontier*): for each rule, the trailing run of characters its matches can
contain, at most its longest match - 1 (see `holds.hold_functions`). A finding that ends before
the frontier is *settled*: no match can grow into it any more, so it is cut, blocks, or is
recorded, and released. A finding that reaches past the frontier holds everything from its
start (and from the start of a cut it overlaps, since overlapping cuts merge). The rest
waits for the next chunk, or for the end of the stream, when everything settles. The output
is therefore the same however the upstream splits the stream, and equal to applying the
findings of the whole text at once.

Released text is kept as read-only context (`context_chars`) so that a rule can see the
keyword before a value (`password: <value>`) after the keyword went out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from safeproxy.filters.api import Finding
from safeproxy.filters.gate import GateReading
from safeproxy.filters.normalize import Normalized, Normalizer

if TYPE_CHECKING:
    from safeproxy.filters.scanner import Pattern

Placeholder = Callable[[Finding], str]


def type_placeholder(finding: Finding) -> str:
    """`[REDACTED:EMAIL]` for "pii.email", `[REDACTED:AWS_ACCESS_KEY]` for secrets, ..."""
    return f"[REDACTED:{finding.type.rsplit('.', 1)[-1].upper()}]"


class Finder(Protocol):
    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        """Findings sorted by start, and the index from which a match could still grow
        (len(text) when `hold` is False: whole texts need no hold-back). Any index at or
        before `floor` may be answered for one earlier still: the caller holds from
        `floor` anyway."""
        ...


class GatedFinder(Protocol):
    def scan(
        self,
        text: str,
        *,
        hold: bool = True,
        view: Normalized | None = None,
        gate: GateReading | None = None,
        floor: int = 0,
    ) -> tuple[list[Finding], int]:
        """As Finder.scan; fills `gate` with what its gate read of the finders it gates."""
        ...


class PhraseFinder(Protocol):
    def scan(
        self,
        text: str,
        *,
        hold: bool = True,
        view: Normalized | None = None,
        given: Mapping[Pattern, int] | None = None,
        floor: int = 0,
    ) -> tuple[list[Finding], int]:
        """As Finder.scan; `given`: the gate's reading of the whole text (GateReading.ends),
        which may spare the scan."""
        ...


class Effects(Protocol):
    """What a policy does with a finding (its filter's action and mode decide)."""

    def replacement(self, finding: Finding, value: str) -> str | None:
        """The text that replaces the value, or None to leave it (flag, shadow)."""
        ...

    def blocks(self, finding: Finding) -> bool: ...

    def cuts(self, finding: Finding) -> bool:
        """Whether `replacement` gives text for this finding (cheaper than asking it)."""
        ...


class Redact:
    """Every finding is cut with a placeholder; nothing blocks."""

    def __init__(self, placeholder: Placeholder = type_placeholder) -> None:
        self._placeholder = placeholder

    def replacement(self, finding: Finding, value: str) -> str | None:
        return self._placeholder(finding)

    def blocks(self, finding: Finding) -> bool:
        return False

    def cuts(self, finding: Finding) -> bool:
        return True


class Finders:
    """Several finders (plain and skeleton views) answering as one; the text is normalised
    once for all of them."""

    def __init__(
        self,
        finders: Sequence[Finder],
        normalizer: Normalizer,
        gatekeeper: GatedFinder | None = None,
        gated: Sequence[PhraseFinder] = (),
        narrow: Sequence[Finder] | None = None,
    ) -> None:
        # `gatekeeper` is finders[0] when given, and its gate covers `gated`, the other
        # finders: on a whole text where the gate stays shut, they cannot match and are not
        # run; where it opens, it tells each which of its phrases may match, and where.
        assert gatekeeper is None or len(gated) == len(finders) - 1
        # `narrow`: those of `finders` that may find something in a text that is all ASCII
        # (the others need a character outside it); a whole such text asks only them.
        assert gatekeeper is None or narrow is None
        self._narrow = None if narrow is None else tuple(narrow)
        self._narrow_one = self._narrow[0] if self._narrow and len(self._narrow) == 1 else None
        self._finders = tuple(finders)
        self._gated = tuple(gated)
        self._single = self._finders[0] if len(self._finders) == 1 else None
        self._normalizer = normalizer
        self._gatekeeper = gatekeeper

    @property
    def finders(self) -> tuple[Finder, ...]:
        return self._finders

    @property
    def gatekeeper(self) -> GatedFinder | None:
        return self._gatekeeper

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        if self._single is not None:
            return self._single.scan(text, hold=hold, view=view, floor=floor)
        view = view or self._normalizer.normalize(text)
        finders = self._finders
        if not hold and self._narrow is not None and (view.ascii is not None or text.isascii()):
            if self._narrow_one is not None:  # (the default policy's input: one call less)
                return self._narrow_one.scan(text, hold=False, view=view)
            finders = self._narrow
        if not hold and self._gatekeeper is not None:
            gate = GateReading()
            first, _ = self._gatekeeper.scan(text, hold=False, view=view, gate=gate)
            if not gate.open:
                return first, len(text)
            merged = list(first)
            for phrases in self._gated:
                merged += phrases.scan(text, hold=False, view=view, given=gate.ends)[0]
            if merged:  # (nothing to sort in a clean text)
                merged.sort(key=_by_span)
            return merged, len(text)
        findings: list[Finding] = []
        held = len(text)
        for finder in finders:
            found, at = finder.scan(text, hold=hold, view=view, floor=floor)
            findings += found
            if at < held:
                held = at
        if findings:
            findings.sort(key=_by_span)
        return findings, held


def _by_span(f: Finding) -> tuple[int, int]:
    return f.start, f.end


@dataclass(frozen=True, slots=True)
class Applied:
    text: str
    blocked: bool


def apply(text: str, findings: Sequence[Finding], effects: Effects) -> Applied:
    """The whole-text result: cut what is redacted; blocked if any finding blocks.

    Overlapping cuts (a card whose first ten digits also read as a phone) merge into one
    cut over their union, labelled by the most severe (then longest) finding, so no part
    of either value survives.
    """
    if any(effects.blocks(f) for f in findings):
        return Applied("", True)
    return Applied(cut(text, [f for f in findings if effects.cuts(f)], effects), False)


def cut(text: str, cuts: list[Finding], effects: Effects) -> str:
    """`text` with each of `cuts` (findings that `effects` cuts) replaced, as `apply` does
    once it knows that nothing blocks."""
    if len(cuts) > 1:
        cuts.sort(key=_by_start_longest)
    out: list[str] = []
    at = 0
    i = 0
    while i < len(cuts):
        merged = cuts[i]
        start, end = merged.start, merged.end
        i += 1
        if i < len(cuts) and cuts[i].start < end:
            group = [merged]
            while i < len(cuts) and cuts[i].start < end:
                group.append(cuts[i])
                end = max(end, cuts[i].end)
                i += 1
            label = max(group, key=lambda f: (f.severity, f.end - f.start))
            merged = Finding(label.type, label.rule, start, end, label.severity, label.filter)
        new = effects.replacement(merged, text[start:end])
        assert new is not None
        out += [text[at:start], new]
        at = end
    out.append(text[at:])
    return "".join(out)


def _by_start_longest(f: Finding) -> tuple[int, int]:
    return (f.start, -f.end)


# Held text from which events are rescanned lazily, and the share of it (1/RESCAN_RATIO)
# that new text must reach first (see StreamRedactor._due).
LAZY_HOLD_CHARS = 256
RESCAN_RATIO = 8


class StreamRedactor:
    """One per streamed text field: feed text as it arrives, get back what may be sent."""

    def __init__(
        self,
        finder: Finder,
        effects: Effects,
        *,
        context_chars: int = 64,
        max_pending_chars: int | None = None,
        on_overflow: str = "block",
    ) -> None:
        self._finder = finder
        self._effects = effects
        self._context_chars = max(1, context_chars)
        self._max_pending = max_pending_chars
        self._on_overflow = on_overflow
        self._context = ""
        self._pending = ""
        self._fresh = 0  # characters received since the last scan
        self.findings: list[Finding] = []
        self.blocked = False
        # Times the pending text outgrew max_pending_chars (then blocked, or settled early).
        self.overflows = 0
        # The most characters held back at once after a chunk (a stream's hold-back size).
        self.max_held = 0

    @property
    def held(self) -> int:
        return len(self._pending)

    def feed(self, text: str) -> str:
        if self.blocked:
            return ""
        self._pending += text
        self._fresh += len(text)
        limit = self._max_pending
        over = limit is not None and len(self._pending) > limit
        out = self._settle(final=False) if self._due() else ""
        if len(self._pending) > self.max_held:
            self.max_held = len(self._pending)
        # A rescan forced by overflow that leaves nearly all of it held would repeat on every
        # event (a 4 K-character word of zero-width-joined letters held 8 K characters:
        # 30 s for 32 KB): that is the overflow itself.
        if limit is not None and (
            len(self._pending) > limit
            or (over and len(self._pending) * RESCAN_RATIO > limit * (RESCAN_RATIO - 1))
        ):
            self.overflows += 1
            if self._on_overflow == "block":
                self.blocked = True
                return out
            # release: decide on what is here as if the stream ended, and let it go.
            out += self._settle(final=True)
        return out

    def end(self) -> str:
        return "" if self.blocked else self._settle(final=True)

    def _due(self) -> bool:
        """Is a rescan of the pending text worth it yet?

        Each rescan reads all held text. When much is held (a run of look-alikes, an open
        PEM block), rescanning it for every few-character event made a reply cost
        held x events (seconds for 8 KB of `password=password=...`). Rescanning once the new
        text is an eighth of what is held keeps the work per character bounded; the text
        sent is the same, as if the upstream had sent those events as one (the split
        invariant), only released a few events later. Little held: every event, as before.
        """
        held = len(self._pending) - self._fresh
        return (
            held < LAZY_HOLD_CHARS
            or self._fresh * RESCAN_RATIO >= held
            or (self._max_pending is not None and len(self._pending) > self._max_pending)
        )

    def _settle(self, *, final: bool) -> str:
        self._fresh = 0
        window = self._context + self._pending
        offset = len(self._context)
        size = len(window)
        found, hold = self._finder.scan(window, floor=offset)
        # Anything starting at or after `frontier` may still grow into a longer match.
        frontier = size if final else max(offset, hold)
        if not found:  # (most events of most replies)
            return self._release(frontier - offset, self._pending[: frontier - offset])
        release = frontier
        kept: list[Finding] = []
        covered, cover_from = -1, 0  # the cuts decided so far span [cover_from, covered)
        for f in found:
            if f.end <= offset:
                continue  # lies in released context: decided earlier
            if f.end <= frontier:
                # Settled: no match can grow into text before the frontier any more.
                kept.append(f)
                if self._effects.cuts(f):
                    if f.start >= covered:
                        cover_from = f.start
                    covered = max(covered, f.end)
            else:
                # It may still grow: hold it whole, and the cut it overlaps (they will merge).
                start = cover_from if f.start < covered else f.start
                release = min(release, max(offset, start))
        kept = [_clip(f, offset) for f in kept if f.end <= release]
        if any(self._effects.blocks(f) for f in kept):
            self.findings += kept
            self.blocked = True
            return ""
        cut = release - offset
        applied = apply(self._pending[:cut], [_shift(f, offset) for f in kept], self._effects)
        self.findings += kept
        return self._release(cut, applied.text)

    def _release(self, cut: int, text: str) -> str:
        """The first `cut` pending characters are decided: they become context; `text` (what
        they became) goes out."""
        self._context = (self._context + self._pending[:cut])[-self._context_chars :]
        self._pending = self._pending[cut:]
        return text


def _clip(f: Finding, offset: int) -> Finding:
    """A finding that began in released context: only its unreleased part can still be cut."""
    if f.start >= offset:
        return f
    return Finding(f.type, f.rule, offset, f.end, f.severity, f.filter)


def _shift(f: Finding, by: int) -> Finding:
    return Finding(f.type, f.rule, f.start - by, f.end - by, f.severity, f.filter)
