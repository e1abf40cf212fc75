"""The detector: one Hyperscan pass over a text's view, then validators on each candidate.

Findings carry spans in the original text; for streams, `scan` also says from where text
must be held back because a match could still be growing (see holdback.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from safeproxy.filters import spans
from safeproxy.filters.api import Finding
from safeproxy.filters.databases import Databases
from safeproxy.filters.gate import GateReading, GateRule
from safeproxy.filters.hold_names import NameGate
from safeproxy.filters.holds import earliest, hold_functions
from safeproxy.filters.normalize import Normalized, Normalizer
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern, Scanner
from safeproxy.filters.work import CANDIDATE_UNITS, UNCHECKED, Work


class Detector:
    """A fixed set of rules compiled into one scanner; `find` is safe to share.

    `owners[i]` names the filter that owns `rules[i]`; findings carry it, so one scan can
    serve every filter of a policy.
    """

    def __init__(
        self,
        name: str,
        rules: Sequence[Rule],
        normalizer: Normalizer,
        owners: Sequence[str] | None = None,
        fold: Callable[[str], str] | None = None,
        presence_first: bool = False,
        gate: Sequence[GateRule] = (),
        scanner: Scanner | None = None,
        *,
        for_ascii: bool = True,
        fold_keeps_ascii: bool = False,
        databases: Databases | None = None,
    ) -> None:
        """`scanner`: the rules' patterns already compiled (a reload reuses unchanged ones).
        `for_ascii`: off when only text outside ASCII reaches it (see Scanner).
        `fold_keeps_ascii`: `fold` returns ASCII text unchanged (the homoglyph map).
        `databases`: where compiled databases are kept (databases.py)."""
        self.name = name
        # Maps the normalised view to the text the patterns run on, one character for one
        # (the confusables skeleton for phrase rules); word boundaries stay judged on the view.
        self._fold = fold
        # The fold of a view known to be ASCII (None: scanned as it is, without a call).
        self._ascii_fold = None if fold_keeps_ascii else fold
        self.rules = tuple(rules)
        self.owners = tuple(owners) if owners is not None else (name,) * len(self.rules)
        self._normalizer = normalizer
        # Rules that rarely match (phrases) ask first whether anything matches at all.
        self._scanner = scanner or Scanner(
            [r.pattern for r in self.rules], presence_first=presence_first, gate=gate,
            for_ascii=for_ascii, databases=databases,
        )  # fmt: skip
        self._holds = hold_functions(self.rules)
        self._names = NameGate.of(self.rules, databases)
        self._rank = {r.pattern.rule: r.rank for r in self.rules if r.rank}
        # Each phrase pattern's rules, for the gate's report of where it first matched.
        self._by_pattern: dict[Pattern, list[int]] = {}
        for i, r in enumerate(self.rules):
            self._by_pattern.setdefault(r.pattern, []).append(i)
        # Single-match rules are reported once, by their first end, without a start: a
        # second scanner with start tracking finds it, over that match's longest reach only.
        single = [i for i, r in enumerate(self.rules) if r.pattern.single]
        self._single = {i: n for n, i in enumerate(single)}
        located = [replace(self.rules[i].pattern, single=False, som=True) for i in single]
        self._locator = Scanner(located, for_ascii=for_ascii, databases=databases)
        self._anchored = frozenset(
            i for i, r in enumerate(self.rules) if r.anchor or r.start_of is not None
        ) | frozenset(single)
        # Validators and refiners are pure functions of the span (and two characters either
        # side); a stream rescans the same spans on every event, so their answers are
        # memoised. Bounded: spans are client input.
        self._memo: dict[tuple[int, str, str], Any] = {}
        # Each scan's allowance of validator work (work.py); a seam for tests that count it.
        self.work: Callable[[int], Work] = Work

    @property
    def max_len(self) -> int:
        return self._scanner.max_len

    def find(self, text: str) -> list[Finding]:
        return self.scan(text, hold=False)[0]

    def scan(
        self,
        text: str,
        *,
        hold: bool = True,
        view: Normalized | None = None,
        gate: GateReading | None = None,
        given: Mapping[Pattern, int] | None = None,
        floor: int = 0,
    ) -> tuple[list[Finding], int]:
        """Findings sorted by start, and the original index from which text must be held
        (any index at or before `floor` may stand for all of them: the caller holds from
        `floor` at least, so the search stops at the first such hold).

        Per rule and start, the longest candidate that passes its checks is kept; a finding
        inside an earlier finding of the same rule adds nothing and is dropped. With `gate`,
        it is filled with what this detector's gate patterns read (gate.py). `given`: a
        gate's reading of a whole text (GateReading.ends), which spares this scan where it
        can (`_given`).
        """
        if view is None:
            view = self._normalizer.normalize(text)
        picked = None if given is None else self._given(given)
        if picked is not None and not picked and not hold:
            return [], len(text)  # none of these rules can match: not even folded
        norm = view.text
        data = view.ascii  # the view's bytes, where they are what the patterns read
        fold = self._fold if data is None else self._ascii_fold
        if fold is None:
            scanned = norm
        else:
            scanned, data = fold(norm), None
        if gate is None and picked is not None:
            candidates = picked
        else:
            candidates = self._scanner.candidates(scanned, data, gate)
        if not candidates:
            return [], (len(text) if not hold else self._hold(view, scanned, floor))
        findings: list[Finding] = []
        reach: dict[int, int] = {}
        runs: dict[int, list[list[int]]] = {}
        work = self.work(len(scanned))
        open_cuts: dict[int, int] = {}  # rule -> its last unchecked finding in `findings`
        stops: dict[int, spans.NextStop] = {}  # rule -> where its growth stops (one per scan)
        if self._anchored:
            candidates = self._anchor(candidates, scanned)
        for (index, s), ends in sorted(candidates.items(), key=spans.by_start):
            rule = self.rules[index]
            # Every candidate costs its bookkeeping, whether a validator runs on it or not.
            if not work.take(CANDIDATE_UNITS) and (rule.grow_left or rule.grow_right_until):
                # Nothing left to grow it with: unchecked, over as far as it could grow.
                cap = rule.pattern.max_len
                a = max(0, s - cap) if rule.grow_left else s
                b = min(len(scanned), s + cap) if rule.grow_right_until else ends[0]
                start, end = view.original_span(a, max(b, ends[0]))
                self._unchecked(findings, open_cuts, index, start, end)
                reach[index] = max(b, ends[0])
                continue
            if rule.grow_left or rule.grow_right_until:
                stop = None
                if rule.grow_right_until:
                    stop = stops.get(index)
                    if stop is None:
                        stop = stops[index] = spans.NextStop(scanned, rule.grow_right_until)
                # (A refined run needs only its longest end: growth keeps the order.)
                s, ends = spans.grown(rule, scanned, s, ends[:1] if rule.refine else ends, stop)
                if not ends:
                    continue
                # Growing, then cutting out the value, reads the span a few times over:
                # charged like a validator, so that a text made of anchors runs out. (A
                # refined run is charged once merged, by what its refiner reads.)
                if not rule.refine and not work.take(1 + (ends[0] - s) // 32):
                    start, end = view.original_span(s, ends[0])
                    self._unchecked(findings, open_cuts, index, start, end)
                    reach[index] = ends[0]
                    continue
            if rule.refine is not None:
                # Merge overlapping candidates into whole runs: the engine reports one
                # (leftmost) start per end, so values can hide inside a longer run. Without
                # start tracking (s < 0), each end's run reaches back over the rule's
                # characters, as far as its longest match.
                merged = runs.setdefault(index, [])
                if s >= 0:
                    merged.append([s, ends[0]])
                    continue
                alphabet = rule.alphabet or ""
                if rule.trailing:
                    ends = [e if scanned[e - 1] in rule.trailing else e - 1 for e in ends]
                for e in sorted(ends):
                    last = merged[-1] if merged else None
                    if (
                        last is not None
                        and last[1] <= e
                        and not scanned[last[1] : e].strip(alphabet)
                    ):
                        last[1] = e  # the same run goes on
                    else:
                        merged.append([spans.run_start(rule, scanned, e), e])
                continue
            if rule.bounded and spans.glued(norm, s - 1, -1, rule.joiners):
                continue
            if rule.not_after is not None and norm.endswith(rule.not_after, 0, s):
                continue
            if rule.context and not spans.named(norm, s, rule.context):
                continue
            for e in ends:
                if e <= reach.get(index, -1):
                    break
                if rule.bounded and spans.glued(norm, e, 1, rule.joiners + rule.end_joiners):
                    continue
                if rule.bare_context and spans.bare(norm[s:e]) and not spans.said(norm, s, rule):
                    continue
                start, end = view.original_span(s, e)
                ok = (
                    True
                    if rule.validate is None
                    else self._valid(index, scanned[s:e], text[start:end], work)
                )
                if ok is None:  # over the allowance: unchecked, so taken as found
                    self._unchecked(findings, open_cuts, index, start, end)
                    reach[index] = e
                    break
                if not ok:
                    if rule.longest_only:
                        break
                    continue
                a, b = s, e
                if rule.value is not None:
                    va, vb = rule.value(norm[s:e])
                    a, b = s + va, s + vb
                if rule.until is not None:
                    b = spans.block_end(norm, e, rule.until)
                if (a, b) != (s, e):
                    start, end = view.original_span(a, b)
                findings.append(self._finding(index, start, end))
                reach[index] = e
                break
        for index, pieces in runs.items():
            for s, e in spans.merge(pieces):
                rule = self.rules[index]
                if rule.bare_context and spans.unsaid_digits(norm, s, e, rule):
                    continue  # digits alone, no context word: nothing to spend on them
                if work.exhausted:  # nothing left to check it with: unchecked, at no cost
                    start, end = view.original_span(s, e)
                    self._unchecked(findings, open_cuts, index, start, end)
                    continue
                found, cut = self._refined(index, scanned, s, e, work)
                if cut is not None and cut < e:
                    # Over the allowance: the rest of the run is unchecked, taken as found.
                    start, end = view.original_span(cut, e)
                    self._unchecked(findings, open_cuts, index, start, end)
                for a, b in found:
                    if b <= reach.get(index, -1):
                        continue
                    bare = rule.bare_context and spans.bare(norm[a:b])
                    if (bare and not spans.said(norm, a, rule)) or spans.owned(norm, a, rule):
                        continue
                    if rule.context and not spans.named(norm, a, rule.context):
                        continue
                    start, end = view.original_span(a, b)
                    findings.append(self._finding(index, start, end))
                    reach[index] = b
        findings.sort(key=lambda f: (f.start, f.end))
        if len(findings) > 1:
            findings = _one_per_value(findings, self._rank)
        if not hold:
            return findings, len(text)
        return findings, self._hold(view, scanned, floor)

    def _given(self, given: Mapping[Pattern, int]) -> dict[tuple[int, int], list[int]] | None:
        """Candidates from the gate's reading: none where none of these rules' patterns
        matched there; their first ends where each was read exactly; else None (this
        scan's own must run).

        A text of phrase words (an order's first word, repeated) costs the engine's phrase
        automata a start at every word, in each database that reads it: reading it once, in
        the gate, instead of again per phrase database, halves its time (issue 13)."""
        found: dict[tuple[int, int], list[int]] = {}
        for pattern, end in given.items():
            mine = self._by_pattern.get(pattern)
            if mine is None:
                continue
            if end < 0:
                return None
            for index in mine:
                found[(index, -1)] = [end]
        return found

    def _anchor(
        self, candidates: dict[tuple[int, int], list[int]], text: str
    ) -> dict[tuple[int, int], list[int]]:
        """Give start-less matches of anchored rules their start: the anchor before the end."""
        out: dict[tuple[int, int], list[int]] = {}
        for (index, s), ends in candidates.items():
            if s >= 0 or index not in self._anchored:
                out[(index, s)] = ends
                continue
            rule = self.rules[index]
            if index in self._single:
                at, longest = self._locate(index, text, ends[0])
                out[(index, at)] = longest
                continue
            for at, e in spans.anchored(rule, text, ends):
                out.setdefault((index, at), []).append(e)
        for key, ends in out.items():
            if key[0] in self._anchored:
                ends.sort(reverse=True)
        return out

    def _locate(self, index: int, text: str, end: int) -> tuple[int, list[int]]:
        """The start and ends (longest first) of a single-match rule's first match, which
        the engine reported by its first end: the leftmost start of a match ending there,
        and every end from that start, as a full scan gives them. One small scan, over the
        longest match either side (a match cannot reach further)."""
        reach = self.rules[index].pattern.max_len
        base = max(0, end - reach)
        local = self._single[index]
        found = {
            s: ends
            for (i, s), ends in self._locator.candidates(text[base : end + reach]).items()
            if i == local
        }
        starts = [s for s, ends in found.items() if end - base in ends]
        if not starts:  # cannot happen (the same pattern): the reported end alone
            return max(0, end - 1), [end]
        first = min(starts)
        return base + first, [base + e for e in found[first]]

    def _hold(self, view: Normalized, scanned: str, floor: int = 0) -> int:
        # A stream asks on every event. Most of the time some rule's trailing run already
        # reaches back into released text (a word in progress), and then the rest cannot
        # change the answer. Only the identity map (ASCII) compares `floor` directly.
        limit = floor if view.sources is None else 0
        holds = self._holds if self._names is None else self._names.holds(scanned)
        return spans.to_original(view, earliest(holds, scanned, limit))

    def _valid(self, index: int, norm: str, orig: str, work: Work) -> bool | None:
        """None: the scan's allowance is spent, the candidate stays unchecked."""
        key = (index, norm, orig)
        hit: bool | None = self._memo.get(key)
        if hit is None:
            # Validators are linear in the span: charged by its length.
            if not work.take(1 + len(orig) // 32):
                return None
            validate = self.rules[index].validate
            assert validate is not None
            hit = self._remember(key, validate(norm, orig))
        return hit

    def _refined(
        self, index: int, norm: str, s: int, e: int, work: Work
    ) -> tuple[list[tuple[int, int]], int | None]:
        base = max(0, s - 2)
        key = (index, norm[base : e + 2], spans.refine_key(self.rules[index], norm, s, base))
        hit: list[tuple[int, int]] | None = self._memo.get(key)
        cut = None
        if hit is None:
            found, cut = spans.refined_spans(self.rules[index], norm, s, e, work)
            hit = [(a - base, b - base) for a, b in found]
            # An answer cut short is not the run's answer. A long run is not kept: the memo
            # holds its text (a wallet's window spans a whole text about seeds).
            if cut is None and e - s <= 4096:
                self._remember(key, hit)
        return [(a + base, b + base) for a, b in hit], cut

    def _remember(self, key: tuple[int, str, str], value: Any) -> Any:
        if len(self._memo) >= 4096:
            self._memo.clear()
        self._memo[key] = value
        return value

    def _unchecked(
        self, findings: list[Finding], open_cuts: dict[int, int], index: int, start: int, end: int
    ) -> None:
        """Report [start, end) as found, unchecked; overlapping ones merge into one finding
        (a text made of candidates would otherwise make one object per candidate)."""
        at = open_cuts.get(index)
        if at is not None and start <= findings[at].end:
            last = findings[at]
            findings[at] = last._replace(end=max(last.end, end))
            return
        open_cuts[index] = len(findings)
        findings.append(self._finding(index, start, end, UNCHECKED))

    def _finding(self, index: int, start: int, end: int, suffix: str = "") -> Finding:
        rule = self.rules[index]
        return Finding(
            rule.type, rule.pattern.rule + suffix, start, end, rule.severity, self.owners[index]
        )


def _one_per_value(findings: list[Finding], rank: Mapping[str, float]) -> list[Finding]:
    """Two rules naming one value with one type (ours and detect-secrets' for an AWS key
    id) make one finding, the more severe, then the higher ranked (Rule.rank, by rule id);
    a record counts values, not rules."""
    kept: dict[tuple[str, int, int, str], Finding] = {}
    for f in findings:
        key = (f.type, f.start, f.end, f.filter)
        known = kept.get(key)
        if (
            known is None
            or f.severity > known.severity
            or (f.severity == known.severity and rank.get(f.rule, 0.0) > rank.get(known.rule, 0.0))
        ):
            kept[key] = f
    return findings if len(kept) == len(findings) else list(kept.values())
