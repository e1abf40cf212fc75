"""The review queue page: filter, page through and label items, and see the FP/FN rates.

Filters are the API's (admin/review.py parses them: one set of rules), written as a form;
dates are days (UTC) turned into the API's unix bounds. A page is 50 items by keyset (the
store's `id < before`), so it costs the same at item 100,000 as at item 50. The finding spans
an item's text shows are its redaction placeholders (`[REDACTED:EMAIL]`): the store keeps the
redacted text and the finding types, not offsets into a text the client never saw.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from safeproxy.admin.console.app import PREFIX, Form, Gate
from safeproxy.admin.console.render import redirect
from safeproxy.admin.console.session import Session
from safeproxy.admin.review import ReviewApi, filters_from
from safeproxy.errors import BadRequest, ProxyError
from safeproxy.review.item import LABELS, SOURCES, UNLABELLED, ReviewItem, labels_for
from safeproxy.review.rates import false_negative_rate, false_positive_rate

PAGE_SIZE = 50
# The form's fields that are filters, as the API names them (dates are converted).
TEXT_FILTERS = ("policy", "route", "tenant", "source", "label")
DATE_FILTERS = ("since", "until")
ANY_LABEL = "any"
_PLACEHOLDER = re.compile(r"\[REDACTED:[A-Z0-9_]{1,64}\]")
_ID = re.compile(r"[0-9]{1,19}")
# The keys the shortcut script (static/console.js) presses for each label's button.
KEYS = {"true_positive": "t", "false_positive": "f", "unsure": "u", "false_negative": "n",
        "true_negative": "g", "needs_policy_change": "p"}  # fmt: skip
NAMES = {
    "true_positive": "True positive",
    "false_positive": "False positive",
    "unsure": "Unsure",
    "false_negative": "False negative",
    "true_negative": "True negative",
    "needs_policy_change": "Needs policy change",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of an item's text: plain, or a redaction placeholder to highlight."""

    text: str
    mark: bool


def segments(text: str) -> list[Segment]:
    parts: list[Segment] = []
    at = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > at:
            parts.append(Segment(text[at : m.start()], False))
        parts.append(Segment(m.group(), True))
        at = m.end()
    if at < len(text):
        parts.append(Segment(text[at:], False))
    return parts


class ReviewPage:
    def __init__(self, gate: Gate, api: ReviewApi) -> None:
        self._gate = gate
        self._api = api

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(f"{PREFIX}/review", self._gate.page(self.show)),
            web.post(f"{PREFIX}/review/{{id:[0-9]{{1,19}}}}/label", self._gate.action(self.label)),
        ]

    async def show(self, request: web.Request, session: Session) -> web.Response:
        chosen = chosen_filters(request.query)
        try:
            filters = filters_from(api_query(chosen))
            before = _before(request.query.get("before"))
        except BadRequest as exc:
            return self._gate.error(session, 400, str(exc))
        try:
            # The API's wrapper: a store that is down is counted and is a 503 page, as it is
            # a 503 from the API (a shared PostgreSQL store can be down while the proxy runs).
            with self._api.store_errors("read"):
                found = await self._api.store.list(limit=PAGE_SIZE + 1, before_id=before, **filters)
                counts = await self._api.store.label_counts()
        except ProxyError as exc:
            return self._gate.error(session, exc.status, str(exc))
        page = found[:PAGE_SIZE]
        older = None
        if len(found) > PAGE_SIZE and page[-1].id is not None:
            older = query_string(chosen, before=str(page[-1].id))
        return self._gate.render.page(
            "review.html", session=session, csrf=self._gate.sessions.csrf(session),
            items=[_view(i) for i in page], chosen=chosen, sources=SOURCES,
            labels=(ANY_LABEL, UNLABELLED, *LABELS), rates=_rates(counts),
            back=query_string(chosen), older=older, names=NAMES,
        )  # fmt: skip

    async def label(self, request: web.Request, _: Session, form: Form) -> web.Response:
        label = form.get("label", "")
        if label not in LABELS:
            raise BadRequest(f"label must be one of: {', '.join(LABELS)}", param="label")
        note = form.get("note") or None
        item = await self._api.apply_label(int(request.match_info["id"]), label, note)
        chosen = chosen_filters(urllib.parse.parse_qs(form.get("back", "")))
        where = f"{PREFIX}/review?{query_string(chosen)}&labelled={item.id}"
        return redirect(where)


def chosen_filters(query: Any) -> dict[str, str]:
    """The filter fields present and non-empty, as the form holds them (unknown names and
    repeated values are dropped: this is a page, not the API)."""
    chosen: dict[str, str] = {}
    for name in (*TEXT_FILTERS, *DATE_FILTERS):
        value = query.get(name)
        if isinstance(value, list):  # parse_qs gives lists
            value = value[-1] if value else None
        if isinstance(value, str) and value and len(value) <= 200:
            chosen[name] = value
    chosen.setdefault("label", UNLABELLED)  # the queue: what nobody judged yet
    return chosen


def api_query(chosen: dict[str, str]) -> dict[str, str]:
    """The form's filters as the API's query (days → unix seconds, `any` → no label filter)."""
    query = {k: v for k, v in chosen.items() if k in TEXT_FILTERS}
    if query.get("label") == ANY_LABEL:
        del query["label"]
    for name in DATE_FILTERS:
        if name in chosen:
            query[name] = str(_day(chosen[name], name, end=name == "until"))
    return query


def query_string(chosen: dict[str, str], **more: str) -> str:
    return urllib.parse.urlencode({**chosen, **more})


def _day(value: str, name: str, *, end: bool) -> float:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD)", param=name) from None
    if end:  # `until` a day includes that day
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp()


def _before(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not _ID.fullmatch(raw):
        raise BadRequest("before must be an item id", param="before")
    return int(raw)


def _view(item: ReviewItem) -> dict[str, Any]:
    created = datetime.datetime.fromtimestamp(item.created_unix, datetime.UTC)
    return {
        "item": item,
        "created": created.strftime("%Y-%m-%d %H:%M:%S"),
        "segments": segments(item.text) if item.text is not None else None,
        "choices": [(label, KEYS[label]) for label in labels_for(item.flagged)],
    }


def _rates(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    rows = []
    for policy in sorted(counts):
        c = counts[policy]
        rows.append({"policy": policy, "fp": _percent(false_positive_rate(c)),
                     "fn": _percent(false_negative_rate(c)), "counts": c})  # fmt: skip
    return rows


def _percent(rate: float | None) -> str:
    return "not measured" if rate is None else f"{rate * 100:.1f}%"
