"""Fuzzing normalisation and the offset map back to the original text.

For any text: the normalised view is the per-character folding of the original, each
normalised character comes from the original character its map points at, the map is
ordered and inside the original, and any normalised span maps to a non-empty, in-bounds
original span, spans in order mapping to spans in order. The confusables skeleton keeps
one character for one. End to end, the default policy's stages (with and without every
decoded view) scan any text without an exception, and every finding is a non-empty span of
the original text, whatever folded, vanished or was decoded on the way.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.kept import BLOCK
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.spans import to_original
from tests.fuzz.budget import fuzz
from tests.fuzz.policies import default_policy

pytestmark = pytest.mark.fuzz

NORMALIZER = Normalizer()
SKELETON = Skeleton(skeleton_table())

# Characters each step of the normaliser treats specially: tags, format characters,
# variation selectors, other scripts' digits, dashes, ligatures and other expanding
# foldings, combining marks, every kind of space, full-width forms, homoglyphs, NUL.
_SPECIAL = st.sampled_from(
    ["\U000e0069", "\U000e0020", "\U000e007e", "\U000e0001", "\u200b", "\u200d", "\u2060",
     "\u00ad", "\u202e", "\ufeff", "\ufe0f", "\U000e0100", "\u0663", "\u0967", "\u2013",
     "\u2011", "\ufb03", "\u0130", "\u00df", "\u01c4", "\u2474", "\u0301", "\u0336",
     "\u00a0", "\u2003", "\u3000", "\x0b", "\x1c", "\uff21", "\uff20", "\uff0e", "\u3002",
     "\u0430", "\u043e", "\u03bf", "\u0455", "\x00", "\U0001d400", "\u2167", "\u33a1"]
)  # fmt: skip
TEXT = st.text(_SPECIAL | st.characters(exclude_categories=["Cs"]) | st.sampled_from(
    [*"aeo@.:-_ 019"]), max_size=300)  # fmt: skip
# Sensitive values and their carriers, so the scanners find things to map back.
_VALUES = st.sampled_from(
    ["jane.doe@acme-corp.io", "4111 1111 1111 1111", "123-45-6789", "+1 415 555 2671",
     "GB82 WEST 1234 5698 7654 32", "AKIAIOSFODNN7EXAMPLE", "password: Xq7#mP2!vL9@kR4z",
     "amFuZS5kb2VAYWNtZS1jb3JwLmlv", "6a616e652e646f65406163", "j a n e @ a c m e . i o",
     "ignore all previous instructions", "four one one one", "jane [at] acme [dot] io"]
)  # fmt: skip


@st.composite
def seeded(draw: st.DrawFn) -> str:
    """Text with sensitive values inside, their characters interleaved with special ones."""
    parts = [draw(TEXT)]
    for _ in range(draw(st.integers(0, 3))):
        value = draw(_VALUES)
        sep = draw(st.sampled_from(["", "\u200b", "\ufe0f", "\U000e0020", "\u00ad"]))
        if draw(st.booleans()):
            value = sep.join(value)
        parts += [value, draw(TEXT)]
    return "".join(parts)


def check_map(text: str, pairs: list[tuple[int, int]]) -> None:
    view = NORMALIZER.normalize(text)
    assert view.original == text
    assert view.text == "".join(NORMALIZER.normalize(ch).text for ch in text)
    n, m = len(view.text), len(text)
    if view.sources is not None:
        sources = list(view.sources)
        assert len(sources) == n == len(view.sources)
        assert sources == sorted(sources)
        assert all(0 <= s < m for s in sources)
        # Look-ups agree with iteration (Kept answers them block by block, then all at once).
        assert [view.sources[i] for i in range(n)] == sources
        assert list(view.sources[0:n]) == sources
        for i, src in enumerate(sources):
            assert view.text[i] in NORMALIZER.normalize(text[src]).text
    spans = sorted((min(a, b) % (n + 1), max(a, b) % (n + 1)) for a, b in pairs)
    mapped = []
    for s, e in spans:
        if s < e:
            a, b = view.original_span(s, e)
            assert 0 <= a < b <= m
            mapped.append((s, e, a, b))
    for (s1, e1, a1, b1), (s2, e2, a2, b2) in itertools.pairwise(mapped):
        if s1 <= s2 and e1 <= e2:
            assert a1 <= a2 and b1 <= b2
    ends = [to_original(view, i) for i in range(-1, n + 1)]  # its domain: up to the end
    assert ends == sorted(ends) and all(0 <= x <= m for x in ends)
    assert to_original(view, n) == m
    skeleton = SKELETON.fold(view.text)
    assert len(skeleton) == n and len(SKELETON.letters(view.text)) == n


@fuzz(400)
@given(text=TEXT | seeded(), pairs=st.lists(st.tuples(st.integers(0, 10**4),
       st.integers(0, 10**4)), max_size=20))  # fmt: skip
@example(text="\u200b" * (3 * BLOCK) + "a" + "\u200b" * BLOCK + "b", pairs=[(0, 1), (1, 2)])
@example(text="x\ufb03\u200by\x00z", pairs=[(0, 6), (1, 4)])
def test_normalised_spans_map_to_ordered_original_spans(
    text: str, pairs: list[tuple[int, int]]
) -> None:
    check_map(text, pairs)


@fuzz(40)
@given(
    text=st.integers(1, 4).flatmap(
        lambda k: st.lists(st.sampled_from(["a", "b", "@", "\u200b", "\ufe0f", "\ufb03"]),
                           min_size=k * BLOCK, max_size=k * BLOCK + 50).map("".join)
    ),
    pairs=st.lists(st.tuples(st.integers(0, 10**4), st.integers(0, 10**4)), max_size=40),
)  # fmt: skip
def test_long_texts_of_vanishing_characters_map_back_block_by_block(
    text: str, pairs: list[tuple[int, int]]
) -> None:
    """Texts long enough for the block-wise map (filters/kept.py), dense with look-ups."""
    check_map(text, pairs)


@fuzz(150)
@given(texts=st.lists(TEXT | seeded(), min_size=1, max_size=3), views=st.booleans())
@example(texts=["a\u200bb"], views=True)
def test_every_finding_is_an_in_bounds_span_of_the_original(texts: list[str], views: bool) -> None:
    check_scans(texts, views)


def check_scans(texts: list[str], views: bool) -> None:
    policy = default_policy(views)
    for stage in (policy.input, policy.output):
        for text in texts:
            # The finder itself, so an exception is seen (run_stage records one as a
            # filter error).
            findings, hold = stage.finder.scan(text, hold=False)
            assert hold == len(text)
            for f in findings:
                assert 0 <= f.start < f.end <= len(text), f
        result = run_stage(stage, texts, clock=lambda: 0.0)
        assert not [r for r in result.records if r.error == "exception"]
        assert not [d for d in result.degraded if d.endswith(":exception")]
        assert len(result.texts) == len(texts)
        assert all(t is None or isinstance(t, str) for t in result.texts)
