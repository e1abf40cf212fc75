"""THE filter contract (a leaf module: it imports nothing from the project).

A filter *returns* what happens next instead of raising, like an Envoy HTTP filter:

    CONTINUE  nothing found; the next filter runs; pending text may be released.
    HOLD      streams only: the filter needs more text before it can decide. Nothing is
              released this round. It may be returned from `on_text` only; `on_end` must
              decide, because nothing can be held after the stream ended.
    REWRITE   the verdict carries replacement text for the text it was given (redaction);
              later filters see the new text.
    BLOCK     stop. Before the response started the client gets an HTTP error; after it, the
              stream ends with a content-filter finish (see DESIGN §5).

When several filters answer, BLOCK > REWRITE > CONTINUE (HOLD only delays). A filter in
shadow mode records the verdict it would have returned and the chain acts as if it had said
CONTINUE. A filter that raises or overruns its time budget is itself a recorded decision,
failing open or closed as its `on_error` says; it is never skipped silently.

Findings describe what matched (type, rule, span in the original text, severity). They never
carry the matched value.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol


class Action(enum.IntEnum):
    """Ordered by precedence: max() of several actions is the one that wins."""

    CONTINUE = 0
    HOLD = 1
    REWRITE = 2
    BLOCK = 3


class Mode(enum.Enum):
    ENFORCE = "enforce"
    SHADOW = "shadow"


class OnError(enum.Enum):
    OPEN = "open"  # a crashed or late filter lets the text through, recorded as degraded
    CLOSED = "closed"  # a crashed or late filter blocks


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class Finding(NamedTuple):
    """One match: `type` such as "pii.email", the rule id, and [start, end) in the original.

    A NamedTuple: immutable, and made several times per scanned text, where a frozen
    dataclass costs three times as much to build.
    """

    type: str
    rule: str
    start: int
    end: int
    severity: Severity
    filter: str


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    findings: tuple[Finding, ...] = ()
    # REWRITE only: the text that replaces what the filter was given.
    text: str | None = None
    # A stable, value-free reason for logs and error bodies (e.g. "pii.email").
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.action is Action.REWRITE) != (self.text is not None):
            raise ValueError("REWRITE, and only REWRITE, carries replacement text")


class FilterRecord(NamedTuple):
    """What one filter decided for one request and stage: the unit of the decision record.

    `action` is what was done; `verdict` what the filter would have done (they differ in
    shadow mode, and when a failing filter was let through). `error` names a failure
    ("exception", "timeout", "overflow") that was decided by `on_error`.
    """

    filter: str
    stage: str  # "input" | "output"
    action: Action
    verdict: Action
    mode: Mode
    types: tuple[str, ...] = ()
    hits: int = 0  # findings (not a `count` field: NamedTuple has a count method)
    error: str | None = None
    # Type, rule and original offsets of each finding (never a value), for spans and audit.
    findings: tuple[Finding, ...] = ()


class SharedRecords(tuple[FilterRecord, ...]):
    """Records that are the same for every request that gets them (a stage that found
    nothing, limits that passed): made once per compiled policy and shared, so sinks may
    count them by identity, and render them once, instead of record by record."""

    # A sink's rendering of the group, made on first use (the audit log's JSON).
    rendered: Any = None


CONTINUE = Verdict(Action.CONTINUE)
HOLD = Verdict(Action.HOLD)


@dataclass(frozen=True, slots=True)
class FilterPolicy:
    """The knobs every filter has, whatever it detects."""

    name: str
    mode: Mode = Mode.ENFORCE
    on_error: OnError = OnError.CLOSED
    budget_ms: float = 5.0


@dataclass(slots=True)
class TextWindow:
    """The chunk-boundary state of one streamed text field.

    `pending` has been received and not yet released; filters may rewrite it. `context` is
    the tail of what was already released (read-only) for checks that want overlap. `final`
    is True once the upstream stream has ended.
    """

    pending: str = ""
    context: str = ""
    final: bool = False
    context_chars: int = 256
    released_total: int = field(default=0)

    def release(self, n: int) -> str:
        """Take the first n pending characters out; they become context."""
        out, self.pending = self.pending[:n], self.pending[n:]
        if out:
            self.context = (self.context + out)[-self.context_chars :]
            self.released_total += len(out)
        return out


class InputFilter(Protocol):
    """Checks the text the model will see, before the upstream call."""

    policy: FilterPolicy

    def check(self, texts: Sequence[str]) -> Sequence[Verdict]:
        """One verdict per text; REWRITE replaces that text."""
        ...


class StreamCheck(Protocol):
    """Per-response state of an output filter (one instance per stream, like Envoy)."""

    def on_text(self, window: TextWindow) -> Verdict: ...

    def on_end(self, window: TextWindow) -> Verdict:
        """Must decide: HOLD is not allowed here."""
        ...


class OutputFilter(Protocol):
    policy: FilterPolicy
    # Characters withheld so that a match can still be caught whole: longest match - 1.
    holdback: int

    def open(self) -> StreamCheck: ...


def strongest(verdicts: Sequence[Verdict]) -> Action:
    """The action that wins among several verdicts (BLOCK > REWRITE > HOLD > CONTINUE)."""
    return max((v.action for v in verdicts), default=Action.CONTINUE)


def releasable(pending: int, holdback: int, held: bool) -> int:
    """How many pending characters may go out now.

    A pattern whose longest match is L needs L - 1 characters of hold-back: then every match
    lies whole inside `pending` before any character of it reaches the client.
    """
    if held:
        return 0
    return max(0, pending - holdback)
