"""A finder that declares it finds nothing in ASCII text (hidden payloads, rules that need
a character outside ASCII) is not asked about a whole ASCII text, and is asked about any
other text and in every stream; one that does not declare it is always asked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from safeproxy.filters.api import FilterAction, Finding, Redaction, Severity
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detector_types import default_registry
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler
from safeproxy.filters.registry import Context, FilterCommon, Registry, Share, TextFinder
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.stage import Stage
from safeproxy.settings.policy import PiiFilter


class WideFilter(BaseModel):
    type: Literal["wide"] = "wide"
    name: str | None = None
    mode: Literal["enforce", "shadow"] = "enforce"
    on_error: Literal["closed", "open"] = "closed"
    budget_ms: float = 1000.0
    ascii: bool = False


class WideType:
    """Finds every character outside ASCII, and counts the texts it was asked about."""

    name = "wide"
    settings = WideFilter

    def __init__(self) -> None:
        self.asked: list[str] = []

    def share(self, f: WideFilter, ctx: Context) -> Share:
        owner = ctx.owner

        def find(text: str) -> list[Finding]:
            self.asked.append(text)
            return [
                Finding("toy.wide", "toy.wide", i, i + 1, Severity.LOW, owner)
                for i, c in enumerate(text)
                if ord(c) > 127
            ]

        return Share(
            FilterAction.REDACT,
            Redaction.PLACEHOLDER,
            finders=[TextFinder(find, 1, ascii=f.ascii)],
        )


def _input(wide: WideType, filters: list[FilterCommon]) -> Stage:
    compiler = Compiler(
        Normalizer(),
        Skeleton(skeleton_table()),
        {},
        registry=Registry([*default_registry(), wide]),
    )
    problems: list[tuple[str, str]] = []
    stage = compiler.stage("input", filters, b"", "policies.p.input", problems)
    assert not problems
    return stage


def test_a_whole_ascii_text_skips_a_finder_that_needs_more() -> None:
    wide = WideType()
    stage = _input(wide, [PiiFilter(type="pii", entities=["email"]), WideFilter()])
    result = run_stage(stage, ["write to ann.lee@gmail.com", "plain words"])
    assert wide.asked == []
    assert result.changed  # the other filters still ran
    result = run_stage(stage, ["write to ann.lee@gmail.com", "caf\u00e9"])
    assert len(wide.asked) == 1
    assert result.texts[1] is not None and "\u00e9" not in result.texts[1]


def test_a_finder_that_declares_nothing_is_asked_about_ascii_too() -> None:
    wide = WideType()
    stage = _input(wide, [PiiFilter(type="pii", entities=["email"]), WideFilter(ascii=True)])
    run_stage(stage, ["write to ann.lee@gmail.com"])
    assert len(wide.asked) == 1


def test_a_stream_asks_every_finder_for_its_hold() -> None:
    wide = WideType()
    stage = _input(wide, [PiiFilter(type="pii", entities=["email"]), WideFilter()])
    stage.finder.scan("plain words", hold=True)
    assert wide.asked == ["plain words"]
