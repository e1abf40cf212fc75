"""National phone numbers (no +country code) of a configured list of regions (issue 13).

A national number is a phone for one of the regions only when libphonenumber says it is a
valid number there AND it is written the way that region writes it: the same digits as
its national format (trunk `0` included where the region shows it) and the same groups.
"87 92 88 76 91" (scores), "2024-11-03" (a date; a valid Danish mobile) and "3.11.2024"
stay text.

A parse costs about 65 µs; trying it for every region on every digit run would buy a
text of look-alikes N parses per candidate. Each region is first pruned with its
metadata (the lengths and the number pattern of its general description, one C regex
match), and only the survivors are parsed, each paid from the scan's allowance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberFormat, PhoneMetadata, phonenumberutil, re_util
from phonenumbers import data as _phone_data

from safeproxy.filters.work import PHONE_PARSE_UNITS, Work

# One metadata pre-check (a length test and a regex match in C) is about a microsecond;
# picking the region's format for the number and grouping it, about 16 (measured).
PRECHECK_UNITS = 1
GROUPING_UNITS = 16
# A group reference in a libphonenumber format: "\1 \2" (the Python port's), "$1 $2".
_GROUP_REF = re.compile(r"[\\$](\d)")
# libphonenumber's alternate formats by calling code (the data its matcher reads; private
# in the Python port, hence the default).
_ALT_FORMATS: dict[int, list[NumberFormat]] = getattr(_phone_data, "_ALT_NUMBER_FORMATS", {})


@dataclass(frozen=True, slots=True)
class RegionShape:
    """What a national number of a region looks like as written, read from its metadata."""

    region: str
    prefix: str  # the trunk prefix its national format shows ("0"), "" when none
    pattern: re.Pattern[str]  # national significant number pattern (general description)
    # The trunk prefix the region shows, left out where its metadata says that is how
    # mobiles are written too ("98765 43210" in India). "" for the shapes as shown.
    dropped: str = ""
    # Written with a carrier code that the number itself lacks (Argentina's mobiles,
    # "011 15-2345-6789" for 9 11 2345-6789): `pattern` is then the region's prefix for
    # parsing, which must read an area code and the code (see _carrier_shapes).
    carrier: bool = False


@dataclass(frozen=True, slots=True)
class PhoneRegions:
    """The regions, filed by how many digits their national numbers have as written: a
    candidate meets only the few regions whose lengths fit, not all of them."""

    default: str
    by_length: dict[int, tuple[RegionShape, ...]]


def phone_regions(default: str, regions: list[str] | tuple[str, ...]) -> PhoneRegions:
    # libphonenumber compiles its metadata patterns on each use, through `re`'s cache of
    # 512: the formats and descriptions of fifty regions are more than that, and a text
    # of digit groups recompiled about a thousand of them (a quarter of a second per MiB).
    # Its own cache keeps each one compiled (the patterns are a fixed set: bounded).
    phonenumbers.enable_pattern_cache()
    by_length: dict[int, list[RegionShape]] = {}
    for region in dict.fromkeys(regions):
        meta = PhoneMetadata.metadata_for_region(region)
        if region == default or meta is None or meta.general_desc is None:
            continue
        pattern = re.compile(meta.general_desc.national_number_pattern or "(?!)")
        prefixes = _shown_prefixes(region)
        shapes = [RegionShape(region, prefix, pattern) for prefix in prefixes]
        mobile = meta.mobile.national_number_pattern if meta.mobile is not None else None
        if mobile and any(f.national_prefix_optional_when_formatting for f in meta.number_format):
            # Read by the mobile pattern: only mobiles are written without it.
            mobiles = re.compile(mobile)
            shapes += [RegionShape(region, "", mobiles, dropped=p) for p in prefixes - {""}]
        for shape in shapes:
            for length in meta.general_desc.possible_length or ():
                by_length.setdefault(len(shape.prefix) + length, []).append(shape)
        for length, shape in _carrier_shapes(region, meta):
            by_length.setdefault(length, []).append(shape)
    return PhoneRegions(default, {n: tuple(shapes) for n, shapes in by_length.items()})


def _carrier_shapes(region: str, meta: PhoneMetadata) -> list[tuple[int, RegionShape]]:
    """Where the region's national format writes a mobile with digits its number lacks
    (of all regions, only Argentina's: "011 15-2345-6789" for 9 11 2345 6789), that form,
    at its written length. Read from the metadata, not listed: the example mobile's written
    digits do not end with its number, and the prefix for parsing reads the carrier code."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    parsing = meta.national_prefix_for_parsing
    if example is None or not parsing:
        return []
    nsn = phonenumbers.national_significant_number(example)
    style = phonenumbers.PhoneNumberFormat.NATIONAL
    written = "".join(c for c in phonenumbers.format_number(example, style) if c.isdigit())
    if written.endswith(nsn):
        return []
    return [(len(written), RegionShape(region, "", re.compile(parsing), carrier=True))]


def _shown_prefixes(region: str) -> set[str]:
    """The trunk prefixes as the region's national format writes them: "0" for DE, "" for
    US and for IT (whose leading 0 belongs to the number), both for CN (landlines show the
    0, mobiles do not)."""
    style = phonenumbers.PhoneNumberFormat.NATIONAL
    kinds = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE)
    out: set[str] = set()
    for example in [phonenumbers.example_number_for_type(region, kind) for kind in kinds]:
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        written = "".join(c for c in phonenumbers.format_number(example, style) if c.isdigit())
        out.add(written[: len(written) - len(nsn)] if written.endswith(nsn) else "")
    return out or {""}


def national_phone(
    number: str, groups: list[str], regions: PhoneRegions, work: Work | None, possible: bool = False
) -> bool:
    """Is `number` (the digits, written in `groups`) a national number of one of `regions`?
    `possible`: one of the region's lengths and shape will do, allocated or not."""
    for shape in regions.by_length.get(len(number), ()):
        if shape.dropped and number.startswith(shape.dropped):
            continue  # written with the prefix: the region's own shape reads it (no charge)
        if work is not None and not work.take(PRECHECK_UNITS):
            return False
        # The cheap test (a C regex on at most 17 digits): the trunk prefix the region
        # writes, then a number of the region's shape.
        if not number.startswith(shape.prefix):
            continue
        if shape.carrier:
            # An area code and the carrier code read by the prefix for parsing; the parse
            # then checks the rest, and _written_like the groups.
            read = shape.pattern.match(number)
            if read is None or read.group(1) is None:
                continue
        elif not shape.pattern.fullmatch(number, len(shape.prefix)):
            continue
        elif work is not None and not work.take(GROUPING_UNITS):
            return False
        elif len(groups) > 1 and not _grouped_as(shape, number, groups):
            continue  # "2024 2024" is no Danish "20 24 20 24": no parse spent on it
        if work is not None and not work.take(PHONE_PARSE_UNITS):
            return False  # the caller sees the allowance spent: unchecked, not valid
        if _written_like(number, groups, shape, possible):
            return True
    return False


def _grouped_as(shape: RegionShape, number: str, groups: list[str]) -> bool:
    """Could the region's national format, or one of its alternate formats, group `number`
    as written? Read from the formats libphonenumber would pick (leading-digit rules and
    group patterns), without the parse and validity check; True when that cannot be told
    (the parse then decides)."""
    choose = getattr(phonenumberutil, "_choose_formatting_pattern_for_number", None)
    nsn = number[len(shape.prefix) :]
    meta = PhoneMetadata.metadata_for_region(shape.region)
    if choose is None or meta is None:
        return True
    form = choose(meta.number_format, nsn)
    shown = None if form is None else _format_groups(form, nsn)
    if shown is None:
        return True
    # The trunk prefix joins the first group ("030 1234567", "06 12 34 56 78") or stands
    # alone ("06 20 123 4567", "8 (912) 345-67-89").
    written = cuts(groups)
    return (
        _same_cuts(written, shape.prefix, shown)
        or _area_and_rest(shape, groups)
        or (
            not shape.dropped
            and any(_same_cuts(written, shape.prefix, alt) for alt in _alternates(meta, nsn))
        )
    )


def _same_cuts(written: set[int], prefix: str, shown: list[str]) -> bool:
    """Whether groups cut at `written` are `shown` (national significant number groups),
    with the trunk `prefix` joined to the first group or standing alone."""
    joined = {len(prefix) + c for c in cuts(shown)}
    return written == joined or (bool(prefix) and written == joined | {len(prefix)})


def _format_groups(form: NumberFormat, nsn: str) -> list[str] | None:
    """The groups `form` writes `nsn` in; None where its pattern does not read it."""
    if form.pattern is None or form.format is None:
        return None
    found = re_util.re_compile(form.pattern).fullmatch(nsn)
    if found is None:
        return None
    # (Not `found.expand`: it parses the template on every call, 20 µs.)
    shown = _GROUP_REF.sub(lambda ref: found.group(int(ref.group(1))) or "", form.format)
    return "".join(c if c.isdigit() else " " for c in shown).split()


def _alternates(meta: PhoneMetadata, nsn: str) -> list[list[str]]:
    """The groups of each alternate format of the region's calling code that applies to
    `nsn`: how its people also write their numbers ("612 345 678" in Spain, where the
    national format is "612 34 56 78"). libphonenumber's own matcher accepts them when it
    checks a number's grouping; they are its data, kept apart from the formats it prints."""
    out: list[list[str]] = []
    for form in _ALT_FORMATS.get(meta.country_code or 0, ()):
        leading = form.leading_digits_pattern
        if leading and not re_util.re_compile(leading[0]).match(nsn):
            continue
        shown = _format_groups(form, nsn)
        if shown is not None:
            out.append(shown)
    return out


def _area_and_rest(shape: RegionShape, groups: list[str]) -> bool:
    """The trunk prefix and an area or network code of two to four digits, then the rest
    as one run: "0151 23456789", "030 12345678", "020 79460958" (DIN 5008 and the habit
    of many regions with a trunk prefix), whatever groups libphonenumber would print."""
    return (
        bool(shape.prefix)
        and len(groups) == 2
        and groups[0].startswith(shape.prefix)
        and 2 <= len(groups[0]) - len(shape.prefix) <= 4
        and len(groups[1]) >= 5
    )


def _written_like(
    number: str, groups: list[str], shape: RegionShape, possible: bool = False
) -> bool:
    region = shape.region
    try:
        parsed = phonenumbers.parse(shape.dropped + number, region)
    except phonenumbers.NumberParseException:
        return False
    # Valid for the region's calling code: "07911 123456" is a Guernsey mobile, written as
    # in Britain; a Canadian number reads the same in the US.
    if not (phonenumbers.is_possible_number if possible else phonenumbers.is_valid_number)(parsed):
        return False
    if shape.dropped and not _prefix_optional(parsed, region):
        return False
    shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    shown_groups = "".join(c if c.isdigit() else " " for c in shown).split()
    if shape.dropped and shown_groups and shown_groups[0].startswith(shape.dropped):
        shown_groups[0] = shown_groups[0][len(shape.dropped) :]
        shown_groups = [g for g in shown_groups if g]
    if "".join(shown_groups) != number:
        return False  # a trunk prefix missing or added: not how the region writes it
    if _area_and_rest(shape, groups):
        # The first group is the area or network code: its length is libphonenumber's
        # destination code's, or for a mobile one less (German networks are "0151", where
        # libphonenumber groups "01512").
        area = len(groups[0]) - len(shape.prefix)
        ndc = phonenumbers.length_of_national_destination_code(parsed)
        mobile = phonenumbers.number_type(parsed) in _MOBILES
        return area == ndc or (mobile and area == ndc - 1)
    # The groups must be the region's own (its national format's, or an alternate one's).
    # Merging groups is not allowed here (it is for the default region): "2024-11-03" fits
    # the Danish "20 24 11 03" by merging. A bare run (one group; the detector reads one
    # only after a context word, "text me on 07911123456") is another region's when it
    # shows that region's trunk prefix or is a mobile: most regions' fixed lines without
    # a prefix are any nine or ten digits ("ref 123456789" is a valid Polish number).
    # Eight digits without a prefix are any count or code ("los números 12345678 y
    # 23456789"), though a mobile in Norway or Singapore; five zeros in a row are a round
    # quantity ("300000000 lines"), not a subscriber's.
    if len(groups) < 2:
        mobile = len(number) >= 9 and phonenumbers.number_type(parsed) in _MOBILES
        return "00000" not in number and (bool(shape.prefix) or mobile)
    written = cuts(groups)
    if written == cuts(shown_groups):
        return True
    if shape.dropped:
        # A mobile written without its trunk prefix is one relaxation already; an alternate
        # grouping on top of it would take "scores 87 92 88 76 91" for an Indian mobile.
        return False
    meta = PhoneMetadata.metadata_for_region(region)
    nsn = phonenumbers.national_significant_number(parsed)
    prefix = number[: len(number) - len(nsn)]  # the trunk prefix as written ("" if none)
    return meta is not None and any(
        _same_cuts(written, prefix, alt) for alt in _alternates(meta, nsn)
    )


def _prefix_optional(parsed: phonenumbers.PhoneNumber, region: str) -> bool:
    """A mobile whose format the region's metadata marks as written with or without the
    trunk prefix (India, Turkey, Russia, Vietnam): "98765 43210" as often as "098765 43210"."""
    if phonenumbers.number_type(parsed) not in _MOBILES:
        return False
    choose = getattr(phonenumberutil, "_choose_formatting_pattern_for_number", None)
    meta = PhoneMetadata.metadata_for_region(region)
    if choose is None or meta is None:
        return False
    form = choose(meta.number_format, phonenumbers.national_significant_number(parsed))
    return form is not None and bool(form.national_prefix_optional_when_formatting)


_MOBILES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def cuts(groups: list[str]) -> set[int]:
    """Digit counts at which a group ends (the last one aside)."""
    out: set[int] = set()
    total = 0
    for g in groups[:-1]:
        total += len(g)
        out.add(total)
    return out
