"""Compiles detect-secrets' regex plugins into safeproxy/filters/data/detect_secrets.json.

detect-secrets (Yelp, Apache-2.0) is only read here, at build time: the proxy loads the
generated file and never imports it. Each plugin's `denylist` is parsed with Python's own
regex parser and written back in the syntax both Python and Hyperscan accept:

- a lookbehind or a delimiter group (`(?:\\s|=|:|"|^)`) opening the pattern, and a negative
  lookahead or delimiter group closing it, become the rule's word-boundary check (`bounded`);
  a trailing `.*` adds nothing to a match and is dropped; lazy repeats become greedy
  (Hyperscan reports every match, so laziness means nothing to it);
- a lookaround anywhere else, a backreference or an inline flag cannot be translated;
- a pattern Hyperscan refuses with start-of-match tracking (large bounded repeats) is scanned
  with those repeats loosened to `+`/`*`, and the exact pattern is checked on the candidate.

The proxy scans the case-folded view, so every rule is scanned caselessly; a case-sensitive
pattern is checked again, exactly, on the original characters of the match. Rules that our
own secret kinds already cover, and plugins that are not patterns, are reported and left out.

Usage: `python scripts/build_secret_rules.py` (writes the file and prints the table);
`--check` exits 1 if the committed file differs from what the installed version generates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import metadata, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import RegexBasedDetector

from safeproxy.filters.scanner import Pattern, compile_error

if TYPE_CHECKING:  # typeshed stubs these under their old names
    import sre_constants as c
    import sre_parse as p
else:
    from re import _constants as c
    from re import _parser as p

OUT = Path(__file__).resolve().parent.parent / "safeproxy/filters/data/detect_secrets.json"
PACKAGE = "detect-secrets"
# The licence the wheel declares (its `License:` field says UNKNOWN; the classifier and the
# LICENSE file in the dist-info say Apache 2.0): checked at build time, not assumed.
LICENCE = "Apache-2.0"
LICENCE_CLASSIFIER = "License :: OSI Approved :: Apache Software License"

# An unbounded repeat may run this far past the pattern's shortest match: the stream
# hold-back and the scanner's cap on a match's length need a bound.
UNBOUNDED_SLACK = 256
# How a scan pattern loosens repeats to `+`/`*`. Hyperscan refuses large bounded repeats with
# start-of-match tracking, and the ranges it accepts can take seconds to compile
# (`GR1348941[A-Za-z0-9_-]{20,50}`: 5 s, at every start of the proxy): ranges wider than
# LOOSE_RANGE always, every repeat only when the pattern fails to compile otherwise. Not all
# at once: `AC[a-z0-9]{32}` loosened reports a match at every letter after "ac" in prose
# (34 us per 4 KB).
LOOSE_WIDE, LOOSE_ALL = 1, 2
LOOSE_RANGE = 16

# Plugins that are not lists of patterns (entropy and keyword heuristics): our
# `random_token`, `keyword_value` and `url_token` kinds do that work.
NOT_PATTERNS = ("Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector")

# (plugin, denylist index) -> why the rule is left out although it could compile: mostly, one
# of our kinds already catches every value it does (tests/unit/test_detect_secrets.py checks
# each sample against our own rules).
LEFT_OUT: dict[tuple[str, int], str] = {
    ("BasicAuthDetector", 0): "covered by url_credentials (which also skips placeholders)",
    ("GitHubTokenDetector", 0): "covered by github_token (the same five prefixes)",
    ("JwtTokenDetector", 0): (
        "covered by jwt; detect-secrets also decodes the parts as JSON, which no pattern can"
    ),
    ("OpenAIDetector", 0): "covered by openai_key (any random sk- token)",
    ("StripeDetector", 0): "covered by stripe_key (sk_/rk_ live and test keys)",
    ("SlackDetector", 1): (
        "covered by webhook_token (which cuts only the token, not the workspace and channel ids)"
    ),
    **{
        ("PrivateKeyDetector", i): "covered by private_key (the PEM block, to its END line)"
        for i in range(7)
    },
    ("IPPublicDetector", 0): "not a secret: a public IPv4 address (the pii filter's ipv4)",
    # Measured, not guessed: its optional prefix (`ibm`, `cloud_iam`, ... or nothing) before
    # the key word makes start-of-match tracking cost ~15 us per 4 KB prompt, a third of the
    # default policy's 50 us budget.
    ("IbmCloudIamDetector", 0): (
        "too costly for the fast path (~15 us per 4 KB); keyword_value and random_token catch"
        " `ibm_api_key = <value>`, not `cloud_pass = <value>`"
    ),
}

# Finding types where detect-secrets' name is not ours for the same kind of value (merged
# with our rule's type, so a redaction or a record reads the same whichever rule found it).
TYPES: dict[tuple[str, int], str] = {
    ("AWSKeyDetector", 0): "secret.aws_access_key",
    ("AWSKeyDetector", 1): "secret.aws_secret_key",
    ("NpmDetector", 0): "secret.npm_token",
    ("SlackDetector", 0): "secret.slack_token",
}

_CATEGORIES = {
    c.CATEGORY_DIGIT: r"\d",
    c.CATEGORY_NOT_DIGIT: r"\D",
    c.CATEGORY_SPACE: r"\s",
    c.CATEGORY_NOT_SPACE: r"\S",
    c.CATEGORY_WORD: r"\w",
    c.CATEGORY_NOT_WORD: r"\W",
}
# What each category contributes to a rule's alphabet (the case-folded view, where every
# space is " "); None: any character.
_CATEGORY_CHARS: dict[Any, str | None] = {
    c.CATEGORY_DIGIT: "0123456789",
    c.CATEGORY_SPACE: " ",
    c.CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyz0123456789_",
}
_ANCHORS = {
    c.AT_BEGINNING: "^",
    c.AT_BEGINNING_STRING: "^",
    c.AT_END: "$",
    c.AT_END_STRING: "$",
    c.AT_BOUNDARY: r"\b",
    c.AT_NON_BOUNDARY: r"\B",
}
_SPECIAL = frozenset(".^$*+?{}[]\\|()#")
_CLASS_SPECIAL = frozenset("]\\^-[")


class Untranslatable(Exception):
    """A construct with no Hyperscan equivalent (the message says which)."""


@dataclass(frozen=True, slots=True)
class Translated:
    regex: str  # exact: checked on the candidate by Python's `re`
    scan: str  # what Hyperscan compiles (the exact regex, or it loosened)
    bounded: bool
    max_len: int
    alphabet: str | None
    # A literal every match holds (case-folded; maybe ""): the one just before the secret's
    # group, or the one it begins with. A stream with no alphabet to go by holds from it.
    anchor: str
    # Every character from the secret's capture group to the end of a match (None: any, or
    # no group): a stream holds only the trailing run of these, and the key before the value
    # may flow (the stream's context still shows it to the scan), as for `keyword_value`.
    value_alphabet: str | None
    # The characters of a class run that opens the pattern and is left out of `scan` (the
    # detector grows the match over them); "" if none.
    grow_left: str


def _char(code: int, in_class: bool) -> str:
    ch = chr(code)
    if code > 0x7E or code < 0x20:
        if code > 0x7F:
            raise Untranslatable(f"non-ASCII character {ch!r}")
        return f"\\x{code:02x}"
    special = _CLASS_SPECIAL if in_class else _SPECIAL
    return "\\" + ch if ch in special else ch


def _class(items: list[tuple[Any, Any]]) -> str:
    out = []
    negate = False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            out.append(_char(av, True))
        elif op is c.RANGE:
            out.append(f"{_char(av[0], True)}-{_char(av[1], True)}")
        elif op is c.CATEGORY:
            out.append(_CATEGORIES[av])
        else:
            raise Untranslatable(f"unsupported class item {op}")
    if not negate and len(out) == 1 and items[0][0] is c.CATEGORY:
        return out[0]
    return "[" + ("^" if negate else "") + "".join(out) + "]"


def _atom(items: list[tuple[Any, Any]], loose: int) -> str:
    """A repeated item: bare when it is one atom, else in a non-capturing group."""
    body = _emit(items, loose)
    if len(items) == 1 and items[0][0] in (c.LITERAL, c.ANY, c.IN, c.SUBPATTERN, c.BRANCH):
        return body
    return f"(?:{body})"


def _quantifier(lo: int, hi: int, loose: int) -> str:
    unbounded = hi >= c.MAXREPEAT
    wide = unbounded or (hi > lo and hi > LOOSE_RANGE)
    if (loose == LOOSE_WIDE and wide) or (loose == LOOSE_ALL and hi > 1):
        # Scan for a superset; the exact pattern judges the candidate.
        return "+" if lo >= 1 else "*"
    if (lo, unbounded) == (0, True):
        return "*"
    if (lo, unbounded) == (1, True):
        return "+"
    if (lo, hi) == (0, 1):
        return "?"
    if unbounded:
        return f"{{{lo},}}"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def _emit(items: list[tuple[Any, Any]], loose: int) -> str:
    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(_char(av, False))
        elif op is c.NOT_LITERAL:
            out.append(f"[^{_char(av, True)}]")
        elif op is c.ANY:
            out.append(".")
        elif op is c.IN:
            out.append(_class(av))
        elif op is c.CATEGORY:
            out.append(_CATEGORIES[av])
        elif op is c.AT:
            out.append(_ANCHORS[av])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, hi, item = av
            out.append(_atom(list(item), loose) + _quantifier(lo, hi, loose))
        elif op is c.SUBPATTERN:
            group, add, remove, sub = av
            if add or remove:
                raise Untranslatable("inline flags inside the pattern")
            body = _emit(list(sub), loose)
            # Capturing groups stay (unnamed): the first non-empty one is the secret.
            out.append(f"({body})" if group is not None else f"(?:{body})")
        elif op is c.BRANCH:
            out.append("(?:" + "|".join(_emit(list(alt), loose) for alt in av[1]) + ")")
        elif op in (c.ASSERT, c.ASSERT_NOT):
            raise Untranslatable("lookaround inside the pattern")
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
            raise Untranslatable("backreference")
        else:
            raise Untranslatable(f"unsupported construct {op}")
    return "".join(out)


def _is_boundary(item: tuple[Any, Any], side: int) -> bool:
    """A lookaround or delimiter group at the pattern's edge: a word-boundary check.

    side -1: the opening (lookbehinds, `(?:\\s|=|^)`); 1: the closing (negative lookahead,
    `(?:\\s|"|$)`).
    """
    op, av = item
    if op is c.ASSERT_NOT and av[0] == side:
        return True
    if op is c.ASSERT and av[0] == side == -1:
        return True
    if op is not c.BRANCH:
        return False
    edge = c.AT_BEGINNING if side == -1 else c.AT_END
    alternatives = av[1]
    if any(list(alt) == [(c.AT, edge)] for alt in alternatives):
        # Every alternative one delimiter character or the edge of the text.
        return all(len(alt) == 1 and alt[0][0] in (c.LITERAL, c.IN, c.AT) for alt in alternatives)
    return all(len(alt) == 1 and _is_boundary(alt[0], side) for alt in alternatives)


def _width(item: tuple[Any, Any], state: Any) -> tuple[int, int]:
    lo, hi = p.SubPattern(state, [item]).getwidth()
    return int(lo), int(hi)


def _has_group(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op is c.SUBPATTERN and (av[0] is not None or _has_group(list(av[3]))):
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and _has_group(list(av[2])):
            return True
        if op is c.BRANCH and any(_has_group(list(alt)) for alt in av[1]):
            return True
    return False


def _trim(items: list[tuple[Any, Any]], state: Any) -> tuple[list[tuple[Any, Any]], bool]:
    """The pattern without its edges' boundary checks and its closing optional parts;
    whether it had a boundary check (then the rule's own word-boundary check stands for it).

    An optional part at the end (`(?:"|'|)`, a trailing `.*`) only lengthens a match and
    never decides one; the secret is the pattern's capture group, which no trim touches.
    """
    bounded = False
    # Optional parts at the start stay: the boundary check belongs before them (`"ibm_key"`).
    while items and _is_boundary(items[0], -1):
        items.pop(0)
        bounded = True
    while items:
        last = items[-1]
        if _is_boundary(last, 1) or _optional(last, state):
            bounded |= _is_boundary(items.pop(), 1)
        elif last[0] is c.SUBPATTERN:
            # `([a-z0-9_-]{44}(?![a-z0-9_-]))`: the closing lookahead inside the last group.
            group, add, remove, sub = last[1]
            inner, inner_bounded = _trim_end(list(sub), state)
            if not inner_bounded:
                break
            items[-1] = (c.SUBPATTERN, (group, add, remove, p.SubPattern(state, inner)))
            bounded = True
        else:
            break
    return items, bounded


def _trim_end(items: list[tuple[Any, Any]], state: Any) -> tuple[list[tuple[Any, Any]], bool]:
    bounded = False
    while items and _is_boundary(items[-1], 1):
        items.pop()
        bounded = True
    return items, bounded


def _optional(item: tuple[Any, Any], state: Any) -> bool:
    return _width(item, state)[0] == 0 and not _has_group([item]) and item[0] is not c.AT


def _alphabet(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av).lower())
        elif op is c.IN:
            for iop, iav in av:
                if iop is c.NEGATE:
                    return None
                if iop is c.LITERAL:
                    chars.add(chr(iav).lower())
                elif iop is c.RANGE:
                    chars.update(chr(x).lower() for x in range(iav[0], iav[1] + 1))
                else:
                    found = _CATEGORY_CHARS.get(iav)
                    if found is None:
                        return None
                    chars.update(found)
        elif op is c.CATEGORY:
            found = _CATEGORY_CHARS.get(av)
            if found is None:
                return None
            chars.update(found)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.SUBPATTERN):
            inner = _alphabet(list(av[2] if op is not c.SUBPATTERN else av[3]))
            if inner is None:
                return None
            chars |= inner
        elif op is c.BRANCH:
            for alt in av[1]:
                inner = _alphabet(list(alt))
                if inner is None:
                    return None
                chars |= inner
        elif op is not c.AT:
            return None  # `.`, a negated literal: any character
    return chars


def translate(pattern: re.Pattern[str]) -> Translated:
    """The pattern in the syntax both engines accept; Untranslatable if it has none."""
    tree = p.parse(pattern.pattern, pattern.flags)
    items, bounded = _trim(list(tree.data), tree.state)
    regex = _emit(items, loose=0)  # exact
    sub = p.SubPattern(tree.state, items)
    lo, hi = sub.getwidth()
    max_len = lo + UNBOUNDED_SLACK if hi >= c.MAXREPEAT else hi
    chars = _alphabet(items)
    lead = _leading_run(items)
    grow_left = _sorted(_alphabet(items[:lead])) or ""
    scanned = items[lead:] if grow_left else _without_open_punctuation(items, tree.state)
    scan = _emit(scanned, loose=LOOSE_WIDE)
    if compile_error(Pattern("probe", scan, max_len)) is not None:
        scan = _emit(scanned, loose=LOOSE_ALL)
    first = next((i for i, item in enumerate(items) if _has_group([item])), None)
    value_chars = _alphabet(items[first:]) if first is not None else None
    anchor = _literal_before(items, first, state=tree.state) if first else _prefix(items)
    return Translated(
        regex, scan, bounded, max_len, _sorted(chars), anchor, _sorted(value_chars), grow_left
    )


def _without_open_punctuation(items: list[tuple[Any, Any]], state: Any) -> list[tuple[Any, Any]]:
    """The pattern without the optional brackets and quotes that open it (`(?:\\[|)(?:"|'|)`
    before a key name): they cost a second of compiling per database and decide nothing;
    the word-boundary check at the key name holds as well after a quote as before it."""
    i = 0
    while i < len(items) and _optional(items[i], state):
        chars = _alphabet(items[i : i + 1])
        if chars is None or any(ch.isalnum() or ch == "_" for ch in chars):
            break
        i += 1
    return items[i:]


def _leading_run(items: list[tuple[Any, Any]]) -> int:
    """How many opening items are required runs of a class (`[MNO][a-z0-9_-]{23,25}` before
    `\\.`), followed by a literal: 0 if the pattern does not open so.

    Start-of-match tracking through such a run costs every scan dearly (35 us per 4 KB of
    prose for the Discord pattern); the scan starts at the literal instead, the detector
    grows the match left over the run's characters, and the exact pattern judges the span.
    """
    i = 0
    while i < len(items) and items[i][0] is not c.LITERAL:
        op, av = items[i]
        run = av[2] if op is c.MAX_REPEAT and av[0] >= 1 else [(op, av)]
        if len(run) != 1 or run[0][0] is not c.IN or _alphabet(list(run)) is None:
            return 0
        i += 1
    return i if i < len(items) else 0


def _sorted(chars: set[str] | None) -> str | None:
    return "".join(sorted(chars)) if chars is not None else None


def _literal_before(items: list[tuple[Any, Any]], end: int, state: Any) -> str:
    """The run of literals before items[end], past optional parts (`=\\s*(`)."""
    i = end
    while i > 0 and _optional(items[i - 1], state):
        i -= 1
    j = i
    while j > 0 and items[j - 1][0] is c.LITERAL:
        j -= 1
    return _prefix(items[j:i])


def _prefix(items: list[tuple[Any, Any]]) -> str:
    out = []
    for op, av in items:
        if op is not c.LITERAL:
            break
        out.append(chr(av).lower())
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Outcome:
    plugin: str
    index: int
    secret_type: str
    source: str
    rule: dict[str, Any] | None  # None: not compiled
    note: str


def _slug(secret_type: str) -> str:
    return "secret." + re.sub(r"[^a-z0-9]+", "_", secret_type.lower()).strip("_")


def outcomes() -> list[Outcome]:
    found: list[Outcome] = []
    plugins: dict[str, type[Any]] = get_mapping_from_secret_type_to_class()
    for secret_type, plugin in sorted(plugins.items(), key=lambda kv: kv[1].__name__):
        name = plugin.__name__
        if name in NOT_PATTERNS or not issubclass(plugin, RegexBasedDetector):
            found.append(Outcome(name, 0, secret_type, "", None, "not a pattern plugin"))
            continue
        # A class attribute in every plugin; the base class declares it as a property.
        denylist = cast("Iterable[re.Pattern[str]]", plugin.denylist)
        for i, pattern in enumerate(denylist):
            found.append(_outcome(name, i, secret_type, pattern))
    return found


def _outcome(name: str, i: int, secret_type: str, pattern: re.Pattern[str]) -> Outcome:
    def out(rule: dict[str, Any] | None, note: str) -> Outcome:
        return Outcome(name, i, secret_type, pattern.pattern, rule, note)

    if (name, i) in LEFT_OUT:
        return out(None, LEFT_OUT[name, i])
    try:
        t = translate(pattern)
    except Untranslatable as exc:
        return out(None, str(exc))
    error = compile_error(Pattern("probe", t.scan, t.max_len))
    if error is not None:
        return out(None, f"Hyperscan: {error}")
    rule: dict[str, Any] = {
        "plugin": name,
        "index": i,
        "secret_type": secret_type,
        "type": TYPES.get((name, i), _slug(secret_type)),
        "regex": t.regex,
        "scan": t.scan,
        "caseless": bool(pattern.flags & re.IGNORECASE),
        "bounded": t.bounded,
        "max_len": t.max_len,
        "alphabet": t.alphabet,
        "anchor": t.anchor,
        "value_alphabet": t.value_alphabet,
        "grow_left": t.grow_left,
    }
    notes = []
    if t.grow_left:
        notes.append("scanned from the literal after its opening run, checked exactly")
    elif t.scan != t.regex:
        notes.append("repeats loosened for the scan, checked exactly")
    if t.regex != pattern.pattern:
        notes.append("translated")
    return out(rule, ", ".join(notes) or "as is")


def document(found: list[Outcome]) -> dict[str, Any]:
    meta = metadata(PACKAGE)
    if LICENCE_CLASSIFIER not in (meta.get_all("Classifier") or []):
        raise SystemExit(f"{PACKAGE} no longer declares {LICENCE}: check its licence")
    return {
        "source": f"{PACKAGE} {version(PACKAGE)} (https://github.com/Yelp/detect-secrets)",
        "licence": LICENCE,
        # Apache-2.0 section 4: the licence and the authors' notice travel with derived data.
        "licence_text": "https://www.apache.org/licenses/LICENSE-2.0",
        "copyright": f"{meta['Author']} and the detect-secrets contributors",
        "generated_by": "scripts/build_secret_rules.py",
        "not_compiled": [
            {"plugin": o.plugin, "index": o.index, "reason": o.note}
            for o in found
            if o.rule is None
        ],
        "rules": [o.rule for o in found if o.rule is not None],
    }


def render(doc: dict[str, Any]) -> str:
    # Insertion order (fixed by the code): the source and licence head the file.
    return json.dumps(doc, indent=1) + "\n"


def table(found: list[Outcome]) -> str:
    rows = [f"{'plugin':28} {'#':>2}  {'status':12}  note", "-" * 100]
    for o in found:
        status = "compiled" if o.rule is not None else "not compiled"
        rows.append(f"{o.plugin:28} {o.index:>2}  {status:12}  {o.note}")
    done = sum(o.rule is not None for o in found)
    rows.append(f"{done} compiled, {len(found) - done} not compiled")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    found = outcomes()
    text = render(document(found))
    print(table(found))
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs: re-run without --check")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
