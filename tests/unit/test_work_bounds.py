"""Work per input character is bounded: validator calls and windows counted, never timed."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, SupportsIndex, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.exchange import guard as guard_module
from safeproxy.exchange.guard import OFFLOOP_CHARS, Guard
from safeproxy.exchange.state import Exchange
from safeproxy.filters import refiners
from safeproxy.filters import scanner as scanner_module
from safeproxy.filters.api import Finding
from safeproxy.filters.chain import StageResult, run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.holdback import Finder, Finders, StreamRedactor
from safeproxy.filters.normalize import Normalized, Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.scanner import Overload, Pattern, Scanner, report_cap
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.views import ViewFinder
from safeproxy.filters.work import FLOOR_UNITS, UNCHECKED, UNITS_PER_KIB, Work
from safeproxy.settings.loading import bundled_config, load_settings
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.routes import Route, Target


def _counting(check: Callable[[str], bool], seen: list[int]) -> Callable[[str], bool]:
    def counted(span: str) -> bool:
        seen.append(len(span))
        return check(span)

    return counted


class _Reads(list[int]):
    """A list that counts the items read from it (iteration, indexing, slices)."""

    read = 0

    def __iter__(self) -> Iterator[int]:
        for item in super().__iter__():
            self.read += 1
            yield item

    def __reversed__(self) -> Iterator[int]:
        for item in super().__reversed__():
            self.read += 1
            yield item

    @overload
    def __getitem__(self, i: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: SupportsIndex | slice) -> int | list[int]:
        got = super().__getitem__(i)
        self.read += len(got) if isinstance(got, list) else 1
        return got


def _best_span_work(run: str) -> tuple[list[int], int]:
    """For phone-shaped ends: the lengths of the windows `_best_spans` hands its validator,
    and how many ends it read."""
    seen: list[int] = []
    starts = [i for i, c in enumerate(run) if c.isdigit() and (i == 0 or not run[i - 1].isdigit())]
    ends = _Reads(
        i + 1 for i, c in enumerate(run) if c.isdigit() and not run[i + 1 : i + 2].isdigit()
    )
    refiners._best_spans(run, starts, ends, _counting(lambda _s: False, seen), 24, Work(1 << 30))
    return seen, ends.read


def _best_span_calls(run: str) -> list[int]:
    return _best_span_work(run)[0]


@pytest.mark.parametrize("unit", ["1-2 ", "12-34-56 ", "1 2 3 4 5 ", "(1) 2.3+4 "])
def test_best_spans_tries_a_bounded_number_of_windows_per_start(unit: str) -> None:
    small = _best_span_calls(unit * 256)
    large = _best_span_calls(unit * 1024)
    # Linear: four times the text, at most four times the windows, give or take the starts
    # near the run's end, which have fewer ends ahead (it was quadratic: 16 times).
    assert len(large) <= 4 * len(small) + 24 * 24
    assert max(large) <= 24  # no window longer than the rule's longest value


@pytest.mark.parametrize("unit", ["1-2 ", "12-34-56 ", "1 2 3 4 5 "])
def test_best_spans_reads_a_bounded_number_of_ends_per_start(unit: str) -> None:
    # The validator was only ever called on short windows; the quadratic part was reading
    # every end of the run, from its far end, for every start.
    _, small = _best_span_work(unit * 256)
    _, large = _best_span_work(unit * 1024)
    assert large <= 4 * small + 64 * 24
    assert large <= 64 * len(unit * 1024)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789 -().+", min_size=1, max_size=400))
def test_best_spans_windows_per_character_are_bounded(run: str) -> None:
    # At most one window per end within 24 characters of each start.
    assert len(_best_span_calls(run)) <= 24 * len(run)
    assert all(n <= 24 for n in _best_span_calls(run))


# -- the detectors: validator work per scan, counted through the allowance -----------------

COMPILER = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
DEFAULT = compile_policies(load_settings(bundled_config("default.yaml")).policies, COMPILER)[
    "default"
]

# Shapes made of nothing but candidates, from the detectors' own alphabets.
SHAPES = {
    "digit-sep": "1-2 ",
    "digit-pairs": "12-34-56 ",
    "phone-groups": "415 555 26 ",
    "card-groups": "4111 1111 1111 ",
    "password=": "password=",
    "email-punct": "a.b@c.io ",
    "at-dot": "a at b dot io ",
    "iban-like": "GB82 WEST 1234 ",
    # The general secret shapes' anchors (secrets_shapes.py).
    "key=": "key=",
    "word-token": "session cookie was aB3dE5gH7jK9mN1pQ3rS5tU7 ",
    "conn-pairs": ";Pwd=x",
    "hook-paths": "/hooks/aB3",
    "query-sig": "?sig=aB3dE5gH7jK9mN1pQ3rS5tU7vW9x",
}


class CountingWork(Work):
    """The scan's allowance, remembering every instance so a test can sum what was spent."""

    made: ClassVar[list[CountingWork]] = []

    def __init__(self, chars: int) -> None:
        super().__init__(chars)
        CountingWork.made.append(self)


def _rule_detectors(finder: object) -> list[Detector]:
    """The rule detectors inside a stage's finder: under its decoded views (which scan what
    they decode with it) and beside contributed finders (the hidden-payload one)."""
    if isinstance(finder, ViewFinder):
        return _rule_detectors(finder.base)
    if isinstance(finder, Finders):
        return [d for f in finder.finders for d in _rule_detectors(f)]
    return [finder] if isinstance(finder, Detector) else []


def _detectors() -> list[Detector]:
    found = _rule_detectors(DEFAULT.input.finder)
    assert found
    return found


def _spent(text: str, work: Callable[[int], Work] = CountingWork) -> tuple[int, list[Finding]]:
    """Units the default policy's input detectors spent on `text`, and their findings."""
    CountingWork.made = []
    found: list[Finding] = []
    for d in _detectors():
        d.work = work
        try:
            found += d.find(text)
        finally:
            d.work = Work
    return sum(w.spent for w in CountingWork.made), found


def _unlimited(_chars: int) -> Work:
    return Work(1 << 40)


@pytest.fixture
def no_report_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """These texts are denser than the scanner's cap of reports (which would refuse them
    first): lifted, so that the allowance alone is what bounds the validators."""
    # The scans add the cap up inline (scanner.report_cap): its floor is what to lift.
    monkeypatch.setattr(scanner_module, "REPORTS_FLOOR", 1 << 30)


@pytest.mark.usefixtures("no_report_cap")
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_validator_work_is_linear_in_the_text(shape: str) -> None:
    unit = SHAPES[shape]
    text = unit * (8192 // len(unit))
    spent, _ = _spent(text)
    spent_4x, _ = _spent(text * 4)
    # The allowance is the bound: a floor, and so much per KiB (never more, whatever the text).
    assert spent_4x <= 2 * (FLOOR_UNITS + UNITS_PER_KIB * len(text * 4) // 1024)
    assert spent_4x <= 4 * spent + 2 * FLOOR_UNITS


@pytest.mark.usefixtures("no_report_cap")
def test_over_the_allowance_candidates_are_found_unchecked_not_passed() -> None:
    # Random phone-shaped groups: each start is worth a libphonenumber parse.
    rng = random.Random(13)
    text = " ".join(f"{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}" for _ in range(4000))
    spent, found = _spent(text)
    assert spent <= 2 * (FLOOR_UNITS + UNITS_PER_KIB * len(text) // 1024)
    unchecked = [f for f in found if f.rule.endswith(UNCHECKED)]
    assert unchecked, "past the allowance the rest must be reported, not skipped"
    # What is unchecked is covered: nothing after the first unchecked span escapes the scan.
    first = min(f.start for f in unchecked)
    tail_end = max(f.end for f in found if f.start >= first)
    assert tail_end >= len(text.rstrip()) - 16


WORDS = ("the", "report", "for", "quarter", "is", "ready", "and", "team", "will", "review",
         "budget", "before", "meeting", "on", "Friday;", "please", "send", "comments", "about",
         "release", "schedule,", "2024", "numbers", "15", "open", "tickets",
         "to", "lead")  # fmt: skip
VALUES = ("jane.doe@acme-corp.io", "(415) 867-5309", "4111 1111 1111 1111")


def prose(kb: int) -> str:
    """About `kb` KiB of ordinary prose with an email, a phone and a card per KiB."""
    rng = random.Random(kb)
    parts: list[str] = []
    size = 0
    while size < kb * 1024:
        words = [rng.choice(WORDS) for _ in range(rng.randrange(40, 60))]
        words.insert(rng.randrange(len(words)), VALUES[len(parts) % 3])
        parts.append(" ".join(words).capitalize() + ". ")
        size += len(parts[-1])
    return "".join(parts)


@pytest.mark.parametrize("kb", [4, 64])
def test_ordinary_text_never_reaches_the_allowance(kb: int) -> None:
    text = prose(kb)
    _, found = _spent(text)
    _, unlimited = _spent(text, _unlimited)
    assert found == unlimited
    assert not [f for f in found if f.rule.endswith(UNCHECKED)]
    assert {"pii.email", "pii.phone", "pii.credit_card"} <= {f.type for f in found}


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="0123456789 -().+@atdo", min_size=1, max_size=600))
def test_within_the_floor_the_allowance_changes_nothing(text: str) -> None:
    # Short texts (any prompt below the floor) get exactly the unlimited answer.
    _, found = _spent(text)
    _, unlimited = _spent(text, _unlimited)
    assert found == unlimited


def test_a_rule_over_its_cap_of_candidates_is_a_filter_error_that_fails_closed() -> None:
    text = "1-2 " * (report_cap(1 << 20) // 2 + 1024)
    result = run_stage(DEFAULT.input, [text])
    assert result.blocked and result.reason == "filter_error"
    assert {r.error for r in result.records} == {"overload"}


def test_reports_are_cut_at_the_cap() -> None:
    scanner = Scanner([Pattern("d", r"\d", 1)])
    text = "1" * 20000  # a report per character: more than a text of this size may make
    assert len(text) > report_cap(len(text))
    with pytest.raises(Overload):
        scanner.candidates(text)
    # Below the cap, every report is kept.
    seen = sorted(e for ends in scanner.candidates("1" * 100).values() for e in ends)
    assert seen == list(range(100, 0, -1))[::-1]


def test_scans_on_two_threads_at_once_each_have_their_scratch() -> None:
    scanner = Scanner([Pattern("d", r"\d{3}-\d{4}", 8)])
    text = "call 555-1234 now " * 4000  # dense, yet within the report cap
    errors: list[BaseException] = []

    def scan_many() -> None:
        try:
            for _ in range(20):
                assert len(scanner.candidates(text)) == 4000
        except BaseException as exc:  # a shared scratch raises ScratchInUseError here
            errors.append(exc)

    threads = [threading.Thread(target=scan_many) for _ in range(3)]
    for t in threads:
        t.start()
    scan_many()  # this thread built the scanner: it scans with the database's own scratch
    for t in threads:
        t.join()
    assert not errors


# -- the guard: large texts are scanned off the event loop --------------------------------


def _chat(text: str) -> tuple[Exchange, dict[str, Any]]:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": text}]}
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, body=body, wire=b"{}", model="m")
    ex.route = Route("main", "default", (Target("u"),))
    return ex, body


@pytest.mark.parametrize("size", [100, OFFLOOP_CHARS])
def test_large_texts_are_scanned_off_the_loop_with_the_same_result(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []

    def recording(*args: Any, **kwargs: Any) -> StageResult:
        threads.append(threading.get_ident())
        return run_stage(*args, **kwargs)

    monkeypatch.setattr(guard_module, "run_stage", recording)
    text = ("mail jane.doe@acme-corp.io, " * size)[:size]
    guard = Guard({"default": DEFAULT}, offload=True)
    try:
        ex, body = _chat(text)
        asyncio.run(guard.check(ex, body))
        on_loop = threads[-1] == threading.get_ident()
        assert on_loop is (size < OFFLOOP_CHARS)
        same, same_body = _chat(text)
        Guard({"default": DEFAULT}).check_request(same, same_body)
        assert body == same_body and ex.outcome == same.outcome == "redacted"
    finally:
        guard.close()


# -- streams: each event must not rescan everything held ----------------------------------


class _CountingFinder:
    """Wraps a finder; counts the characters of every window it is asked to scan."""

    def __init__(self, inner: Finder) -> None:
        self.inner = inner
        self.read = 0

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        self.read += len(text)
        return self.inner.scan(text, hold=hold, view=view, floor=floor)


def _streamed(text: str, chunk: int = 4) -> tuple[str, int]:
    finder = _CountingFinder(DEFAULT.output.finder)
    w = StreamRedactor(finder, DEFAULT.output.effects, max_pending_chars=8192)
    out = [w.feed(text[i : i + chunk]) for i in range(0, len(text), chunk)]
    out.append(w.end())
    return "".join(out), finder.read


@pytest.mark.parametrize("unit", ["password=", "0123456789abcdef", "a", "1-2 ", "a.b@c.io "])
def test_a_stream_reads_each_character_a_bounded_number_of_times(unit: str) -> None:
    text = unit * (6000 // len(unit))
    released, read = _streamed(text)
    # Every 4-character event rescanned all held text (up to 8192): thousands of reads per
    # character. Now a rescan waits for an eighth of what is held.
    assert read <= 40 * len(text)
    # The same text goes out as when the reply is checked whole with no allowance. (With it,
    # the whole text may spend it and redact look-alikes unchecked; each stream window has
    # a floor of its own.)
    detectors = _rule_detectors(DEFAULT.output.finder)
    assert detectors
    for d in detectors:
        d.work = _unlimited
    try:
        whole = run_stage(DEFAULT.output, [text]).texts[0]
    finally:
        for d in detectors:
            d.work = Work
    assert released == (text if whole is None else whole)


# -- normalisation: the offset map is built in C when characters only vanish -------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab c\u200b\u200d\u2060\u00ad\U000e0041\u00e9\ufb01\u2460\u01c4\u3002"))
def test_the_offset_map_is_each_characters_folding_laid_end_to_end(text: str) -> None:
    normalizer = Normalizer()
    view = normalizer.normalize(text)
    expected = [i for i, ch in enumerate(text) for _ in normalizer.normalize(ch).text]
    assert len(view.text) == len(expected)
    sources = list(range(len(text))) if view.sources is None else list(view.sources)
    assert sources == expected


@pytest.mark.parametrize("on_overflow", ["block", "release"])
def test_held_text_that_no_rescan_releases_is_an_overflow_not_a_rescan_per_event(
    on_overflow: str,
) -> None:
    # A 4 K-character word (the JWT rule's longest match) with a zero-width joiner after
    # each letter: held back, it is 8 K characters, at max_pending_chars; every event forced
    # a rescan of all of it.
    text = "a\u200b" * 12000
    finder = _CountingFinder(DEFAULT.output.finder)
    w = StreamRedactor(
        finder, DEFAULT.output.effects, max_pending_chars=8192, on_overflow=on_overflow
    )
    for i in range(0, len(text), 4):
        w.feed(text[i : i + 4])
    w.end()
    assert w.overflows >= 1
    assert finder.read <= 40 * len(text)
