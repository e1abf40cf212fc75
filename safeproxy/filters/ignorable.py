"""Characters a reader does not see, besides format characters: dropped from the view.

A value split by something that renders as nothing still reads whole to a person and to a
model ("jane<U+3164>@acme.io", "4111<ESC>1111..."). Format characters (Cf: zero-width
spaces, joiners, bidi controls) and variation selectors are dropped by their category; this
module names the rest:

- the other Default_Ignorable_Code_Point characters of Unicode (DerivedCoreProperties.txt):
  the combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the Mongolian
  free variation selectors, and the reserved ranges that will render as nothing when they
  are assigned;
- the control characters (Cc) that are not whitespace (C0 but tab, line feed, vertical tab,
  form feed and carriage return and the information separators; DEL; C1 but NEL), which
  render as nothing or as a box, and which tokenizers pass along or drop: either way the
  text around one reads as one.

NUL stays: it is the separator between the texts that one scan reads (chain._JOINER,
views.JOINER), which no PII or secret rule spans, and the normaliser's own marker.
"""

from __future__ import annotations

import unicodedata

# Default_Ignorable_Code_Point characters that are neither Cf nor variation selectors.
IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors (and the vowel separator, Cf)
    (0x2065, 0x2065),  # reserved
    (0x3164, 0x3164),  # Hangul filler
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFF8),  # reserved
    (0xE0000, 0xE0FFF),  # tags, supplementary variation selectors and reserved (tags decode)
)


def ignorable(cp: int) -> bool:
    """Whether code point `cp` is one of IGNORABLE_RANGES."""
    return any(a <= cp <= b for a, b in IGNORABLE_RANGES)


def invisible_control(ch: str) -> bool:
    """Whether `ch` is a control character that is neither whitespace nor NUL."""
    return ch != "\x00" and not ch.isspace() and unicodedata.category(ch) == "Cc"
