"""A per-scan allowance of validator work, linear in the text's length (issue 13).

Hyperscan is linear, but what runs on its candidates is Python: a validator call costs
about a microsecond, a libphonenumber parse about 65. Text made of nothing but candidates
("1-2 1-2 ...", "password=password=...") would buy one call per few characters, and one
request could hold the event loop for seconds. Each scan therefore gets a floor plus an
allowance per KiB, in units of about one cheap call; once spent, the candidates left are
not validated but reported as findings (rule id suffixed `.unchecked`), so an absurd input
is redacted or blocked, never passed unchecked.
"""

from __future__ import annotations

# Enough for any ordinary prompt (a few values per KiB, each tried a few ways: prose with
# an address, a phone and a card per KiB spends about 190 units a KiB); only a text dense
# with look-alikes reaches it. A unit is about a microsecond of Python.
FLOOR_UNITS = 4096
UNITS_PER_KIB = 192
# Past this many KiB, a smaller rate: at the body cap (1 MiB) the allowance is then about
# 65 ms, which leaves the scans room within issue 13's 100 ms (at 128 a KiB throughout, a
# MiB of hex-digit groups spent 200). A text that large and that dense in values has its
# rest reported unchecked (redacted or blocked), not passed.
FULL_RATE_KIB = 128
UNITS_PER_KIB_PAST = 40
# A refiner lists a run's starts and ends in Python: a unit per few characters.
RUN_CHARS_PER_UNIT = 4
# A full libphonenumber parse and format (measured: about 65 µs).
PHONE_PARSE_UNITS = 64
# One call of the phone validator before any parse: its digit groups and shape tests.
PHONE_CALL_UNITS = 4
# One start of a card run (a walk over up to 19 digits) and one Luhn-and-issuer check.
CARD_START_UNITS = 4
CARD_CHECK_UNITS = 6
# Each candidate's own bookkeeping (its callback, offsets, sort and loop step: about 3 µs
# measured on a text made of keyed values), whether or not a validator then runs on it.
CANDIDATE_UNITS = 2
UNCHECKED = ".unchecked"


class Work:
    """Units one scan may still spend; `spent` is what it did spend (tests count it).

    A refiner whose allowance runs out sets `cut`: its run is unchecked from there on.
    """

    __slots__ = ("cut", "left", "spent")

    def __init__(self, chars: int) -> None:
        kib = chars >> 10
        past = max(0, kib - FULL_RATE_KIB)
        self.left = FLOOR_UNITS + UNITS_PER_KIB * (kib - past) + UNITS_PER_KIB_PAST * past
        self.spent = 0
        self.cut: int | None = None

    def take(self, units: int = 1) -> bool:
        """Spend `units` if they are left; False (and nothing spent) once they are not."""
        if units > self.left:
            self.left = 0
            return False
        self.left -= units
        self.spent += units
        return True

    @property
    def exhausted(self) -> bool:
        return self.left <= 0
