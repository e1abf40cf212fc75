"""Upside-down text ("prompt" written as U+0287 d U+026F o U+0279 d): letters turned half a
turn, and the text written backwards, as "flip text" generators write it. A model reads it
through, so the views read it too: each turned letter as the letter it turns (the letters
that turn into other letters, `d` and `p`, `b` and `q`, `n` and `u`, swapped), the text
reversed, and taken, as ROT13 and reversed text are (transforms.py), only when it then reads
as language.
"""

from __future__ import annotations

from safeproxy.filters.piece import Piece
from safeproxy.filters.transforms import reads_better

# Turned letter -> the letter it shows upside down.
_TURNED = {
    "ɐ": "a", "ɔ": "c", "ǝ": "e", "ɟ": "f", "ƃ": "g", "ɥ": "h", "ᴉ": "i", "ı": "i", "ɾ": "j",  # noqa: RUF001
    "ʞ": "k", "ʃ": "l", "ɯ": "m", "ɹ": "r", "ʇ": "t", "ʌ": "v", "ʍ": "w", "ʎ": "y",  # noqa: RUF001
    "∀": "A", "Ɔ": "C", "Ǝ": "E", "Ⅎ": "F", "⅁": "G", "ſ": "J", "Ꞁ": "L", "Ԁ": "P", "┴": "T",  # noqa: RUF001
    "∩": "U", "Λ": "V", "⅄": "Y",
    "d": "p", "p": "d", "b": "q", "q": "b", "n": "u", "u": "n",
    "¡": "!", "¿": "?", "˙": ".", "'": ",", ",": "'",
}  # fmt: skip
_TABLE = str.maketrans(_TURNED)
# The turned letters no other text is made of: a text needs some for the view to be tried.
# Not Λ, a Greek capital, which the caseless gate also reads as the λ of every Greek text.
TURNED_ONLY = "ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ∀ƆƎℲ⅁ꞀԀ┴∩⅄"
GATE = "[" + TURNED_ONLY + "].{0,40}[" + TURNED_ONLY + "]"


def decode_flipped(text: str, budget: int) -> list[Piece]:
    text = text[-budget:] if budget < len(text) else text
    view = text.translate(_TABLE)[::-1]
    if not reads_better(view, text):
        return []
    n = len(text)
    return [Piece("flipped", view, range(n - 1, -1, -1), range(n, 0, -1))]
