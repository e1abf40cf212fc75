"""Numbers of the North American plan's shape whose area code or exchange no carrier has
(555, the films' and test data's; unassigned codes) are phones when written as the plan
groups them, in input and output, whole or streamed. libphonenumber calls them invalid; a
reader, and a model, reads a phone number. Other groupings, an area code starting with 0
or 1, and one digit repeated stay text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.validators import phone_number
from safeproxy.settings.loading import bundled_config, load_settings

DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]

# The plan's own groupings of ten digits (and with the country code in front).
WRITINGS = ("{a}-{e}-{n}", "({a}) {e}-{n}", "{a}.{e}.{n}", "{a} {e} {n}", "1-{a}-{e}-{n}",
            "+1 {a} {e} {n}", "+1 ({a}) {e}-{n}")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "my cell is 555-123-4567",
        "reach me on +1 555 123 4567",
        "phone: (555) 234-5678",
        "Call 1-555-867-5309 after six.",
        "Her number is 555.010.4477, text first",
    ],
)
@pytest.mark.parametrize("stage", ["input", "output"])
def test_fictional_numbers_written_as_phones_are_cut(text: str, stage: str) -> None:
    result = run_stage(getattr(DEFAULT, stage), [text])
    out = result.texts[0]
    assert out is not None and "[REDACTED:PHONE]" in out
    assert not any(ch.isdigit() for ch in out.replace("[REDACTED:PHONE]", ""))


@pytest.mark.parametrize(
    "text",
    [
        "Use 123-456-7890 as the example",
        "Format: 000-000-0000",
        "Enter 5555555555 in the field",
        "ISBN 555-123-4567-8",
        "SKU 555-1234-567",
        "the range 555-1234",
        "version 5.55.123",
    ],
)
def test_other_shapes_stay_text(text: str) -> None:
    assert run_stage(DEFAULT.input, [text]).texts[0] is None


@settings(max_examples=80, deadline=None)
@given(
    area=st.integers(200, 999).map(str),
    exchange=st.integers(0, 999).map(lambda n: f"{n:03d}"),
    line=st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    writing=st.sampled_from(WRITINGS),
)
def test_every_ten_digit_number_of_the_plans_shape_is_a_phone(
    area: str, exchange: str, line: str, writing: str
) -> None:
    number = writing.format(a=area, e=exchange, n=line)
    repeated = len(set(area + exchange + line)) == 1
    assert phone_number(number) is not repeated


@settings(max_examples=40, deadline=None)
@given(
    area=st.integers(0, 199).map(lambda n: f"{n:03d}"),
    rest=st.integers(0, 9_999_999).map(lambda n: f"{n:07d}"),
)
def test_no_area_code_starts_with_0_or_1(area: str, rest: str) -> None:
    # The plan's numbers alone (no further regions: some read these as their own).
    assert not phone_number(f"{area}-{rest[:3]}-{rest[3:]}", "US", regions=None)
