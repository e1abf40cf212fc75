"""Cryptocurrency wallet secrets: a seed phrase after a word that says what it is.

A seed phrase (BIP-39) is 12 to 24 words from a fixed list of 2,048 (data/bip39_english.txt,
built by scripts/build_seed_words.py); whoever reads it owns the wallet. No vendor prefix
marks it, and each word is an ordinary one ("legal winner thank year ..."). Two things make
it one: a word before it that names it (seed, mnemonic, recovery, backup, wallet,
passphrase, BIP-39), and a run of at least 12 words all from the list. After a word that
names any list ("words:", "the phrase"), a teacher's spelling list could be such a run too:
there the run must also hold BIP-39's own checksum (the last word's bits are the first bits
of the SHA-256 of the others'), which a made-up list of twelve holds by chance about one
time in six (three windows of the run are tried, see `checksum`). English prose
breaks such a run within a few words: no word of two letters and none of "the", "and",
"of", "is", "to", "in", "for", "my" is on the list. Up to four words may stand between the
name and the run ("seed phrase for my ledger is: ..."), numbers and punctuation between
its words ("1. legal 2. winner", "legal, winner"). Only the run is the finding.

A hex private key after its name ("private key 0x...") is secrets_keyed's; a WIF key after
a credential word, random_token's (both cases and digits). An extended private key
(`xprv...`) standing alone is not read: its prefix is an anchor that a text can repeat
18,000 times a MiB, and each candidate costs the scan about 6 µs (benchmarks/worst_case.py,
`xprv-runs`: 120 ms at 1 MiB against 29 without the rule).
"""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files

from safeproxy.filters.api import Severity
from safeproxy.filters.holds import Named
from safeproxy.filters.rules import ALNUM, Rule
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.work import Work

DATA = "filters/data/bip39_english.txt"
MIN_WORDS, MAX_WORDS = 12, 24
# Words that may stand between the name and the run ("phrase for my ledger is").
_FILLERS = 4
# What may stand between two words of a run: a space, a comma, a number ("2. ").
_GAP_MAX = 6
# The name before the phrase (normalised view: lower case, a line break read as a space).
_NAMES = r"(seeds?|mnemonics?|recovery|backup|wallet|phrases?|words?|passphrase|bip ?-?39)"
_WEAK_NAMES = frozenset(("phrase", "phrases", "word", "words"))
# The lengths BIP-39 allows (128 to 256 bits of entropy and 4 to 8 bits of checksum).
_LENGTHS = (24, 21, 18, 15, 12)
_NAME = re.compile(r"(?<![a-z])" + _NAMES + r"(?![a-z])")
_WORD = re.compile(r"[a-z]+")
# One name's run read (up to 29 words, a dict lookup each), in the scan's allowance units.
RUN_UNITS = 8
# The run and its name, at their longest: 4 fillers, 24 words of 8 letters, numbered.
_SPAN = 480
# A run ends at these (not at a quote's other side: "seed: 'legal ...'", nor at an arrow).
_STOPS = "\x00{}[]|"


def load_words() -> tuple[str, ...]:
    """The BIP-39 English list in its order (a word's index is its 11 bits), from the
    packaged file (comment lines skipped)."""
    text = files("safeproxy").joinpath(DATA).read_text(encoding="utf-8")
    return tuple(w for w in text.split("\n") if w and not w.startswith("#"))


class SeedPhrase:
    """Finds a run of list words after a seed phrase's name: the validator, the value and the
    stream hold of one rule (one word set)."""

    __slots__ = ("words",)

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = {w: i for i, w in enumerate(words)}

    def checksum(self, run: str) -> bool:
        """Whether the run's words hold BIP-39's checksum: all of them, or all but the first
        (a filler that is a list word: "valid? <seed>") or the last (a list word after the
        seed). Not every window: a long spelling list would hold one by chance."""
        listed = _WORD.findall(run)
        k = len(listed)
        return self.valid(listed) or self.valid(listed[1:]) or self.valid(listed[: k - 1])

    def valid(self, listed: list[str]) -> bool:
        """Whether these words, all from the list, are a BIP-39 mnemonic: 12 to 24 in steps
        of 3, the last n / 3 bits the first bits of the SHA-256 of the rest."""
        n = len(listed)
        if n not in _LENGTHS:
            return False
        bits = 0
        for w in listed:
            bits = bits << 11 | self.words[w]
        check = n // 3
        entropy = (bits >> check).to_bytes((n * 11 - check) // 8, "big")
        return hashlib.sha256(entropy).digest()[0] >> (8 - check) == bits & ((1 << check) - 1)

    def run(self, text: str, pos: int = 0) -> tuple[int, int] | None:
        """The run of MIN_WORDS to MAX_WORDS list words that begins within _FILLERS words after
        `pos` (the name's end), as offsets into `text`; None if there is none. Reads at most
        _FILLERS + MAX_WORDS + 1 words."""
        count, start, last = 0, -1, -1
        for index, m in enumerate(_WORD.finditer(text, pos)):
            a, b = m.span()
            listed = m.group() in self.words
            if listed and count and a - last <= _GAP_MAX:
                count += 1
                last = b
                if count == MAX_WORDS:
                    break
                continue
            if count >= MIN_WORDS:
                break
            if index > _FILLERS:  # no run may begin this late
                return None
            count, start, last = (1, a, b) if listed else (0, -1, -1)
        return (start, last) if count >= MIN_WORDS else None

    def spans(self, window: str, work: Work) -> list[tuple[int, int]]:
        """Every run after a name in a window (candidates from one name on, grown to their
        stop, merged): two seed phrases in one message are two findings. A name inside a
        run already found is one of its words ("seed", "word" and "wallet" are on the list).
        Each name tried reads at most _FILLERS + MAX_WORDS + 1 words: paid from the scan's
        allowance, and once that is spent, the rest of the window is unchecked."""
        out: list[tuple[int, int]] = []
        reach = 0
        for name in _NAME.finditer(window):
            if name.start() < reach:
                continue
            if not work.take(RUN_UNITS):
                work.cut = name.start()
                break
            found = self.run(window, name.end())
            if found is None:
                continue
            if name.group() in _WEAK_NAMES and not self.checksum(window[found[0] : found[1]]):
                continue
            if len(_WORD.findall(window, found[0], found[1])) == MAX_WORDS:
                found = (found[0], self._rest(window, found[1]))
            out.append(found)
            reach = found[1]
        return out

    def _rest(self, text: str, end: int) -> int:
        """Where a run that reached MAX_WORDS stops: a second seed glued on by list words
        ("seed one: <12 words> seed two: <12 words>", "seed", "one" and "two" are on the
        list) would otherwise leak its last words. Each word is read once: names inside
        the run are skipped."""
        last = end
        for m in _WORD.finditer(text, end):
            if m.start() - last > _GAP_MAX or m.group() not in self.words:
                break
            last = m.end()
        return last

    def start(self, text: str, end: int) -> int:
        """Where a candidate ending at `end` starts: the first name within reach (-1: none).
        The engine tracks no start (the pattern is too large for it)."""
        name = _NAME.search(text, max(0, end - _SPAN), end)
        return name.start() if name else -1

    def hold(self, norm: str) -> int:
        """Streams: from the first name in the last _SPAN characters whose run may still be
        arriving (its words so far all from the list, or still among the fillers): the value
        must not flow before it is judged; the name may (the stream's context keeps it).
        Else only the trailing word, which may be a name still arriving."""
        floor = max(0, len(norm) - _SPAN)
        for m in _NAME.finditer(norm, floor):
            if self._open(norm, m.end()):
                return m.end()
        return len(norm.rstrip(ALNUM))

    def _open(self, text: str, pos: int) -> bool:
        """Whether a run after `pos` can still reach MIN_WORDS, or grow, as more text
        arrives: every complete word so far fits (the last word may be unfinished). A run
        of MAX_WORDS still reaching the end grows too (`_rest`): released, its next words
        would leave the stream's context unjudged."""
        end = len(text.rstrip(ALNUM))  # the unfinished word is not judged
        count, last, read = 0, -1, 0
        for index, m in enumerate(_WORD.finditer(text, pos, end)):
            a, b = m.span()
            read = index + 1
            listed = m.group() in self.words
            if listed and count and a - last <= _GAP_MAX:
                count += 1
                last = b
                continue
            if count >= MIN_WORDS or index > _FILLERS:
                return False  # complete (the scan finds it), or too late to begin
            count, last = (1, b) if listed else (0, -1)
        return count > 0 or read <= _FILLERS


def wallet_rules(words: tuple[str, ...]) -> tuple[Rule, ...]:
    seed = SeedPhrase(words)
    return (
        Rule(
            "secret.seed_phrase",
            # The name, up to four words, then twelve words of three letters or more: prose
            # has a word of one or two letters every few words, so few names in prose start
            # a candidate. Too large for start tracking: the start is the name's (`start`).
            # The twelfth word ends the match whole (the character after it, or the text's
            # end), so each word reports one end, not one per letter past its third: prose
            # about seeds ("seeds overnight, then plant them along the south fence ...")
            # cost 504 ends in 4 KB, 166 now, each a start search and a growth. Not bounded
            # at the list's 8 letters nor spared "the": either makes the caseless UTF-8 form
            # too large for the engine. The match grows over the rest of the run; every run
            # in the grown window is a finding (`spans`).
            Pattern(
                "secret.seed_phrase",
                _NAMES + r"([^a-z]+[a-z]+){0,4}([^a-z]+[a-z]{3,}){12}([^a-z]|$)",
                _SPAN,
                som=False,
            ),
            Severity.CRITICAL,
            refine=seed.spans,
            # The window's names are found by one C search; each name tried pays RUN_UNITS.
            run_chars_per_unit=64,
            hold=Named(seed.hold, rf"(^|[^a-z]){_NAMES}", _SPAN, ALNUM),
            start_of=seed.start,
            start_first=True,
            grow_right_until=_STOPS,
        ),
    )
