"""Token usage on the OpenAI wire: asking a stream for it, and knowing the chunk that carries it.

A streamed reply carries no usage unless the request asks with `stream_options.include_usage`;
then the upstream adds one last chunk with `"choices": []` and the counts. The proxy needs the
counts for every request (the token metrics and the token rate limit), so it asks on every
stream; when the client did not, that chunk is read and not relayed, so the client gets the
stream it asked for.
"""

from __future__ import annotations

from typing import Any

_ASK = b',"stream_options":{"include_usage":true}}'


def ask_stream_usage(body: dict[str, Any], wire: bytes | None) -> tuple[bool, bytes | None]:
    """Set `stream_options.include_usage` on a streamed request's body.

    Returns (hide, wire): `hide` when the proxy asked and the client did not, so the usage
    chunk is the proxy's to drop; `wire` the bytes to forward (spliced when the option is
    added, None when the body must be serialised again).
    """
    if "stream_options" not in body:
        body["stream_options"] = {"include_usage": True}
        # A key added last to a dict serialises just before the closing brace (orjson keeps
        # insertion order): the same bytes as serialising the whole body again, for less.
        if wire is not None and wire.endswith(b"}") and len(body) > 1:
            return True, wire[:-1] + _ASK
        return True, None
    opts = body["stream_options"]
    if isinstance(opts, dict) and opts.get("include_usage") is True:
        return False, wire  # the client asked: the chunk is its own
    if opts is None or isinstance(opts, dict):
        body["stream_options"] = {**(opts or {}), "include_usage": True}
        return True, None
    return False, wire  # not an object: the upstream answers for it, as without the proxy


def asking_usage(body: dict[str, Any], wire: bytes) -> tuple[dict[str, Any], bytes | None, bool]:
    """A copy of `body` that asks for usage, its bytes (None: serialise the copy) and `hide`
    (see ask_stream_usage). The body itself stays the client's, for upstreams that do not ask
    (`upstreams[].stream_usage: false`)."""
    copy = dict(body)
    hide, spliced = ask_stream_usage(copy, wire)
    return copy, spliced, hide


def is_usage_chunk(chunk: dict[str, Any]) -> bool:
    """The usage-only chunk that ends a stream asked for usage: no choices, a usage object."""
    return chunk.get("choices") == [] and isinstance(chunk.get("usage"), dict)


def counts(usage: Any) -> tuple[int | None, int | None]:
    """(input tokens, output tokens) of a `usage` object (chat/completions or Responses names)."""
    if not isinstance(usage, dict):
        return None, None
    tokens_in = usage.get("prompt_tokens", usage.get("input_tokens"))
    tokens_out = usage.get("completion_tokens", usage.get("output_tokens"))
    return (
        tokens_in if type(tokens_in) is int and tokens_in >= 0 else None,
        tokens_out if type(tokens_out) is int and tokens_out >= 0 else None,
    )
