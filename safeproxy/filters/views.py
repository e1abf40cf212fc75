"""Decoded views: the stage's detectors run again over what encoded runs of a text decode to.

A model reads base64, hex, ROT13, reversed, letter-spaced text, numbers written as words
and payloads hidden in variation selectors without effort, so the filters read them too.
One Hyperscan scan of the raw text asks every decoder's gate at once; only the decoders
whose gate matched run (ordinary prose pays that one scan). Their pieces are scanned by the
stage's own finder, joined in one text, and each finding maps back to the encoded span that
carried it: redaction cuts that span, a block blocks, and a stream holds it until decided.
A decoder marked `input_only` (decoders.Decoder) is in the input stage's views alone
(policy.Compiler._decoded): the output stage, streams included, neither reads it nor holds
back for it.

Decoding nests (a base64 run that decodes to hex is decoded again) up to `depth`, and stops
at `max_chars` decoded characters per scan: a text that decodes to more is a filter error
(Overload), decided by the filters' `on_error`, never passed half read.
"""

from __future__ import annotations

from collections.abc import Sequence

import hyperscan

from safeproxy.filters.api import Finding
from safeproxy.filters.databases import Databases, given_or_default
from safeproxy.filters.decoded import no_tail
from safeproxy.filters.decoders import Decoder
from safeproxy.filters.holdback import Finder
from safeproxy.filters.holds import as_hold, earliest
from safeproxy.filters.normalize import Normalized, Normalizer
from safeproxy.filters.piece import Piece
from safeproxy.filters.projection import CASE_TWINS, ascii_only, project
from safeproxy.filters.scanner import Overload
from safeproxy.filters.scratches import Scratches

# Between pieces in the one text their scan reads: no PII or secret rule spans it.
JOINER = "\x00"


class Gate:
    """One presence-only scan for every decoder's gate; says which decoders may apply."""

    def __init__(
        self,
        decoders: Sequence[Decoder],
        project: bool = True,
        databases: Databases | None = None,
    ) -> None:
        """`project`: read text outside ASCII as its projection where a gate can (off: all
        as UTF-8, the reference the projection is tested against). `databases`: where
        compiled databases are kept (databases.py; None: where the environment says)."""
        built = given_or_default(databases)
        base = int(hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_CASELESS)
        utf8 = base | int(hyperscan.HS_FLAG_UTF8)
        # ASCII text (most of it) scans faster without UTF-8 decoding in the engine, with the
        # gates that can match it at all.
        self._ascii_ids = [i for i, d in enumerate(decoders) if d.ascii]
        ascii = [decoders[i].ascii_gate or decoders[i].gate for i in self._ascii_ids]
        self._ascii = _compile(built, ascii, base) if ascii else None
        self._utf8 = _compile(built, [d.gate for d in decoders], utf8)
        # Other text: the gates written in ASCII read its projection (as the scanner's
        # patterns do: scanner.py), the rest its UTF-8.
        narrow = [i for i, d in enumerate(decoders) if project and ascii_only(d.gate)]
        wide = [i for i in range(len(decoders)) if i not in narrow]
        self._parts: list[tuple[hyperscan.Database, list[int] | None, bool]] = [
            (_compile(built, [decoders[i].gate for i in ids], flags), ids, projected)
            for ids, flags, projected in ((narrow, base, True), (wide, utf8, False))
            if ids
        ]
        self._scratches = Scratches()

    def open(self, text: str, raw: bytes | None = None) -> list[int]:
        """The indices of the decoders whose gates match `text`, in order. `raw`: the text's
        bytes, where the caller knows it is ASCII (normalize.Normalized.raw)."""
        hits: list[int] = []
        if raw is not None or text.isascii():  # (its UTF-8 is as long as the text)
            if self._ascii is None:
                return hits
            ids = self._ascii_ids

            def on_match(index: int, *_rest: object) -> None:
                hits.append(ids[index])

            data = text.encode("ascii") if raw is None else raw
            db, sc = self._ascii, self._scratches
            # (_scan, inline: every text of every request comes here)
            db.scan(
                data, match_event_handler=on_match, scratch=None if sc.local.home else sc.get(db)
            )
        else:
            data = text.encode("utf-8", "surrogatepass")
            parts = self._parts
            if any(c in text for c in CASE_TWINS):  # read as ASCII letters by UTF-8 alone
                parts = [(self._utf8, None, False)]
            for db, wanted, projected in parts:
                self._scan(db, project(data) if projected else data, wanted, hits)
        if hits:  # (prose opens none)
            hits.sort()
        return hits

    def _scan(
        self, db: hyperscan.Database, data: bytes, ids: list[int] | None, hits: list[int]
    ) -> None:
        def on_match(index: int, *_rest: object) -> None:
            hits.append(index if ids is None else ids[index])

        self._scratches.scan(db, data, on_match)


def _compile(databases: Databases, patterns: Sequence[str], flags: int) -> hyperscan.Database:
    return databases.compile([p.encode() for p in patterns], [flags] * len(patterns))


class Views:
    """The decoders of a policy, their gate, and the caps on decoding."""

    def __init__(
        self,
        decoders: Sequence[Decoder],
        max_chars: int,
        depth: int = 2,
        databases: Databases | None = None,
    ) -> None:
        self.decoders = tuple(decoders)
        self.max_chars = max_chars
        self.depth = depth
        self._gate = Gate(self.decoders, databases=databases) if self.decoders else None
        # Whole-text transforms (ROT13) hold nothing of their own; decoders that share one
        # tail (the reversed and the flipped text's) are asked it once.
        tails = (as_hold(d.tail) for d in self.decoders if d.tail is not no_tail)
        self._tails = list(dict.fromkeys(tails))
        # The last text and its pieces (policies with the same views share this object: a
        # shadow candidate's scan reads what the active one decoded). One tuple, replaced whole.
        self._last: tuple[str, tuple[Piece, ...]] = ("", ())

    def pieces(self, text: str, raw: bytes | None = None) -> list[Piece]:
        """Every piece the text decodes to, nested pieces included, in text coordinates.
        `raw`: the text's bytes, where the caller knows it is ASCII."""
        if self._gate is None or not text:
            return []
        last_in, last_out = self._last
        if text == last_in:
            return list(last_out)
        # Ordinary prose opens no gate: it pays the one scan, and nothing is built for it.
        opened = self._gate.open(text, raw)
        out = self._pieces(text, opened) if opened else []
        self._last = (text, tuple(out))
        return out

    def _pieces(self, text: str, opened: list[int]) -> list[Piece]:
        """`opened`: the decoders whose gates the text itself opens."""
        budget = [self.max_chars]
        out: list[Piece] = []
        level = [Piece("text", text, range(len(text)), range(1, len(text) + 1))]
        for depth in range(self.depth):
            found: list[Piece] = []
            for outer in level:
                gates = opened if depth == 0 else None
                for inner in self._decode(outer.text, budget, gates):
                    found.append(inner if depth == 0 else _compose(outer, inner))
            if not found:
                break
            out += found
            level = found
        if budget[0] <= 0:
            # Past the cap, what is left would go unread: a filter error, decided by the
            # filters' on_error (closed: refused), as an overload of candidates is.
            raise Overload(f"over {self.max_chars} decoded characters")
        return out

    def _decode(self, text: str, budget: list[int], opened: list[int] | None = None) -> list[Piece]:
        """`opened`: the decoders whose gates `text` opens, if known."""
        assert self._gate is not None
        out: list[Piece] = []
        for index in self._gate.open(text) if opened is None else opened:
            if budget[0] <= 0:
                break
            for piece in self.decoders[index].decode(text, budget[0]):
                if not piece.text or piece.text == text:
                    continue
                if len(piece.text) > budget[0]:  # the cap holds whatever a decoder returns
                    n = max(budget[0], 0)
                    piece = Piece(piece.kind, piece.text[:n], piece.starts[:n], piece.ends[:n])
                if piece.text:
                    out.append(piece)
                budget[0] -= len(piece.text)
        return out

    def tail(self, text: str, floor: int = 0, held: int | None = None) -> int:
        """Streams: the earliest index from which an encoded run could still be growing (or
        `held`, where the caller already holds from; or `floor`, as soon as one reaches back
        that far: the caller holds from there anyway)."""
        return earliest(self._tails, text, floor, held)


def _compose(outer: Piece, inner: Piece) -> Piece:
    """`inner` was decoded from outer.text: its spans, in outer's original."""
    starts = [outer.starts[s] for s in inner.starts]
    ends = [max(outer.ends[s:e]) for s, e in zip(inner.starts, inner.ends, strict=True)]
    return Piece(inner.kind, inner.text, starts, ends)


class ViewFinder:
    """A stage's finder, and the same finder over the text's decoded views (Finder protocol)."""

    def __init__(self, base: Finder, views: Views, normalizer: Normalizer) -> None:
        self._base = base
        self._views = views
        # The text is normalised here, once for the base finder and the views' gate (which
        # reads the ASCII bytes the normaliser encoded).
        self._normalizer = normalizer

    @property
    def base(self) -> Finder:
        return self._base

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        if view is None:
            view = self._normalizer.normalize(text)
        found, held = self._base.scan(text, hold=hold, view=view, floor=floor)
        if hold and held > floor:
            held = max(floor, self._views.tail(text, floor, held))
        pieces = self._views.pieces(text, view.raw)
        if not pieces:
            return found, held
        if hold:
            for p in pieces:
                # A piece whose encoded run reaches the end may still grow: hold from where a
                # match inside it could (the stage's own rule, read on the decoded text).
                if max(p.ends[0], p.ends[-1]) < len(text):
                    continue
                grows = self._base.scan(p.text, hold=True)[1]
                if grows < len(p.text):
                    held = min(held, max(floor, min(p.starts[grows:])))
        joined = JOINER.join(p.text for p in pieces)
        starts: list[int] = []
        ends: list[int] = []
        for i, p in enumerate(pieces):
            if i:  # the joiner stands for the last character of the piece before it
                starts.append(starts[-1])
                ends.append(ends[-1])
            starts.extend(p.starts)
            ends.extend(p.ends)
        more = self._base.scan(joined, hold=False)[0]
        if not more:
            return found, held
        # Per filter: what one filter finds never depends on the others (a shadow candidate
        # reuses the active policy's findings of the filters the two share).
        seen = {(f.filter, f.type, f.start, f.end) for f in found}
        for f in more:
            # min and max: a reversed piece runs backwards through the original.
            start, end = min(starts[f.start : f.end]), max(ends[f.start : f.end])
            if (f.filter, f.type, start, end) not in seen:
                seen.add((f.filter, f.type, start, end))
                found.append(f._replace(start=start, end=end))
        found.sort(key=lambda f: (f.start, f.end))
        return found, held
