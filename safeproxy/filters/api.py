"""The filter contract as the code runs it (a leaf module: it imports nothing from the project).

A policy has a list of filters per stage: `input` (the text the model will see) and
`output` (its reply, whole or streamed). Each filter names a detector type (`pii`,
`secrets`, `injection`, `blocklist`, `limits`). The registry of types (registry.py; the
five are built by `detector_types.default_registry`) turns a filter's settings into its
share of the stage: rules read on the normalised view, phrase rules read on the
confusables skeleton, finders that are not regular expressions (each declaring the most
text it may hold back), a judge over its findings per text, or request-shape limits.
policy.py compiles the shares of one stage into one `Finder` (holdback.py), so a whole
text is scanned once for all filters (chain.py) and a stream through one hold-back window
per text field (holdback.StreamRedactor, stream.py). The stage's finder also reads the
text's decoded views (views.py, decoders.py); a decoder may read one direction only
(`Decoder.input_only`: the input stage's views have it, the output stage's, streams
included, neither read it nor hold back for it).

Each finding names the filter that owns it, and that filter decides its fate: in
`Mode.ENFORCE`, `FilterAction.BLOCK` refuses the text (an HTTP error before the response
started; after it, the stream ends with a content-filter finish, DESIGN §5),
`FilterAction.REDACT` cuts the finding's span (written as its `Redaction` says; overlapping
cuts merge) and `FilterAction.FLAG` only records it. In `Mode.SHADOW` the filter records
the verdict it would have given and changes nothing. When several filters answer,
BLOCK > REWRITE > CONTINUE. A scan that raises or overruns its budget is itself a recorded
decision, failing open or closed as each filter's `OnError` says; it is never skipped.

Findings describe what matched (type, rule, span in the original text, severity, filter);
they never carry the matched value. A FilterRecord is what one filter decided for one
request and stage.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, NamedTuple


class Action(enum.IntEnum):
    """What was done with a text, ordered by precedence: max() of several actions is the
    one that wins. (Streams hold text back by a finder's hold index, not by a verdict.)"""

    CONTINUE = 0
    REWRITE = 2
    BLOCK = 3


class Mode(enum.Enum):
    ENFORCE = "enforce"
    SHADOW = "shadow"


class OnError(enum.Enum):
    OPEN = "open"  # a crashed or late filter lets the text through, recorded as degraded
    CLOSED = "closed"  # a crashed or late filter blocks


class FilterAction(enum.Enum):
    """What a filter in enforce mode does with a text it found something in."""

    BLOCK = "block"
    REDACT = "redact"
    FLAG = "flag"  # recorded only

    def verdict(self) -> Action:
        """The verdict of a filter with this action that found something."""
        if self is FilterAction.BLOCK:
            return Action.BLOCK
        if self is FilterAction.REDACT:
            return Action.REWRITE
        return Action.CONTINUE


class Redaction(enum.Enum):
    """How a redacting filter writes what it cut (see stage.Effects)."""

    PLACEHOLDER = "placeholder"  # [REDACTED:EMAIL]
    MASK = "mask"  # the value's characters as '*'
    HASH = "hash"  # a salted, truncated sha256: [EMAIL:3f9a0c1b]
    REMOVE = "remove"  # nothing: what no reader sees (a hidden payload)


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

    def __init__(self, _records: Iterable[FilterRecord] = ()) -> None:
        # Its identity, for sinks that count it in a table: read per request (the metrics
        # count each clean request's groups), so kept rather than asked of id() each time.
        self.key = id(self)

    def __reduce__(self) -> tuple[type[SharedRecords], tuple[tuple[FilterRecord, ...]]]:
        # A copy (pickle, copy.copy) is another group: made anew, with a key of its own.
        return SharedRecords, (tuple(self),)
