"""The strongest orders written without the spaces between their words: "ignoreallprevious
instructions" as a hashtag or a domain, and letter-spaced text whose gaps are all alike
("i g n o r e a l l p r e v i o u s"), which the spaced view (transforms.py) can only join
into one run. A model reads either without effort; the families of injection.py need a
separator between words.

Each phrase here is the core of a strong family (an order set aside, the hidden prompt
asked for, DAN) with every separator optional (" ?": none, or any run of them), so the
same phrase read spaced matches too; the type is the family's, so the score counts it
once. Long, specific runs of words only: a short phrase glued ("nolimits") is a brand's.

Patterns as injection.FAMILIES, on the skeleton.
"""

from __future__ import annotations

_VERB = r"(ignore|disregard|forget)"
_BEFORE = r"(previous|prior|above|earlier|preceding|initial|original)"
_ORDERS = r"(instructions|prompts?|directives|guidelines)"
_EXTRACT = r"(reveal|show|print|repeat|output|display|leak|dump|tell ?me|give ?me)"
_HIDDEN = r"(full ?|entire ?|exact ?|complete ?|hidden ?|secret ?|initial ?|original ?)?"

FAMILIES: tuple[tuple[str, str, str, float], ...] = (
    ("injection.ignore_previous", "ignore.glued",
     _VERB + r" ?(all ?|any ?|the ?|your ?)?" + _BEFORE + " ?" + _ORDERS, 1.0),
    ("injection.system_prompt_extraction", "extract.glued",
     _EXTRACT + r" ?(me ?)?your ?" + _HIDDEN + r"(system ?prompt|system ?message"
     r"|instructions)", 1.0),
    ("injection.persona", "persona.glued", r"do ?anything ?now|you ?are ?now ?dan", 1.0),
)  # fmt: skip

# What the phrase gate reads instead: the last words, which every match holds ("ignore"
# first would wake the gate at every word of a text made of it).
GATES: dict[str, str] = {
    "ignore.glued": _BEFORE + " ?" + _ORDERS,
    "extract.glued": r"(system ?prompt|system ?message|instructions)",
}
