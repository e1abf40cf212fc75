"""IBANs written with their groups apart by spaces, dashes or dots (one kind throughout),
or one character at a time ("D E 8 9 3 7 ..."), are found by mod-97 wherever they stand;
the same shapes with a wrong check, version strings and dotted ids pass untouched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]

# Country, BBAN length (ISO 13616 registry).
COUNTRIES = [("DE", 18), ("NL", 14), ("GB", 18), ("FR", 23), ("ES", 20), ("BE", 12)]


def with_check(country: str, bban: str) -> str:
    """The IBAN of `bban` in `country`, its check digits computed (mod 97)."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def _bban(draw: st.DrawFn, n: int, letters: int) -> str:
    head = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=letters, max_size=letters))
    return head + draw(st.text("0123456789", min_size=n - letters, max_size=n - letters))


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country, n = draw(st.sampled_from(COUNTRIES))
    return with_check(country, _bban(draw, n, draw(st.sampled_from([0, 4]))))


def grouped(iban: str, sep: str) -> str:
    return sep.join(iban[i : i + 4] for i in range(0, len(iban), 4))


def hidden(text: str, value: str) -> bool:
    out = run_stage(DEFAULT.input, [text]).texts[0]
    return out is not None and value not in out


@settings(max_examples=80, deadline=None)
@given(
    ibans(),
    st.sampled_from([" ", "-", ".", ""]),
    st.sampled_from(["{}", "IBAN: {}.", "rekening {} graag", "pay to {}, thanks"]),
)
def test_an_iban_in_groups_is_found(iban: str, sep: str, frame: str) -> None:
    written = grouped(iban, sep)
    assert hidden(frame.format(written), written)


@settings(max_examples=40, deadline=None)
@given(ibans(), st.sampled_from([" ", "  ", " . "]))
def test_an_iban_letter_spaced_is_found(iban: str, gap: str) -> None:
    written = gap.join(iban)
    out = run_stage(DEFAULT.input, [f"{written} is my account"]).texts[0]
    assert out is not None and iban[4:12] not in out.replace(gap, "")


@settings(max_examples=40, deadline=None)
@given(ibans(), st.sampled_from([" ", "-", "."]))
def test_a_wrong_check_passes(iban: str, sep: str) -> None:
    wrong = iban[:2] + f"{(int(iban[2:4]) + 1) % 100:02d}" + iban[4:]
    text = f"ref {grouped(wrong, sep)} ok"
    # (Its digits may hold another value by chance, a phone number: no IBAN is what counts.)
    assert "IBAN" not in (run_stage(DEFAULT.input, [text]).texts[0] or "")


@pytest.mark.parametrize(
    "text",
    [
        "release v1.2.3.4 of ab12.cdef.1234.5678.9012",
        "build de12.2024.0101.1234 passed",
        "A 1 2 3 4 5 6 7 8 9 0 is row one",
        "NL91.ABNA-0417.1643.00 mixes its separators",
        "NL91..ABNA.0417.1643.00",
    ],
)
def test_look_alikes_pass(text: str) -> None:
    assert run_stage(DEFAULT.input, [text]).texts[0] is None
