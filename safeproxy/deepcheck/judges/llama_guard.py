"""The Llama Guard judge: Llama Guard 3/4 behind an OpenAI-compatible server (vLLM, TGI).

Two ways to ask it (settings `endpoint`):

- `completions`: the proxy formats Llama Guard's own prompt, with the configured
  categories, and sends it to `/v1/completions`. The text is the one Meta's reference
  code writes (llama-stack's Llama Guard shield, the model card's prompt format): the task
  line, the categories, the conversation as `User:` and `Agent:` turns, the instructions,
  wrapped as one user message of Llama 3's chat format. For Llama Guard 4 (`version: 4`)
  the same text is wrapped in Llama 4's header tokens (`<|header_start|>`, `<|eot|>`).
- `chat`: the turns go to `/v1/chat/completions` and the server's chat template formats
  them (with the model's default categories).

Turn mapping: `user` → User, `assistant` → Agent, `tool` → User (a tool result is
untrusted content, judged like the user's), `system`/`developer` are left out (operator
text). The judged role is User at the input stage, Agent at the output stage.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Sequence
from typing import Any

from safeproxy.deepcheck.api import JudgeContext, JudgeError, JudgeResult, JudgeVerdict, Turn
from safeproxy.deepcheck.judges.client import JsonClient
from safeproxy.deepcheck.settings import LlamaGuardJudge

_OPERATOR_ROLES = frozenset({"system", "developer"})
_CATEGORY = re.compile(r"^S\d{1,2}$")
# Llama's special tokens (`<|eot_id|>`, `<|start_header_id|>`, `<|header_start|>` ...).
# A server tokenises them as control tokens even inside prompt text, so a user who typed
# one could close the conversation early and write the judge's answer; written as plain
# text instead, they are only characters.
_SPECIAL_TOKEN = re.compile(r"<\|([A-Za-z0-9_]{1,64})\|>")
# The template's own markers, as a client could type them to fake its structure.
_MARKER = re.compile(r"<(\s*)(BEGIN|END)(\s)", re.IGNORECASE)

# (begin of the user turn, end of it + the assistant header) per Llama Guard version.
_FRAMES: dict[int, tuple[str, str]] = {
    3: (
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n",
        "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    ),
    4: (
        "<|begin_of_text|><|header_start|>user<|header_end|>\n\n",
        "<|eot|><|header_start|>assistant<|header_end|>\n\n",
    ),
}
# Meta's text, byte for byte, "according our safety policy" included: the model was
# trained on exactly this wording.
_BODY = (
    "Task: Check if there is unsafe content in '{role}' messages in conversations according"
    " our safety policy with the below categories.\n\n"
    "<BEGIN UNSAFE CONTENT CATEGORIES>\n{categories}\n<END UNSAFE CONTENT CATEGORIES>\n\n"
    "<BEGIN CONVERSATION>\n\n{conversation}\n\n<END CONVERSATION>\n\n"
    "Provide your safety assessment for ONLY THE LAST {role} message in the above"
    " conversation:\n"
    " - First line must read 'safe' or 'unsafe'.\n"
    " - If unsafe, a second line must include a comma-separated list of violated categories."
)


def defang(text: str) -> str:
    """Turn text that cannot fake the prompt's structure.

    Llama special tokens are written as plain text (`<|eot_id|>` → `<eot_id>`); the
    template's `<BEGIN ...>`/`<END ...>` markers lose their angle bracket; and every line
    break becomes a single one indented by two spaces, so no line of a turn can start a
    fake `User:` or `Agent:` turn (the judge judges only the last one) or end the
    conversation block. (No regex over the line breaks: a whitespace run would make one
    quadratic.)
    """
    text = _SPECIAL_TOKEN.sub(r"<\1>", text)
    text = _MARKER.sub(r"(\1\2\3", text)
    return "\n  ".join(line.strip() for line in text.splitlines() if line.strip())


def guard_role(role: str) -> str | None:
    """The Llama Guard speaker of an OpenAI role, or None for operator text."""
    if role in _OPERATOR_ROLES:
        return None
    return "Agent" if role == "assistant" else "User"


def build_prompt(
    turns: Sequence[Turn], stage: str, categories: dict[str, str], version: int = 3
) -> str:
    """Llama Guard's completion prompt for these turns, judging the last turn of `stage`."""
    role = "User" if stage == "input" else "Agent"
    lines = []
    for turn in turns:
        speaker = guard_role(turn.role)
        if speaker is not None:
            lines.append(f"{speaker}: {defang(turn.text.strip())}")
    body = _BODY.format(
        role=role,
        categories="\n".join(f"{key}: {name}" for key, name in categories.items()),
        conversation="\n\n".join(lines),
    )
    begin, end = _FRAMES[version]
    return f"{begin}{body}{end}"


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The turns as chat messages that a Llama Guard chat template accepts.

    Its template raises unless roles alternate user/assistant starting with a user, so
    consecutive turns of one speaker are joined and a conversation that opens with the
    assistant gets an empty user turn first.
    """
    messages: list[dict[str, str]] = []
    for turn in turns:
        speaker = guard_role(turn.role)
        if speaker is None:
            continue
        role = "assistant" if speaker == "Agent" else "user"
        text = defang(turn.text.strip())
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"] += "\n\n" + text
        else:
            messages.append({"role": role, "content": text})
    if messages and messages[0]["role"] == "assistant":
        messages.insert(0, {"role": "user", "content": ""})
    return messages


def parse_llama_guard(
    text: str, categories: Collection[str], uncertain: Collection[str]
) -> JudgeResult:
    """Llama Guard's answer as a verdict: `safe`, or `unsafe` and a line of categories.

    Case, surrounding whitespace and blank lines do not matter. Categories not in `categories` are
    dropped from the result, but still count when deciding `uncertain`: only an answer
    whose every reported category is in `uncertain` is uncertain, so an unknown category
    never softens an unsafe verdict. Anything else is JudgeError("bad_reply").
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[0].lower() if lines else ""
    if head == "safe":
        return JudgeResult(JudgeVerdict.SAFE)
    if head != "unsafe":
        raise JudgeError("bad_reply", "not a Llama Guard answer")
    reported: list[str] = []
    if len(lines) > 1:
        for item in lines[1].split(","):
            code = item.strip().upper()
            if code and code not in reported:
                reported.append(code)
    kept = tuple(c for c in reported if _CATEGORY.match(c) and c in categories)
    if reported and all(c in uncertain for c in reported):
        return JudgeResult(JudgeVerdict.UNCERTAIN, kept)
    return JudgeResult(JudgeVerdict.UNSAFE, kept)


class LlamaGuard:
    def __init__(self, name: str, settings: LlamaGuardJudge, client: JsonClient) -> None:
        self.name = name
        self._settings = settings
        self._client = client
        base = settings.base_url.rstrip("/")
        self._url = (
            f"{base}/v1/completions"
            if settings.endpoint == "completions"
            else f"{base}/v1/chat/completions"
        )
        self._uncertain = frozenset(settings.uncertain_categories)

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        s = self._settings
        started = time.perf_counter()
        body: dict[str, Any] = {"model": s.model, "max_tokens": 20, "temperature": 0}
        if s.endpoint == "completions":
            body["prompt"] = build_prompt(turns, context.stage, s.categories, s.version)
        else:
            body["messages"] = chat_messages(turns)
        reply = await self._client.post(self._url, body)
        answer = _answer_text(reply, chat=s.endpoint == "chat")
        result = parse_llama_guard(answer, s.categories, self._uncertain)
        return JudgeResult(result.verdict, result.categories, None, time.perf_counter() - started)

    async def close(self) -> None:
        await self._client.close()


def _answer_text(reply: Any, *, chat: bool) -> str:
    """`choices[0].text` (completions) or `choices[0].message.content` (chat)."""
    try:
        choice = reply["choices"][0]
        text = choice["message"]["content"] if chat else choice["text"]
    except (KeyError, IndexError, TypeError):
        raise JudgeError("bad_reply", "no choices[0] answer") from None
    if not isinstance(text, str):
        raise JudgeError("bad_reply", "answer is not text")
    return text
