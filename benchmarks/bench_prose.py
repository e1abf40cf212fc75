"""Prose for the filter benchmarks: about N KiB of text in one flavour (ASCII, mixed Latin with
accents and other scripts, CJK, Arabic, Cyrillic, emoji-heavy), with PII values sprinkled in so
that every validator runs; and distinct variants of a text (the normaliser keeps its last
answer, so one text repeated would time a cache hit)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from functools import partial

SEED = 20240611


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "the a of to and in that is for it with as was on be by this are from at or an have not "
    "which but all were when we there can more if will one about up out would so into has "
    "time could two other than then some these first now only new people after also made "
    "system data report team meeting customer project release budget quarter invoice order "
    "review design network service model request response latency memory cluster server "
    "deploy migrate schedule analysis summary document section chapter paragraph question "
    "answer please thanks regards update status before during while because however although "
    "several morning evening weekly monthly revenue forecast contract account support ticket"
)
ACCENTED = _words(
    "café naïve façade déjà über Größe Straße mañana niño São crème brûlée résumé coöperate "
    "élève garçon Zürich Ångström smörgåsbord jalapeño piñata Kraków Dvořák Łódź"
)
# Whole clauses in other scripts: CJK, Korean, Cyrillic, Greek (prompts mix them like this);
# the Cyrillic and Greek letters that look Latin are the point (RUF001).
FOREIGN = (
    "今日は天気がいいですね",
    "我们明天下午三点开会",
    "请把报告发给我",
    "데이터를 다시 확인해 주세요",
    "Привет, как дела у команды?",  # noqa: RUF001
    "Спасибо за быстрый ответ",
    "Καλημέρα σε όλους",
    "Ευχαριστώ πολύ για τη βοήθεια",  # noqa: RUF001
)
EMOJI = ("🙂", "🚀", "👍🏽", "✅", "🎉", "📎", "🔥", "🤔")
FIRST = ("jane", "omar", "li", "maria", "tom", "aiko", "sven", "priya")
LAST = ("doe", "haddad", "wei", "garcia", "baker", "tanaka", "lund", "nair")
DOMAINS = ("fastmail.com", "acme-corp.io", "gmail.com", "northwind.co.uk")
AREA_CODES = ("212", "415", "312", "617", "206", "303")


def luhn_card(rng: random.Random) -> str:
    """A 16-digit Visa-shaped number whose Luhn check digit is right, grouped 4-4-4-4."""
    body = "4" + "".join(str(rng.randrange(10)) for _ in range(14))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    number = body + str((10 - total % 10) % 10)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def pii_value(rng: random.Random, kind: int) -> str:
    if kind == 0:
        return f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{rng.choice(DOMAINS)}"
    if kind == 1:
        return f"({rng.choice(AREA_CODES)}) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    return luhn_card(rng)


# Prose in one script, for the per-KB cost of text that is not ASCII: (words, the sentence that
# carries a PII value, word separator). The values stay ASCII, as users paste them.
SCRIPTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "cjk": (
        _words(
            "今日 天気 会議 報告 明日 午後 資料 確認 お願い します 我们 明天 下午 开会 请把 "
            "报告 发给 我 数据 再次 确认 谢谢 项目 预算 客户 订单 服务 데이터 확인 주세요 "
            "회의 내일 보고서"
        ),
        "我的{label}是 {value} ，请确认。",  # noqa: RUF001
        "",
    ),
    "arabic": (
        _words(
            "مرحبا كيف حالك اليوم الاجتماع غدا التقرير الميزانية العميل الطلب الخدمة شكرا "
            "جزيلا على المساعدة يرجى مراجعة البيانات قبل الموعد المشروع الفريق الأسبوع "
            "الشهر الإيرادات العقد الحساب الدعم التذكرة"
        ),
        "من فضلك، {label} الخاص بي هو {value} شكرا. ",
        " ",
    ),
    "cyrillic": (
        _words(
            "привет как дела у команды спасибо за быстрый ответ завтра встреча отчёт бюджет "  # noqa: RUF001
            "клиент заказ сервис пожалуйста проверьте данные перед сроком проект неделя месяц "
            "выручка договор аккаунт поддержка заявка"
        ),
        "Кстати, мой {label}: {value}, проверьте. ",
        " ",
    ),
    "emoji": (
        _words(
            "the team 🚀 shipped 🎉 release ✅ today 🙂 thanks 👍🏽 please 🙏 review 🔥 the "
            "👨‍👩‍👧 family plan ❤️ budget 📎 meeting 🤔 later 🇫🇷 trip 👩🏿‍💻 coding"
        ),
        "ok 👍 my {label} is {value} 🙂 ",
        " ",
    ),
}


def pii_sentence(rng: random.Random, kind: int, flavour: str) -> str:
    value = pii_value(rng, kind)
    label = ("email", "phone", "card")[kind]
    if flavour in SCRIPTS:
        return SCRIPTS[flavour][1].format(label=label, value=value)
    if flavour == "mixed":
        return f"Merci 🙏 — mon {label} est {value}, déjà vérifié. "
    return f"For the record, my {label} is {value} if you need it. "


def sentence(rng: random.Random, flavour: str) -> str:
    if flavour in SCRIPTS:
        words, _, sep = SCRIPTS[flavour]
        text = sep.join(rng.choice(words) for _ in range(rng.randrange(6, 18)))
        return text + rng.choice(("。", ".", "?", "!")) + " "
    mixed = flavour == "mixed"
    words_out: list[str] = []
    for _ in range(rng.randrange(6, 18)):
        if mixed and rng.random() < 0.25:
            words_out.append(rng.choice(ACCENTED))
        else:
            words_out.append(rng.choice(WORDS))
        if rng.random() < 0.04:  # years and quantities: digits the phone pattern looks at
            words_out.append(str(rng.choice((rng.randrange(1990, 2030), rng.randrange(2, 500)))))
    text = " ".join(words_out).capitalize()
    if mixed and rng.random() < 0.35:
        text += ", " + rng.choice(FOREIGN)
    end = rng.choice((".", ".", ".", "?", "!"))
    if mixed and rng.random() < 0.3:
        end += " " + rng.choice(EMOJI)
    return text + end + " "


def prose(size_kb: int, flavour: str, seed: int = SEED) -> str:
    """About `size_kb` KiB of UTF-8 prose. Three PII values (email, phone, card) per 4 KiB,
    and at least one of each, so every validator runs whatever the size."""
    rng = random.Random(f"{seed}-{flavour}-{size_kb}")
    size = size_kb * 1024
    every = min(size, 4096) // 3
    parts: list[str] = []
    used = 0
    next_pii, kind = every // 2, 0
    while used < size:
        if used >= next_pii:
            piece = pii_sentence(rng, kind % 3, flavour)
            next_pii, kind = next_pii + every, kind + 1
        else:
            piece = sentence(rng, flavour)
        parts.append(piece)
        used += len(piece.encode())
    text = "".join(parts)
    # Trim to the byte budget on a character boundary (only prose after the last PII value).
    return text.encode()[:size].decode("utf-8", "ignore")


def variants(text: str, n: int = 4) -> Callable[[], str]:
    """The text, made distinct on each call: the normaliser and the views keep their last
    answer (a shadow scan re-reads the active scan's text), so one text repeated would time a
    cache hit, which no two requests get."""
    texts = [f"{i} {text}" for i in range(n)]
    turn = itertools.cycle(texts)
    return partial(next, turn)
