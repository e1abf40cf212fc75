"""How a phrase pattern of the injection families is written: a space stands for any run of
separators on the skeleton, and contractions are read in each of their spellings."""

from __future__ import annotations

import re

# Between two words: any run of spaces, punctuation or symbols (never a letter or digit).
SEP = r"[^a-z0-9]+"
# Where a phrase ends: punctuation that closes a clause, or the end of the text (after any
# whitespace: a line break inside the text is a space once normalised). Not a class with a
# space in it (a space in a phrase pattern becomes SEP), nor "!", which the skeleton reads
# as the leetspeak "i".
END = r"([.?,;:)]|\s*$)"
# A separator run that may be empty: " ?" in a phrase pattern ("role ?play" is also
# "roleplay"; as `SEP?` it would read `[^a-z0-9]+?`, which still needs one).
_MAYBE_SEP = r"[^a-z0-9]*"
_HOLE = "\x00"
# Contractions: on the skeleton "you're" reads "you re", and people also write "youre" and
# "dont". A phrase written with the full form matches each way of writing it.
_CONTRACTIONS = (
    (re.compile(r"\byou are\b"), f"you( a|{_HOLE})re"),
    (re.compile(r"\bdo not\b"), f"(do no|don{_HOLE})t"),
    (re.compile(r"\bdoes not\b"), f"(does no|doesn{_HOLE})t"),
    (re.compile(r"\bwill not\b"), f"(will no|won{_HOLE})t"),
    (re.compile(r"\blet s\b"), f"let( u|{_HOLE})s"),
)


def phrase_regex(words: str) -> str:
    """A space in a phrase pattern stands for any separator run, " ?" for an optional one;
    contractions are read in each of their spellings."""
    words = words.replace(" ?", _HOLE)
    for full, forms in _CONTRACTIONS:
        words = full.sub(forms, words)
    return words.replace(" ", SEP).replace(_HOLE, _MAYBE_SEP)
