"""Where runs of number words can stand: windows around the pairs the numwords gate matches.

The numwords decoder reads a text item by item in Python (numwords.py). In prose most number
words stand alone ("un chat", "one or two questions"), and French, Spanish or Portuguese text
holds one every few dozen characters. Read whole, such a text spent the decoder's budget on
words that make no run, and a long one was refused as an Overload although it held nothing.

Every run the decoder keeps holds a pair: two number words apart by separators alone, what
its gate matches. So one Hyperscan scan lists where pairs end, and from each the window is
widened token by token over what a run may hold (number words, connectives, numerals,
separators), until a token no run holds stands on either side. No run crosses such a token,
so decoding each window alone reads every run the whole text holds, and a lone word
elsewhere costs no Python step.
"""

from __future__ import annotations

import contextlib
import re

import hyperscan

from safeproxy.filters.scratches import Scratches

# The left walk reads this many characters back at first, four times more each time that
# is not enough (a run of number words longer than that: rare, and read anyway).
_FIRST_REACH = 64


class PairWindows:
    """The windows of a text that hold every pair of number words and the runs around them."""

    def __init__(self, gate: str, ascii_gate: str, words: frozenset[str], seps: str) -> None:
        """`gate`, `ascii_gate`: the decoder's gate (two number words apart by separators);
        `words`: the letter runs a run may hold (lower case); `seps`: the separators it may
        hold between them."""
        caseless = int(hyperscan.HS_FLAG_CASELESS)
        self._db = _compile(gate, caseless | int(hyperscan.HS_FLAG_UTF8))
        self._db_ascii = _compile(ascii_gate, caseless)
        self._words = words
        self._rwords = frozenset(w[::-1] for w in words)
        # A letter run; a stretch of numerals and separators (one step, however long: a
        # table of figures costs no Python step per figure); any other character, which
        # stops a run.
        self._token = re.compile(rf"([^\W\d_]+)|[0-9{re.escape(seps)}]+|(.)", re.S)
        self._letters = re.compile(r"[^\W\d_]*")
        self._scratches = Scratches()

    def find(self, text: str, most: int) -> tuple[list[tuple[int, int]], bool, int]:
        """Disjoint [start, end) windows in order; whether `most` stopped the search (the
        windows then end where it stood); and the steps taken. `most` bounds both the
        pairs listed and the tokens the walks read."""
        ends = self._pair_ends(text, most)
        if ends is None:
            return [(0, len(text))], False, 0  # not valid UTF-8 (lone surrogates): whole
        steps = [0]
        windows: list[tuple[int, int]] = []
        edge = 0
        for end in ends:
            if end <= edge:
                continue  # inside the last window
            m = self._letters.match(text, end)  # a pair may end inside a word ("oneself")
            at = m.end() if m else end
            start = self._walk_left(text, at, edge, steps, most)
            stop = self._walk_right(text, at, steps, most)
            if stop > start:
                windows.append((start, stop))
            edge = max(stop, at)
            if steps[0] > most:
                return windows, True, steps[0]
        return windows, len(ends) > most, steps[0]

    def _pair_ends(self, text: str, most: int) -> list[int] | None:
        """Where the gate's matches end, in characters, in order (at most `most` + 1)."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        ascii = len(data) == len(text)
        db = self._db_ascii if ascii else self._db
        ends: list[int] = []

        def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            if ends and ends[-1] == end:
                return False
            ends.append(end)
            return len(ends) > most  # True stops the scan

        with contextlib.suppress(hyperscan.ScanTerminated):  # (`find` tells by the count)
            db.scan(data, match_event_handler=on_match, scratch=self._scratches.get(db))
        if ascii or not ends:
            return ends
        # Byte offsets to character offsets, in one forward pass.
        out: list[int] = []
        byte = char = 0
        for offset in sorted(set(ends)):
            char += len(data[byte:offset].decode("utf-8", "ignore"))
            byte = offset
            out.append(char)
        return out

    def _walk_right(self, text: str, at: int, steps: list[int], most: int) -> int:
        """Where the first token from `at` that no run holds begins (or the text's end; or
        where the walk stood when the steps ran out)."""
        words = self._words
        for m in self._token.finditer(text, at):
            steps[0] += 1
            word, other = m.group(1, 2)
            if other is not None or (word is not None and word.lower() not in words):
                return m.start()
            if steps[0] > most:
                return m.end()
        return len(text)

    def _walk_left(self, text: str, at: int, floor: int, steps: list[int], most: int) -> int:
        """Where a run that may reach `at` begins: just after the last token before `at`
        that no run holds (not before `floor`, the end of the last window; or where the
        walk stood when the steps ran out)."""
        reach = _FIRST_REACH
        rwords = self._rwords
        while True:
            lo = max(floor, at - reach)
            back = text[lo:at][::-1]
            for m in self._token.finditer(back):
                steps[0] += 1
                word, other = m.group(1, 2)
                if other is not None or (word is not None and word.lower() not in rwords):
                    if m.end() < len(back) or lo == floor:  # a whole token: it stops the run
                        return at - m.start()
                    break  # perhaps a word cut by the reach: read further back
                if steps[0] > most:
                    return at - m.end()
            else:
                if lo == floor:
                    return floor
            reach *= 4


def _compile(pattern: str, flags: int) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[pattern.encode()], ids=[0], elements=1, flags=[flags])
    return db
