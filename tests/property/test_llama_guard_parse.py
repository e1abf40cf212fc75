"""Llama Guard's answer parser: valid answers in any spacing or case, and nothing else."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from safeproxy.deepcheck.api import JudgeError, JudgeResult, JudgeVerdict
from safeproxy.deepcheck.judges.llama_guard import parse_llama_guard
from safeproxy.deepcheck.settings import LLAMA_GUARD_CATEGORIES

CONFIGURED = frozenset(LLAMA_GUARD_CATEGORIES)
UNCERTAIN = frozenset({"S6", "S8"})

blank = st.text(alphabet=" \t", max_size=3)
newline = st.sampled_from(["\n", "\r\n"])
codes = st.lists(st.sampled_from(sorted(CONFIGURED)), min_size=1, max_size=5)


@st.composite
def any_case(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if up else c.lower() for c, up in zip(word, flips, strict=True))


@st.composite
def spaced(draw: st.DrawFn, line: str) -> str:
    return f"{draw(blank)}{line}{draw(blank)}"


@st.composite
def answer(draw: st.DrawFn, head: str, cats: list[str] | None) -> str:
    text = draw(st.text(alphabet=" \t\n", max_size=3)) + draw(spaced(draw(any_case(head))))
    if cats is not None:
        text += draw(newline) * draw(st.integers(1, 3))  # blank lines between are tolerated
        parts = [draw(spaced(draw(any_case(c)))) for c in cats]
        text += draw(spaced(",".join(parts)))
    return text + draw(st.text(alphabet=" \t\n", max_size=3))


def parse(text: str) -> JudgeResult:
    return parse_llama_guard(text, CONFIGURED, UNCERTAIN)


@given(st.data())
def test_safe_in_any_spacing_and_case(data: st.DataObject) -> None:
    assert parse(data.draw(answer("safe", None))).verdict is JudgeVerdict.SAFE


@given(st.data(), codes)
def test_unsafe_in_any_spacing_and_case(data: st.DataObject, cats: list[str]) -> None:
    result = parse(data.draw(answer("unsafe", cats)))
    expected = tuple(dict.fromkeys(cats))
    assert result.categories == expected
    uncertain = all(c in UNCERTAIN for c in cats)
    assert result.verdict is (JudgeVerdict.UNCERTAIN if uncertain else JudgeVerdict.UNSAFE)
    assert result.score is None


@given(st.text())
@example("")
@example("unsafe")
@example("unsafe\n,,,")
@example("maybe\nS1")
@example("ſafe")  # the long s upper-cases to S: still no verdict
def test_any_text_parses_or_is_a_bad_reply(text: str) -> None:
    try:
        result = parse(text)
    except JudgeError as exc:
        assert exc.reason == "bad_reply"
        return
    assert set(result.categories) <= CONFIGURED
    assert result.verdict is not JudgeVerdict.SAFE or result.categories == ()


@given(st.text(max_size=60), st.sampled_from(["unsafe", "UNSAFE", " Unsafe "]))
@example("S1, S99, s6, S6", "unsafe")
@example("S15,banana", "unsafe")
def test_unsafe_categories_always_configured(second_line: str, head: str) -> None:
    result = parse(f"{head}\n{second_line}")
    assert set(result.categories) <= CONFIGURED
    assert result.verdict in (JudgeVerdict.UNSAFE, JudgeVerdict.UNCERTAIN)


@given(st.lists(st.sampled_from(["S1", "S6", "S8", "S99", "X"]), max_size=4))
@example([])  # `unsafe` without categories stays unsafe
def test_uncertain_only_when_every_reported_category_is(reported: list[str]) -> None:
    result = parse("unsafe\n" + ",".join(reported))
    softened = bool(reported) and all(c in UNCERTAIN for c in reported)
    assert (result.verdict is JudgeVerdict.UNCERTAIN) is softened
    assert set(result.categories) == {c for c in reported if c in CONFIGURED}
